package central_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/batch"
	"chorus/data/central"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/store/storetest"

	"filippo.io/age"
)

var ctx = context.Background()

func openDB(t testing.TB) *central.DB {
	t.Helper()
	db, err := central.Open(newDB(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// dbHash is a hash of every row of every table but the device register
// (which records quarantined batches).
func dbHash(t testing.TB, db *central.DB) string {
	t.Helper()
	h := sha256.New()
	for _, tab := range tables(t, db) {
		fmt.Fprintf(h, "table %s\n", tab)
		rows, err := db.SQL().Query(ordered(t, db, tab))
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%q\n", vals)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func count(t testing.TB, db *central.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// merge enrols the batch's device, then merges the batch.
func merge(t testing.TB, db *central.DB, path string, k storetest.Key) central.MergeResult {
	t.Helper()
	enrolFile(t, db, path, k)
	res, err := db.Merge(ctx, path, k.Identities, central.MergeOptions{})
	if err != nil {
		t.Fatalf("merge %s: %v", filepath.Base(path), err)
	}
	return res
}

// enrolFile enrols the device key that signed the batch at path.
func enrolFile(t testing.TB, db *central.DB, path string, k storetest.Key) {
	t.Helper()
	b, err := batch.Read(path, k.Identities, batch.ReadOptions{})
	if err != nil {
		return // the merge reports it
	}
	fp := seal.Fingerprint(string(b.Manifest.DevicePublicKey))
	b.Close()
	if _, err := db.Enrol(ctx, fp, "", "test"); err != nil && !errors.Is(err, central.ErrKeyChanged) && !errors.Is(err, central.ErrRetired) {
		t.Fatalf("enrol %s: %v", fp, err)
	}
}

// memSource is a batch.Source held in memory.
type memSource map[string][]byte

func (m memSource) Size(_ context.Context, name string) (int64, int64, error) {
	return int64(len(m[name])), int64(bytes.Count(m[name], []byte("\n"))), nil
}

func (m memSource) WriteMember(_ context.Context, name string, w io.Writer) error {
	_, err := w.Write(m[name])
	return err
}

// contents re-encodes a verified batch's records.
func contents(t testing.TB, b *batch.Batch) memSource {
	t.Helper()
	m := memSource{}
	add := func(name string, line []byte, err error) error {
		m[name] = append(m[name], line...)
		return err
	}
	check := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	check(b.Responses(func(r batch.Response) error {
		l, err := batch.AppendLine(nil, &r)
		return add(batch.ResponsesMember, l, err)
	}))
	check(b.Consents(func(c batch.Consent) error {
		l, err := batch.AppendLine(nil, c)
		return add(batch.ConsentsMember, l, err)
	}))
	check(b.Declined(func(d batch.Declined) error {
		l, err := batch.AppendLine(nil, d)
		return add(batch.DeclinedMember, l, err)
	}))
	check(b.Withdrawals(func(w batch.Withdrawal) error {
		l, err := batch.AppendLine(nil, w)
		return add(batch.WithdrawalsMember, l, err)
	}))
	check(b.Audit(func(a batch.AuditEvent) error {
		l, err := batch.AppendLine(nil, a)
		return add(batch.AuditMember, l, err)
	}))
	check(b.Surveys(func(s batch.SurveyDef) error {
		l, err := batch.AppendLine(nil, s)
		return add(batch.SurveysMember, l, err)
	}))
	return m
}

// forge writes a batch signed with key: what a device (or someone holding
// its key) could make.
func forge(t testing.TB, m batch.Manifest, src memSource, key seal.DeviceKey, rs []seal.Recipient) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), batch.FileName(batch.DeviceShort(m.DeviceID), m.Seq))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := batch.Write(ctx, f, m, src, key, rs, batch.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return path
}

func read(t testing.TB, path string, k storetest.Key) *batch.Batch {
	t.Helper()
	b, err := batch.Read(path, k.Identities, batch.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// TestMergeRules covers P5, P7 and P8 centrally: order does not matter,
// duplicates change nothing, conflicts and key changes are refused, gaps
// and chain breaks are reported, withdrawn responses never come back.
func TestMergeRules(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	out := t.TempDir()
	r1 := dev.Submit(3)
	dev.Decline(2)
	b1 := dev.Export(out)
	dev.Withdraw(r1[0].Code)
	dev.Submit(2)
	b2 := dev.Export(out)
	dev.Submit(1)
	b3 := dev.Export(out)

	db := openDB(t)
	merge(t, db, b3, k)
	problems, _ := db.Check(ctx)
	if len(problems) != 1 || !strings.Contains(problems[0].String(), "batches 1-2 missing") {
		t.Errorf("after batch 3 alone, problems = %v", problems)
	}
	res := merge(t, db, b2, k)
	if res.Withdrawals != 1 || res.WithdrawalsApplied != 0 {
		t.Errorf("batch 2 = %+v", res)
	}
	res = merge(t, db, b1, k) // older batch after the withdrawal
	if res.SkippedWithdrawn != 1 || res.Responses != 3 || res.Declined != 2 {
		t.Errorf("batch 1 = %+v", res)
	}
	if n := count(t, db, `SELECT count(*) FROM responses WHERE id = ?`, r1[0].ResponseID); n != 0 {
		t.Error("a withdrawn response came back with an older batch")
	}
	if n := count(t, db, `SELECT count(*) FROM responses`); n != 5 {
		t.Errorf("%d responses merged, want 5", n)
	}
	if n := count(t, db, `SELECT count(*) FROM consents`); n != 5 {
		t.Errorf("%d consents merged, want 5 (the withdrawn one left out)", n)
	}
	if p, _ := db.Check(ctx); len(p) != 0 {
		t.Errorf("all batches merged, yet problems %v", p)
	}

	before := dbHash(t, db)
	for _, p := range []string{b1, b2, b3} {
		if res := merge(t, db, p, k); res.Status != central.AlreadyMerged {
			t.Errorf("second merge of %s = %+v", p, res)
		}
	}
	// A re-export is the same batch, though its file differs.
	re, err := dev.Store.Reexport(ctx, 3, t.TempDir(), store.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res := merge(t, db, re.Path, k); res.Status != central.AlreadyMerged {
		t.Errorf("merge of a re-export = %+v", res)
	}
	if dbHash(t, db) != before {
		t.Error("merging the same batches again changed the database")
	}

	// Batch 2 again, with other contents, signed by the device: a conflict.
	orig := read(t, b2, k)
	m := orig.Manifest
	src := contents(t, orig)
	src[batch.AuditMember] = nil
	if _, err := db.Merge(ctx, forge(t, m, src, dev.Info.Key, k.Recipients), k.Identities, central.MergeOptions{}); !errors.Is(err, central.ErrConflict) ||
		!strings.Contains(err.Error(), "batch 2 of device") {
		t.Errorf("conflicting batch 2 = %v", err)
	}
	// The same device id with another key: quarantined, or, if that key
	// is enrolled, refused.
	other, _ := seal.NewDeviceKey()
	m4 := m
	m4.Surveys, m4.Counts = nil, batch.Counts{}
	m4.Seq, m4.BatchID, m4.DevicePublicKey = 4, "0190a000-0000-7000-8000-0000000000ff", other.Public
	newKey := forge(t, m4, memSource{}, other, k.Recipients)
	if _, err := db.Merge(ctx, newKey, k.Identities, central.MergeOptions{}); !errors.Is(err, central.ErrNotEnrolled) ||
		!strings.Contains(err.Error(), "gives the device id of enrolled") {
		t.Errorf("batch signed with a new key = %v", err)
	}
	otherFP := seal.Fingerprint(string(other.Public))
	if _, err := db.Enrol(ctx, otherFP, "", "test"); !errors.Is(err, central.ErrKeyChanged) {
		t.Errorf("enrolling a new key for an enrolled device's id = %v", err)
	}
	if dbHash(t, db) != before {
		t.Error("a refused batch changed the database")
	}
	// Batch 5 that does not chain to batch 4, which is missing.
	m5 := m4
	m5.Seq, m5.BatchID, m5.PrevManifestSHA256 = 5, "0190a000-0000-7000-8000-0000000000fe", strings.Repeat("ab", 32)
	m5.DevicePublicKey = dev.Info.Key.Public
	merge(t, db, forge(t, m5, memSource{}, dev.Info.Key, k.Recipients), k)
	m4.DevicePublicKey = dev.Info.Key.Public
	merge(t, db, forge(t, m4, memSource{}, dev.Info.Key, k.Recipients), k)
	problems, _ = db.Check(ctx)
	if len(problems) != 2 || !strings.Contains(problems[0].String(), "batch 4 does not follow batch 3") ||
		!strings.Contains(problems[1].String(), "batch 5 does not follow batch 4") {
		t.Errorf("chain problems = %v", problems)
	}
}

func TestDemoAndRealDoNotMix(t *testing.T) {
	k := storetest.NewKey(t, false)
	demo := storetest.NewDevice(t, k.Recipients, true)
	demo.Submit(1)
	d1 := demo.Export(t.TempDir())
	realDev := storetest.NewDevice(t, k.Recipients, false)
	realDev.Submit(1)
	r1 := realDev.Export(t.TempDir())

	db := openDB(t)
	empty := dbHash(t, db)
	if _, err := db.Merge(ctx, d1, k.Identities, central.MergeOptions{}); !errors.Is(err, central.ErrDemo) {
		t.Errorf("demo batch without --demo = %v", err)
	}
	if _, err := db.Merge(ctx, r1, k.Identities, central.MergeOptions{Demo: true}); !errors.Is(err, central.ErrDemo) {
		t.Errorf("real batch with --demo = %v", err)
	}
	if dbHash(t, db) != empty {
		t.Error("a refused batch changed the database")
	}
	mustEnrol(t, db, demo.Info.Key.Fingerprint())
	if res, err := db.Merge(ctx, d1, k.Identities, central.MergeOptions{Demo: true}); err != nil || !res.Demo {
		t.Errorf("demo batch with --demo = %+v, %v", res, err)
	}
}

// damage returns a mutated copy of data.
type damage func(t *testing.T, data []byte) []byte

// payloadStart is where an age file's chunks begin: after the header and
// the 16-byte nonce.
func payloadStart(t *testing.T, data []byte) int {
	i := bytes.Index(data, []byte("\n---"))
	j := bytes.IndexByte(data[i+1:], '\n')
	if i < 0 || j < 0 {
		t.Fatal("no age header end")
	}
	return i + 1 + j + 1 + 16
}

// retar decrypts a batch, lets edit change its members and encrypts it
// again to k.
func retar(t *testing.T, path string, k storetest.Key, edit func(hs []*tar.Header, bodies [][]byte) ([]*tar.Header, [][]byte)) string {
	t.Helper()
	f, _ := os.Open(path)
	defer f.Close()
	r, err := age.Decrypt(f, k.Identities...)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(r)
	var hs []*tar.Header
	var bodies [][]byte
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		hs, bodies = append(hs, h), append(bodies, b)
	}
	hs, bodies = edit(hs, bodies)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i, h := range hs {
		h.Size = int64(len(bodies[i]))
		if h.Typeflag == tar.TypeSymlink {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(bodies[i])
	}
	tw.Close()
	sealed, err := seal.Seal(k.Recipients, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "edited.tar.age")
	os.WriteFile(out, sealed, 0o600)
	return out
}

func index(hs []*tar.Header, name string) int {
	for i, h := range hs {
		if h.Name == name {
			return i
		}
	}
	return -1
}

// TestDamagedBatchesAreRejected is P6: each damaged, tampered, wrongly
// signed or wrong-key batch is refused with its own message and the
// database does not change.
func TestDamagedBatchesAreRejected(t *testing.T) {
	k := storetest.NewKey(t, false)
	wrong := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	dev.Submit(2)
	b1 := dev.Export(t.TempDir())
	dev.Submit(150) // more than two 64 KiB chunks
	good := dev.Export(t.TempDir())
	data, _ := os.ReadFile(good)
	if len(data) < 3*64<<10 {
		t.Fatalf("batch is only %d bytes", len(data))
	}

	orig := read(t, good, k)
	long := contents(t, orig)
	var audit []byte
	for i := range 10000 {
		line, _ := batch.AppendLine(nil, batch.AuditEvent{ID: fmt.Sprint("x", i), Actor: "a", Action: "b", CreatedAt: "2026-11-24T09:00:00Z"})
		if i+1 == 9999 {
			line = []byte("{\"id\": \"x9998\", this is not JSON\n")
		}
		audit = append(audit, line...)
	}
	long[batch.AuditMember] = audit
	swapped := contents(t, orig)
	swapSealed(t, swapped)

	bytesCase := func(d damage) func(t *testing.T) string {
		return func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "damaged.tar.age")
			os.WriteFile(p, d(t, bytes.Clone(data)), 0o600)
			return p
		}
	}
	tarCase := func(edit func(hs []*tar.Header, bodies [][]byte) ([]*tar.Header, [][]byte)) func(t *testing.T) string {
		return func(t *testing.T) string { return retar(t, good, k, edit) }
	}
	cases := []struct {
		name  string
		make  func(t *testing.T) string
		ids   []age.Identity
		want  error
		words string
	}{
		{"1 byte truncated", bytesCase(func(t *testing.T, d []byte) []byte { return d[:len(d)-1] }),
			nil, batch.ErrDamaged, "contents failed authentication"},
		{"last chunk dropped", bytesCase(func(t *testing.T, d []byte) []byte {
			start := payloadStart(t, d)
			chunks := (len(d) - start + 65536 + 16 - 1) / (65536 + 16)
			return d[:start+(chunks-1)*(65536+16)]
		}), nil, batch.ErrTruncated, "ends before its last encrypted chunk"},
		{"bit flip in header", bytesCase(func(t *testing.T, d []byte) []byte {
			i := bytes.Index(d, []byte("\n--- ")) + 6 // inside the header MAC
			if d[i] == 'A' {
				d[i] = 'B'
			} else {
				d[i] = 'A'
			}
			return d
		}), nil, batch.ErrDamaged, "header failed authentication"},
		{"bit flip in payload", bytesCase(func(t *testing.T, d []byte) []byte { d[len(d)/2] ^= 0x10; return d }),
			nil, batch.ErrDamaged, "contents failed authentication"},
		{"byte appended", bytesCase(func(t *testing.T, d []byte) []byte { return append(d, 0) }),
			nil, batch.ErrDamaged, "the file is damaged"},
		{"empty file", bytesCase(func(t *testing.T, d []byte) []byte { return nil }), nil, batch.ErrEmpty, "empty"},
		{"not an age file", bytesCase(func(t *testing.T, d []byte) []byte { return []byte("PK\x03\x04 a zip file") }),
			nil, batch.ErrNotAge, "not an age-encrypted file"},
		{"wrong key", func(t *testing.T) string { return good }, wrong.Identities, batch.ErrWrongKey, "not encrypted to the given identity"},
		{"bad signature", tarCase(func(hs []*tar.Header, b [][]byte) ([]*tar.Header, [][]byte) {
			b[index(hs, batch.SignatureMember)][10] ^= 1
			return hs, b
		}), nil, batch.ErrBadSignature, "signature does not verify"},
		{"manifest edited", tarCase(func(hs []*tar.Header, b [][]byte) ([]*tar.Header, [][]byte) {
			i := index(hs, batch.ManifestMember)
			b[i] = bytes.Replace(b[i], []byte(`"seq":2`), []byte(`"seq":3`), 1)
			return hs, b
		}), nil, batch.ErrBadSignature, "signature does not verify"},
		{"hash mismatch", tarCase(func(hs []*tar.Header, b [][]byte) ([]*tar.Header, [][]byte) {
			i := index(hs, batch.ResponsesMember) // same length, still valid JSON
			b[i] = bytes.Replace(b[i], []byte(`"language":"en"`), []byte(`"language":"cy"`), 1)
			return hs, b
		}), nil, batch.ErrHashMismatch, "responses.jsonl"},
		{"extra member", tarCase(func(hs []*tar.Header, b [][]byte) ([]*tar.Header, [][]byte) {
			return append(hs, &tar.Header{Name: "notes.txt", Mode: 0o644, Typeflag: tar.TypeReg}), append(b, []byte("hi"))
		}), nil, batch.ErrMember, `unexpected member "notes.txt"`},
		{"missing member", tarCase(func(hs []*tar.Header, b [][]byte) ([]*tar.Header, [][]byte) {
			i := index(hs, batch.AuditMember)
			return append(hs[:i:i], hs[i+1:]...), append(b[:i:i], b[i+1:]...)
		}), nil, batch.ErrMember, `"audit.jsonl" is missing`},
		{"duplicate member", tarCase(func(hs []*tar.Header, b [][]byte) ([]*tar.Header, [][]byte) {
			i := index(hs, batch.AuditMember)
			h := *hs[i]
			return append(hs, &h), append(b, b[i])
		}), nil, batch.ErrMember, `"audit.jsonl" appears twice`},
		{"member path with ../", tarCase(func(hs []*tar.Header, b [][]byte) ([]*tar.Header, [][]byte) {
			return append(hs, &tar.Header{Name: "../../.bashrc", Mode: 0o644, Typeflag: tar.TypeReg}), append(b, []byte("evil"))
		}), nil, batch.ErrMember, `unsafe member path "../../.bashrc"`},
		{"symlink member", tarCase(func(hs []*tar.Header, b [][]byte) ([]*tar.Header, [][]byte) {
			i := index(hs, batch.AuditMember)
			hs[i] = &tar.Header{Name: batch.AuditMember, Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}
			return hs, b
		}), nil, batch.ErrMember, "is not a regular file"},
		{"not JSON at record 9,999", func(t *testing.T) string {
			return forge(t, orig.Manifest, long, dev.Info.Key, k.Recipients)
		}, nil, batch.ErrRecord, "audit.jsonl line 9999: not valid JSON"},
		{"sealed answers swapped between records", func(t *testing.T) string {
			return forge(t, orig.Manifest, swapped, dev.Info.Key, k.Recipients)
		}, nil, central.ErrPayload, "carries the sealed answers of another response"},
	}

	db := openDB(t)
	merge(t, db, b1, k)
	before := dbHash(t, db)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ids := c.ids
			if ids == nil {
				ids = k.Identities
			}
			_, err := db.Merge(ctx, c.make(t), ids, central.MergeOptions{})
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.words) {
				t.Errorf("merge = %v\nwant %v with %q", err, c.want, c.words)
			}
			if dbHash(t, db) != before {
				t.Error("the database changed")
			}
		})
	}
	// No decrypted leftovers next to the database.
	ents, _ := os.ReadDir(db.Dir())
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".chorus-batch-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	// The undamaged batch merges: the cases failed for their damage alone.
	if res := merge(t, db, good, k); res.Responses != 150 {
		t.Errorf("good batch = %+v", res)
	}
}

func decodeInto(t *testing.T, line []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(line, v); err != nil {
		t.Fatal(err)
	}
}

func TestMergeFilesCarriesOnPastABadFile(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	out := t.TempDir()
	dev.Submit(2)
	b1 := dev.Export(out)
	dev.Submit(3)
	b2 := dev.Export(out)
	bad := filepath.Join(t.TempDir(), "bad.tar.age")
	os.WriteFile(bad, []byte("age-encryption.org/v1\nnonsense"), 0o600)

	db := openDB(t)
	mustEnrol(t, db, dev.Info.Key.Fingerprint())
	var got []string
	err := db.MergeFiles(ctx, []string{b1, bad, b2, b1}, k.Identities, central.MergeOptions{}, func(r central.MergeResult, err error) {
		switch {
		case err != nil:
			got = append(got, filepath.Base(r.File)+": "+err.Error())
		default:
			got = append(got, fmt.Sprintf("%d:%d:%d", r.Seq, r.Status, r.Responses))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1:1:2", "bad.tar.age: the file is truncated", "2:1:3", "1:2:0"}
	if len(got) != len(want) {
		t.Fatalf("reports = %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("report %d = %q, want %q...", i, got[i], want[i])
		}
	}
}

// swapSealed swaps the sealed answers of the first two responses in a
// batch's members: each payload then sits in another response's record.
func swapSealed(t *testing.T, members map[string][]byte) {
	t.Helper()
	lines := bytes.SplitAfter(members[batch.ResponsesMember], []byte("\n"))
	var r0, r1 batch.Response
	decodeInto(t, lines[0], &r0)
	decodeInto(t, lines[1], &r1)
	r0.Sealed, r1.Sealed = r1.Sealed, r0.Sealed
	lines[0], _ = batch.AppendLine(nil, &r0)
	lines[1], _ = batch.AppendLine(nil, &r1)
	members[batch.ResponsesMember] = bytes.Join(lines, nil)
}
