package app

import (
	"context"
	"strings"
	"testing"

	"chorus/assets"
	"chorus/data/seal"
	"chorus/data/survey"

	"fyne.io/fyne/v2/test"
)

// TestDiskFullKeepsAnswersAndSavesOnce: when the disk is full at submit the
// participant is told plainly, their answers stay on screen in memory, and
// once there is room again the same answers are saved exactly once.
//
// Here the full disk is SQLite's own limit: PRAGMA max_page_count stops the
// database growing and every insert then fails with SQLITE_FULL ("database
// or disk is full"). The store keeps one writer connection, so the pragma
// holds for the saves that follow. TestFileSystemFullKeepsAnswersAndSavesOnce
// (fsfull_linux_test.go) does the same on a real file system that fills up.
func TestDiskFullKeepsAnswersAndSavesOnce(t *testing.T) {
	r := newRig(t, "../data/survey/testdata/alltypes.json")
	db := r.st.DB()
	checkFullDiskKeepsAnswers(t, r, func() {
		var pages int
		if err := db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`PRAGMA max_page_count = ` + itoa(pages)); err != nil {
			t.Fatal(err)
		}
	}, func() {
		if _, err := db.Exec(`PRAGMA max_page_count = 1073741823`); err != nil {
			t.Fatal(err)
		}
	})
}

// checkFullDiskKeepsAnswers walks a participant to the review screen,
// calls makeFull, lets other people's responses fill what room is left
// until a save fails, then sends the participant's answers: they must be
// refused with the plain message and kept on screen, with nothing stored.
// Then it calls giveRoomBack and sends again: the answers must be saved
// exactly once.
func checkFullDiskKeepsAnswers(t *testing.T, r *rig, makeFull, giveRoomBack func()) {
	t.Helper()
	const story = "Kept safe while the disk was full"
	logs := captureLogs(t, story)
	k := r.k
	test.Tap(k.welcome.langs["en"])
	test.Tap(k.consent.agree)
	for k.question != nil {
		q := k.question
		if q.q.Required {
			q.choices[0].lastTap = q.choices[0].lastTap.AddDate(-1, 0, 0)
			test.Tap(q.choices[0])
		}
		if q.q.ID == "story" {
			test.Type(q.entry, story)
		}
		test.Tap(q.next)
	}
	db := r.st.DB()
	makeFull()
	// Other people's responses fill the disk until one no longer fits.
	full := false
	for i := 0; i < 2000 && !full; i++ {
		f := NewFlow("en", k.cfg.Clock())
		f.Consent(r.sv, nil, k.cfg.Clock())
		f.Answers = survey.Answers{"online": {Choice: "no"}, "confidence": {Choice: "happy"}}
		sub := f.Submission(r.sv, k.cfg.Device, Visit{Mode: survey.ModeSelf}, survey.Complete)
		if _, err := r.st.Submit(context.Background(), k.cfg.Recipients, sub); err != nil {
			if !strings.Contains(err.Error(), "full") {
				t.Fatalf("filling the disk: %v", err)
			}
			full = true
		}
	}
	if !full {
		t.Fatal("the disk never filled")
	}
	var before int
	if err := db.QueryRow(`SELECT count(*) FROM responses`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d responses in the store when it was full", before)
	test.Tap(k.review.submit)
	waitFor(t, "the save to fail", func() bool { return k.review != nil && k.review.message.Visible() })
	if !strings.Contains(logs.String(), "cannot save a response") {
		t.Errorf("the failed save is not in the log:\n%s", logs)
	}
	if k.thanks != nil || k.flow == nil || k.flow.Answers["story"].Text != story {
		t.Fatal("after a failed save the answers are not kept on the review screen")
	}
	if k.review.submit.Disabled() {
		t.Error("the send button did not come back")
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM responses`).Scan(&n)
	if n != before {
		t.Fatalf("a failed save changed the responses from %d to %d", before, n)
	}
	// Space returns: the participant taps Send again.
	giveRoomBack()
	k.shownAt = k.shownAt.AddDate(-1, 0, 0) // past the settle time
	test.Tap(k.review.submit)
	waitFor(t, "the thank-you screen", func() bool { return k.thanks != nil })
	var responses, consents, kept int
	db.QueryRow(`SELECT (SELECT count(*) FROM responses), (SELECT count(*) FROM consents)`).Scan(&responses, &consents)
	if responses != before+1 || consents != before+1 {
		t.Errorf("after space returned: %d responses and %d consent records, want exactly %d each", responses, consents, before+1)
	}
	rs, _ := r.st.Responses(context.Background())
	ids, _ := seal.ParseIdentities(assets.DemoIdentity())
	for _, resp := range rs {
		plain, err := seal.Open(ids, resp.Sealed)
		if err == nil && strings.Contains(string(plain), story) {
			kept++
		}
	}
	if kept != 1 {
		t.Errorf("the answers given during the full disk were saved %d times, want once", kept)
	}
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check after the full disk = %q, %v", check, err)
	}
}
