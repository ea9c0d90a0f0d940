package central_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/central"
	"chorus/data/store/storetest"
	"chorus/data/survey"
)

// inFolder reports the files under dir that hold needle, and how many
// files it read.
func inFolder(t *testing.T, dir string, needle []byte) ([]string, int) {
	t.Helper()
	var hits []string
	n := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		if bytes.Contains(data, needle) {
			hits = append(hits, filepath.Base(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits, n
}

// TestWithdrawAtCentral is P8 at central: a participant's receipt code,
// as they read it out, withdraws their merged response for good. Its
// answers are in no file of the central folder afterwards, the same batch
// merged again brings nothing back, and the event is audited without the
// code.
func TestWithdrawAtCentral(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	const gone, kept = "CANARY-central-9e4a-withdrawn", "CANARY-central-5b7d-kept"
	r := dev.SubmitStories(kept, gone, kept)
	path := dev.Export(t.TempDir())
	db := openDB(t)
	merge(t, db, path, k)

	if hits := stored(t, db, gone); len(hits) == 0 {
		t.Fatal("the canary is not in the database's storage before the withdrawal: the search proves nothing")
	}
	// As the participant might type it: lower case, spaces.
	typed := strings.ToLower(r[1].Code[:5]) + " " + r[1].Code[5:]
	w, err := db.Withdraw(ctx, typed, "Central Team", "")
	if err != nil {
		t.Fatal(err)
	}
	if !w.Response || w.BatchSeq != 1 || w.Fingerprint == "" {
		t.Fatalf("withdrawal = %+v", w)
	}
	if n := count(t, db, `SELECT count(*) FROM responses WHERE id = ?`, r[1].ResponseID); n != 0 {
		t.Fatalf("%d responses left", n)
	}
	if n := count(t, db, `SELECT count(*) FROM responses`); n != 2 {
		t.Fatalf("%d responses, want the 2 kept", n)
	}
	if n := count(t, db, `SELECT count(*) FROM central_audit WHERE action = 'withdrawal'`); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
	if n := count(t, db, `SELECT count(*) FROM central_audit WHERE detail LIKE ?`, "%"+r[1].Code+"%"); n != 0 {
		t.Fatal("the audit names the receipt code")
	}
	if hits := stored(t, db, gone); len(hits) != 0 {
		t.Fatalf("withdrawn answer still in %v", hits)
	}
	if hits := stored(t, db, kept); len(hits) == 0 {
		t.Fatal("the kept answer is not found either: the search proves nothing")
	}
	if db.Postgres() {
		// Every file of the database, the planner's statistics
		// (pg_statistic) included: ANALYZE keeps sample values of a
		// column there.
		dataDir, oid := pgDatabase(t, db)
		if hits, files := pgFiles(t, dataDir, oid, []byte(gone)); len(hits) != 0 || files == 0 {
			t.Fatalf("withdrawn answer in %v (of %d files)", hits, files)
		}
		if hits, _ := pgFiles(t, dataDir, oid, []byte(kept)); len(hits) == 0 {
			t.Fatal("the kept answer is in no file of the database: the search proves nothing")
		}
	}

	// The same code again, and a code never given.
	if _, err := db.Withdraw(ctx, r[1].Code, "Central Team", ""); !errors.Is(err, central.ErrReceiptWithdrawn) {
		t.Fatalf("again: %v", err)
	}
	if _, err := db.Withdraw(ctx, survey.NewReceipt(), "Central Team", ""); !errors.Is(err, central.ErrReceiptNotFound) {
		t.Fatalf("unknown code: %v", err)
	}
	if _, err := db.Withdraw(ctx, "not a code!", "Central Team", ""); !errors.Is(err, survey.ErrReceipt) {
		t.Fatalf("malformed code: %v", err)
	}

	// The batch merged again: the response never returns.
	if _, err := db.Merge(ctx, path, k.Identities, central.MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM responses WHERE id = ?`, r[1].ResponseID); n != 0 {
		t.Fatal("merging the batch again brought the response back")
	}
	// A later batch from the device changes nothing either.
	dev.Submit(1)
	merge(t, db, dev.Export(t.TempDir()), k)
	if n := count(t, db, `SELECT count(*) FROM responses WHERE id = ?`, r[1].ResponseID); n != 0 {
		t.Fatal("a later batch brought the response back")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db.Postgres() {
		return // the pages were searched above
	}
	if hits, _ := inFolder(t, db.Dir(), []byte(gone)); len(hits) != 0 {
		t.Fatalf("withdrawn answer in %v after close", hits)
	}
}

// TestWithdrawnAnswerInNoFileOfTheCluster: on PostgreSQL the planner's
// statistics (pg_statistic) keep sample values of each column, taken by
// ANALYZE (autovacuum's, or an earlier withdrawal's) while an answer was
// still there; after its withdrawal no file of the database may hold it.
func TestWithdrawnAnswerInNoFileOfTheCluster(t *testing.T) {
	db := openDB(t)
	if !db.Postgres() {
		t.Skip("SQLite: TestWithdrawAtCentral searches every file")
	}
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	const gone, kept = "CANARY-stat-3c1f-withdrawn", "CANARY-stat-77ad-kept"
	r := dev.SubmitStories(kept, gone, kept+"-2", kept+"-3")
	merge(t, db, dev.Export(t.TempDir()), k)
	if _, err := db.SQL().Exec(`ANALYZE`); err != nil { // as autovacuum does
		t.Fatal(err)
	}
	dataDir, oid := pgDatabase(t, db)
	if hits, _ := pgFiles(t, dataDir, oid, []byte(gone)); len(hits) == 0 {
		t.Fatal("the answer is in no file before its withdrawal: the search proves nothing")
	}
	if _, err := db.Withdraw(ctx, r[1].Code, "Central Team", ""); err != nil {
		t.Fatal(err)
	}
	if hits, files := pgFiles(t, dataDir, oid, []byte(gone)); len(hits) != 0 || files == 0 {
		t.Fatalf("withdrawn answer still in %v (of %d files)", hits, files)
	}
	if hits, _ := pgFiles(t, dataDir, oid, []byte(kept)); len(hits) == 0 {
		t.Fatal("the kept answers are in no file: the search proves nothing")
	}
}

// TestWithdrawAtCentralTwoDevices: a code given on two devices is never
// guessed between: nothing is withdrawn until the device is named.
func TestWithdrawAtCentralTwoDevices(t *testing.T) {
	k := storetest.NewKey(t, false)
	db := openDB(t)
	code := survey.NewReceipt()
	var ids []string
	for range 2 {
		dev := storetest.NewDevice(t, k.Recipients, false)
		sub, _ := dev.Submission(0, "story")
		sub.Consent.ReceiptHash = survey.HashReceipt(code)
		saved, err := dev.Store.Submit(ctx, dev.Keys, sub)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, saved.ResponseID)
		p := dev.Export(t.TempDir())
		merge(t, db, p, k)
	}
	_, err := db.Withdraw(ctx, code, "Central Team", "")
	var amb *central.AmbiguousReceiptError
	if !errors.As(err, &amb) || len(amb.Matches) != 2 {
		t.Fatalf("err = %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM responses`); n != 2 {
		t.Fatalf("%d responses after an ambiguous code, want 2", n)
	}
	w, err := db.Withdraw(ctx, code, "Central Team", amb.Matches[1].Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	if w.Fingerprint != amb.Matches[1].Fingerprint {
		t.Fatalf("withdrew from %s, asked %s", w.Fingerprint, amb.Matches[1].Fingerprint)
	}
	if n := count(t, db, `SELECT count(*) FROM responses`); n != 1 {
		t.Fatalf("%d responses, want 1", n)
	}
	// The code alone does not now name the other device's response: a
	// participant phoning twice withdraws nobody else.
	if _, err := db.Withdraw(ctx, code, "Central Team", ""); !errors.Is(err, central.ErrReceiptWithdrawn) {
		t.Fatalf("code again = %v", err)
	}
	if _, err := db.Withdraw(ctx, code, "Central Team", amb.Matches[0].Fingerprint); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM responses`); n != 0 {
		t.Fatalf("%d responses, want 0", n)
	}
}
