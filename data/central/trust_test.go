package central_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/batch"
	"chorus/data/central"
	"chorus/data/report"
	"chorus/data/seal"
	"chorus/data/store/storetest"
	"chorus/data/survey"

	"github.com/google/uuid"
)

// The attacks of issue 14, each made from the analyst's public key alone
// (and, where the attack needs one, a device that the analyst enrolled).

// forger is someone with the analyst's public key and a key of their own.
type forger struct {
	key  seal.DeviceKey
	id   string
	name string
	seq  int64
	prev string
}

func newForger(t *testing.T, id, name string) *forger {
	t.Helper()
	key, err := seal.NewDeviceKey()
	if err != nil {
		t.Fatal(err)
	}
	if id == "" {
		id = uuid.Must(uuid.NewV7()).String()
	}
	return &forger{key: key, id: id, name: name}
}

func (f *forger) fingerprint() string { return seal.Fingerprint(string(f.key.Public)) }

// batch writes the forger's next batch with src's records and the given
// survey definitions.
func (f *forger) batch(t *testing.T, k storetest.Key, src memSource, defs ...batch.SurveyDef) string {
	t.Helper()
	f.seq++
	m := batch.Manifest{
		DeviceID: f.id, DeviceName: f.name, DevicePublicKey: f.key.Public, Seq: f.seq, PrevManifestSHA256: f.prev,
		BatchID: uuid.Must(uuid.NewV7()).String(), CreatedAt: "2026-11-30T10:00:00Z", AppVersion: "forged",
		SchemaVersion: 6,
	}
	if src == nil {
		src = memSource{}
	}
	for _, d := range defs {
		m.Surveys = append(m.Surveys, batch.SurveyRef{ID: d.ID, Version: d.Version, SHA256: d.SHA256})
		line, err := batch.AppendLine(nil, d)
		if err != nil {
			t.Fatal(err)
		}
		src[batch.SurveysMember] = append(src[batch.SurveysMember], line...)
	}
	lines := func(name string) int64 { return int64(bytes.Count(src[name], []byte("\n"))) }
	m.Counts = batch.Counts{Responses: lines(batch.ResponsesMember), Consents: lines(batch.ConsentsMember),
		Withdrawals: lines(batch.WithdrawalsMember), Audit: lines(batch.AuditMember), Surveys: lines(batch.SurveysMember)}
	for _, l := range bytes.Split(bytes.TrimSpace(src[batch.DeclinedMember]), []byte("\n")) {
		var d batch.Declined
		if len(l) > 0 {
			if err := json.Unmarshal(l, &d); err != nil {
				t.Fatal(err)
			}
			m.Counts.Declined += d.Count
		}
	}
	path := forge(t, m, src, f.key, k.Recipients)
	b := read(t, path, k)
	f.prev = b.ManifestSHA256
	return path
}

// surveyDef is the test survey with edit applied to its file's text.
func surveyDef(t *testing.T, edit func(string) string) batch.SurveyDef {
	t.Helper()
	body, err := os.ReadFile(storetest.SurveyFile)
	if err != nil {
		t.Fatal(err)
	}
	text := edit(string(body))
	sum := sha256.Sum256([]byte(text))
	sv, err := survey.Parse("edited.json", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return batch.SurveyDef{SHA256: hex.EncodeToString(sum[:]), ID: sv.ID, Version: sv.Version, Body: []byte(text)}
}

func mustEnrol(t *testing.T, db *central.DB, fp string) {
	t.Helper()
	if _, err := db.Enrol(ctx, fp, "", "test"); err != nil {
		t.Fatalf("enrol %s: %v", fp, err)
	}
}

// realDevice is an enrolled device with n responses merged into db.
func realDevice(t *testing.T, db *central.DB, k storetest.Key, n int) (*storetest.Device, []storetest.Receipt) {
	t.Helper()
	dev := storetest.NewDevice(t, k.Recipients, false)
	r := dev.Submit(n)
	dev.Decline(1)
	mustEnrol(t, db, dev.Info.Key.Fingerprint())
	merge(t, db, dev.Export(t.TempDir()), k)
	return dev, r
}

func csvBytes(t *testing.T, db *central.DB) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	if _, err := db.WriteCSV(ctx, dir, central.CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, name := range []string{central.WideCSV, central.LongCSV, central.CodebookCSV} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

func writeReport(t *testing.T, db *central.DB, quotes bool) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := report.Write(ctx, db, &buf, report.Options{MinCount: 2, IncludeQuotes: quotes}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// Item 1: a batch signed by a key nobody enrolled is quarantined, even
// when it copies a real device's name; after enrolment it merges.
func TestUnenrolledDeviceIsQuarantined(t *testing.T) {
	k := storetest.NewKey(t, false)
	db := openDB(t)
	real, _ := realDevice(t, db, k, 2)

	stranger := storetest.NewDevice(t, k.Recipients, false) // also "test kiosk"
	stranger.Submit(3)
	path := stranger.Export(t.TempDir())
	before := count(t, db, `SELECT count(*) FROM responses`)
	_, err := db.Merge(ctx, path, k.Identities, central.MergeOptions{})
	var qerr *central.NotEnrolledError
	if !errors.As(err, &qerr) || !errors.Is(err, central.ErrNotEnrolled) {
		t.Fatalf("merge from an unenrolled device = %v, want a NotEnrolledError", err)
	}
	fp := stranger.Info.Key.Fingerprint()
	for _, want := range []string{fp, `"test kiosk"`, batch.DeviceShort(stranger.Info.ID), "nothing merged", "name of enrolled device"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal %q does not say %q", err, want)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM responses`); n != before {
		t.Errorf("%d responses after the quarantined batch, want %d", n, before)
	}
	if n := count(t, db, `SELECT count(*) FROM batches WHERE device_id = ?`, stranger.Info.ID); n != 0 {
		t.Errorf("the quarantined batch was recorded as merged")
	}
	devs, err := db.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, d := range devs {
		status[d.Fingerprint] = d.Status
	}
	if status[fp] != central.Quarantined || status[real.Info.Key.Fingerprint()] != central.Enrolled {
		t.Errorf("register = %v, want %s quarantined and %s enrolled", status, fp, real.Info.Key.Fingerprint())
	}

	res, err := db.Enrol(ctx, strings.ToLower(strings.ReplaceAll(fp, "-", "")), "", "test")
	if err != nil || res.Was != central.Quarantined || !strings.Contains(res.Summary(), filepath.Base(path)) {
		t.Fatalf("enrol = %+v %q, %v", res, res.Summary(), err)
	}
	if res := merge(t, db, path, k); res.Status != central.Merged || res.Responses != 3 {
		t.Errorf("after enrolment the same file merged as %+v", res)
	}
}

// Item 4: a forged batch 1 under a real device's id, merged first, is
// quarantined and does not stop the real device; its key cannot be
// enrolled for that id later.
func TestDeviceIDSquattingFails(t *testing.T) {
	k := storetest.NewKey(t, false)
	db := openDB(t)
	dev := storetest.NewDevice(t, k.Recipients, false)
	dev.Submit(2)
	realBatch := dev.Export(t.TempDir())
	mustEnrol(t, db, dev.Info.Key.Fingerprint())

	squat := newForger(t, dev.Info.ID, dev.Info.Name)
	_, err := db.Merge(ctx, squat.batch(t, k, nil), k.Identities, central.MergeOptions{})
	if !errors.Is(err, central.ErrNotEnrolled) {
		t.Fatalf("squatting batch = %v, want quarantined", err)
	}
	if res := merge(t, db, realBatch, k); res.Status != central.Merged || res.Responses != 2 {
		t.Errorf("the real device's batch after the squatter's = %+v", res)
	}
	if _, err := db.Enrol(ctx, squat.fingerprint(), "", "test"); !errors.Is(err, central.ErrKeyChanged) {
		t.Errorf("enrolling the squatter's key = %v, want refused (device id taken)", err)
	}
	// Enrolled ahead of its batches, the squatter's key still cannot take
	// the id.
	late := newForger(t, dev.Info.ID, dev.Info.Name)
	mustEnrol(t, db, late.fingerprint())
	if _, err := db.Merge(ctx, late.batch(t, k, nil), k.Identities, central.MergeOptions{}); !errors.Is(err, central.ErrKeyChanged) {
		t.Errorf("an enrolled key claiming another device's id = %v, want refused", err)
	}
	dev.Submit(1)
	if res := merge(t, db, dev.Export(t.TempDir()), k); res.Status != central.Merged {
		t.Errorf("the real device's batch 2 = %+v", res)
	}
}

// Item 2: survey definitions carried by a batch change nothing that
// other devices' answers are read with.
func TestSurveyDefinitionsBelongToTheirBatch(t *testing.T) {
	k := storetest.NewKey(t, false)
	db := openDB(t)
	realDevice(t, db, k, 8)
	beforeCSV := csvBytes(t, db)
	beforeReport := writeReport(t, db, false)

	other := newForger(t, "", "Library laptop 9")
	mustEnrol(t, db, other.fingerprint())

	// The same id and version with other words: refused, both hashes named.
	relabel := surveyDef(t, func(s string) string {
		return strings.Replace(s, `"Very unhappy"`, `"Very happy"`, 1)
	})
	_, err := db.Merge(ctx, other.batch(t, k, nil, relabel), k.Identities, central.MergeOptions{})
	orig := surveyDef(t, func(s string) string { return s })
	if !errors.Is(err, central.ErrConflict) || !strings.Contains(err.Error(), relabel.SHA256[:12]) || !strings.Contains(err.Error(), orig.SHA256[:12]) {
		t.Errorf("same id and version, other bytes = %v; want a conflict naming %.12s and %.12s", err, relabel.SHA256, orig.SHA256)
	}
	// A new version, with no responses, that relabels answers and turns
	// the free-text question into a choice.
	other = newForger(t, "", "Library laptop 10")
	mustEnrol(t, db, other.fingerprint())
	newer := surveyDef(t, func(s string) string {
		s = strings.Replace(s, `"version": 3`, `"version": 4`, 1)
		return strings.Replace(s, `"Very unhappy"`, `"Very happy"`, 1)
	})
	if res, err := db.Merge(ctx, other.batch(t, k, nil, newer), k.Identities, central.MergeOptions{}); err != nil {
		t.Fatalf("a new survey version without responses = %+v, %v", res, err)
	}
	after := csvBytes(t, db)
	for name, b := range beforeCSV {
		if !bytes.Equal(after[name], b) {
			t.Errorf("%s changed after a batch with no responses carried a new survey version", name)
		}
	}
	// The report counts the new device and its batch; its labels and
	// questions stay those the answers were given to.
	got := writeReport(t, db, false)
	for _, label := range []string{"Very unhappy", "Very happy", "Tell us about a time you saw a doctor."} {
		if b, a := strings.Count(beforeReport, label), strings.Count(got, label); a != b {
			t.Errorf("the report shows %q %d times after a batch with no responses carried a new survey version, %d before", label, a, b)
		}
	}
	// A device that really gives version 4: its answers get version 4's
	// labels, the others keep version 3's.
	dev4 := storetest.NewDevice(t, k.Recipients, false)
	sv4, err := survey.Parse("v4.json", newer.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev4.Store.AddSurvey(sv4, newer.Body); err != nil {
		t.Fatal(err)
	}
	dev4.Survey = sv4
	dev4.Submit(4)
	merge(t, db, dev4.Export(t.TempDir()), k)
	long := string(csvBytes(t, db)[central.LongCSV])
	for _, l := range strings.Split(long, "\n") {
		if !strings.Contains(l, ",confidence,") || !strings.Contains(l, "very_unhappy") {
			continue
		}
		v3 := strings.Contains(l, "all_types,3,")
		if v3 != strings.HasSuffix(strings.TrimSpace(l), ",Very unhappy,answered") {
			t.Errorf("answers_long.csv line %q: a version %s answer has the other version's label", l, map[bool]string{true: "3", false: "4"}[v3])
		}
	}
	retype := surveyDef(t, func(s string) string {
		s = strings.Replace(s, `"version": 3`, `"version": 5`, 1)
		return strings.Replace(s, `{"id": "story", "type": "text", "max_length": 500,`,
			`{"id": "story", "type": "single", "options": [{"code": "a", "label": {"en": "A", "cy": "A"}}],`, 1)
	})
	if _, err := db.Merge(ctx, other.batch(t, k, nil, retype), k.Identities, central.MergeOptions{}); !errors.Is(err, central.ErrConflict) ||
		!strings.Contains(err.Error(), "question story") {
		t.Errorf("a version that changes a question's type = %v, want a conflict", err)
	}
}

// Item 3: a withdrawal applies to its own device's responses only.
func TestWithdrawalsOnlyTouchTheirDevice(t *testing.T) {
	k := storetest.NewKey(t, false)
	db := openDB(t)
	real, r := realDevice(t, db, k, 3)
	_ = real
	consentOf := func(id string) string {
		var c string
		if err := db.SQL().QueryRow(`SELECT consent_id FROM responses WHERE id = ?`, id).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	victim := r[1].ResponseID
	w := batch.Withdrawal{ID: uuid.Must(uuid.NewV7()).String(), ResponseID: victim, ConsentID: consentOf(victim),
		Staff: "x", CreatedAt: "2026-11-30T10:00:00Z"}
	line, err := batch.AppendLine(nil, w)
	if err != nil {
		t.Fatal(err)
	}
	other := newForger(t, "", "Library laptop 9")
	mustEnrol(t, db, other.fingerprint())
	if _, err := db.Merge(ctx, other.batch(t, k, memSource{batch.WithdrawalsMember: line}), k.Identities, central.MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM responses WHERE id = ?`, victim); n != 1 {
		t.Error("another device's withdrawal deleted a response")
	}
	if n := count(t, db, `SELECT count(*) FROM consents WHERE id = ?`, w.ConsentID); n != 1 {
		t.Error("another device's withdrawal deleted a consent record")
	}
	// Merged before the real device's batch, it does not keep that
	// response out either.
	db2 := openDB(t)
	dev := storetest.NewDevice(t, k.Recipients, false)
	r2 := dev.Submit(2)
	path := dev.Export(t.TempDir())
	var ids []string
	for _, rc := range r2 {
		ids = append(ids, rc.ResponseID)
	}
	w.ResponseID = ids[0]
	line, _ = batch.AppendLine(nil, w)
	f2 := newForger(t, "", "Library laptop 9")
	mustEnrol(t, db2, f2.fingerprint())
	mustEnrol(t, db2, dev.Info.Key.Fingerprint())
	if _, err := db2.Merge(ctx, f2.batch(t, k, memSource{batch.WithdrawalsMember: line}), k.Identities, central.MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	if res := merge(t, db2, path, k); res.SkippedWithdrawn != 0 || count(t, db2, `SELECT count(*) FROM responses`) != 2 {
		t.Errorf("another device's earlier withdrawal kept a response out: %+v", res)
	}
}

// Item 6: a batch with numbers that would break csv or report is refused
// whole.
func TestOutOfRangeCountsAreRefused(t *testing.T) {
	k := storetest.NewKey(t, false)
	db := openDB(t)
	realDevice(t, db, k, 2)
	before := dbHash(t, db)
	f := newForger(t, "", "Library laptop 9")
	mustEnrol(t, db, f.fingerprint())
	d := batch.Declined{SurveyID: "all_types", SurveyVersion: 3, Language: "en", Day: "2026-11-30", Count: 1 << 62}
	line, _ := batch.AppendLine(nil, d)
	_, err := db.Merge(ctx, f.batch(t, k, memSource{batch.DeclinedMember: line}), k.Identities, central.MergeOptions{})
	if !errors.Is(err, batch.ErrRecord) || !strings.Contains(err.Error(), "declined.jsonl line 1: count 4611686018427387904 is out of range") {
		t.Errorf("declined count 2^62 = %v, want refused", err)
	}
	d.Count = central.MaxDeclined + 1
	line, _ = batch.AppendLine(nil, d)
	if _, err = db.Merge(ctx, f.batch(t, k, memSource{batch.DeclinedMember: line}), k.Identities, central.MergeOptions{}); !errors.Is(err, batch.ErrRecord) {
		t.Errorf("a declined count over the limit = %v, want refused", err)
	}
	if dbHash(t, db) != before {
		t.Error("a refused batch changed the database")
	}
	writeReport(t, db, false) // still works
}

// Item 7: a response without a consent record is refused.
func TestResponseWithoutConsentIsRefused(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	dev.Submit(2)
	b := read(t, dev.Export(t.TempDir()), k)
	src := contents(t, b)
	src[batch.ConsentsMember] = nil
	m := b.Manifest
	m.BatchID = uuid.Must(uuid.NewV7()).String()
	db := openDB(t)
	mustEnrol(t, db, dev.Info.Key.Fingerprint())
	before := dbHash(t, db)
	_, err := db.Merge(ctx, forge(t, m, src, dev.Info.Key, k.Recipients), k.Identities, central.MergeOptions{})
	if !errors.Is(err, batch.ErrRecord) || !strings.Contains(err.Error(), "responses.jsonl line 1") || !strings.Contains(err.Error(), "consent record") {
		t.Errorf("responses without consent records = %v, want refused", err)
	}
	if dbHash(t, db) != before {
		t.Error("a refused batch changed the database")
	}
}

// Item 12 at central: consent text changed under the same text version
// is refused.
func TestChangedConsentTextNeedsANewVersion(t *testing.T) {
	k := storetest.NewKey(t, false)
	db := openDB(t)
	realDevice(t, db, k, 2)
	changed := surveyDef(t, func(s string) string {
		s = strings.Replace(s, `"version": 3`, `"version": 4`, 1)
		return strings.Replace(s, "We would like to ask you some questions.", "We will share your answers with anyone.", 1)
	})
	sv, err := survey.Parse("changed.json", changed.Body)
	if err != nil {
		t.Fatal(err)
	}
	c := batch.Consent{ID: uuid.Must(uuid.NewV7()).String(), SurveyID: sv.ID, SurveyVersion: sv.Version,
		TextVersion: sv.Consent.Version, TextSHA256: sv.ConsentSHA256("en"), Language: "en", Format: "standard",
		Purposes: map[string]bool{"take_part": true}, HowGiven: "tap", Mode: "self", CreatedAt: "2026-11-30T10:00:00Z"}
	line, _ := batch.AppendLine(nil, c)
	f := newForger(t, "", "Library laptop 9")
	mustEnrol(t, db, f.fingerprint())
	_, err = db.Merge(ctx, f.batch(t, k, memSource{batch.ConsentsMember: line}, changed), k.Identities, central.MergeOptions{})
	if !errors.Is(err, central.ErrConflict) || !strings.Contains(err.Error(), "a changed consent text needs a new version") {
		t.Errorf("changed consent text under the same version = %v, want refused", err)
	}
	// A consent record that does not match its survey's text is refused.
	c.ID, c.TextSHA256 = uuid.Must(uuid.NewV7()).String(), strings.Repeat("0", 64)
	line, _ = batch.AppendLine(nil, c)
	_, err = db.Merge(ctx, f.batch(t, k, memSource{batch.ConsentsMember: line}), k.Identities, central.MergeOptions{})
	if !errors.Is(err, batch.ErrRecord) || !strings.Contains(err.Error(), "consents.jsonl line 1") {
		t.Errorf("a consent record whose text hash is not its survey's = %v, want refused", err)
	}
}
