package store_test

import (
	"bytes"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"chorus/data/batch"
	"chorus/data/migration"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/store/storetest"
	"chorus/data/survey"
)

// awkward is text that JSON escapes in every way it can; awkwardVenue as
// far as a venue's name may.
const (
	awkward      = "Caffi \"Cwtch\" <Café> & \\ نعم 👍 \u2028\u2029 \x7f end"
	awkwardVenue = "Caffi \"Cwtch\" <Café> & \\ نعم 👍 end"
)

// awkwardSubmissions saves n responses, in a session at an awkward venue
// or none, with awkward staff and interpreter language.
func awkwardSubmissions(t *testing.T, dev *storetest.Device, n int) {
	t.Helper()
	ses, err := dev.Store.OpenSession(ctx, store.Staff{ID: "w1", Name: "Sam Worker"}, awkwardVenue, dev.Survey)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		sub, _ := dev.Submission(i, storetest.Stories[i%len(storetest.Stories)])
		if i%2 == 0 {
			sub.SessionID = ses.ID
		}
		if sub.Mode != survey.ModeSelf {
			sub.Consent.Staff = awkward
			sub.InterpreterLanguage = "ar"
		}
		if _, err := dev.Store.Submit(ctx, dev.Keys, sub); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSchema3FolderAfterMigration: a folder written by schema 3 opens,
// gets every migration since, re-exports its old batch byte for byte and
// exports new records. It keeps the 4 KiB pages it was made with.
func TestSchema3FolderAfterMigration(t *testing.T) {
	key := storetest.NewKey(t, false)
	// The records, made by this schema in a folder of their own.
	src := storetest.NewDevice(t, key.Recipients, false)
	awkwardSubmissions(t, src, 7)
	src.Decline(2)
	first := src.Export(t.TempDir())
	src.Submit(5)
	src.Store.Close()

	// A folder at schema 3 holding the same rows.
	dir := t.TempDir()
	v3 := fstest.MapFS{}
	for _, name := range []string{"001-initial.sql", "002-export.sql", "003-staff.sql"} {
		body, err := fs.ReadFile(os.DirFS("migrations"), name)
		if err != nil {
			t.Fatal(err)
		}
		v3["migrations/"+name] = &fstest.MapFile{Data: body}
	}
	db, err := sql.Open("sqlite3", store.DSN(dir))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if err := migration.Apply(db, v3, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`ATTACH DATABASE ? AS src`, src.Dir+"/"+store.DBName); err != nil {
		t.Fatal(err)
	}
	tables := []string{"settings", "device", "recipients", "surveys", "staff", "sessions", "batches", "consents",
		"responses", "declined", "withdrawals", "audit"}
	for _, table := range tables {
		var cols []string
		rows, err := db.Query(`SELECT name FROM pragma_table_info(?, 'main')`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c string
			rows.Scan(&c)
			cols = append(cols, c)
		}
		rows.Close()
		list := strings.Join(cols, ", ")
		if list == "" {
			t.Fatalf("schema 3 table %s has columns %q", table, list)
		}
		if _, err := db.Exec(`INSERT INTO main.` + table + ` (` + list + `) SELECT ` + list + ` FROM src.` + table); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
	}
	if _, err := db.Exec(`DETACH DATABASE src`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	dev := storetest.OpenDevice(t, dir, key.Recipients, false)
	var version int
	dev.Store.DB().QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&version)
	if version != store.SchemaVersion() || version < 4 {
		t.Fatalf("schema %d after opening, want %d", version, store.SchemaVersion())
	}
	// It was made before new folders had larger pages, and keeps its own.
	var page int
	dev.Store.DB().QueryRow(`PRAGMA page_size`).Scan(&page)
	if page != 4096 {
		t.Errorf("the old folder's page size is %d after opening, want the 4096 it was made with", page)
	}
	again, err := dev.Store.Reexport(ctx, 1, t.TempDir(), store.ExportOptions{})
	if err != nil {
		t.Fatalf("re-export after the migration: %v", err)
	}
	if !bytes.Equal(decrypt(t, again.Path, key.Identities), decrypt(t, first, key.Identities)) {
		t.Error("the re-exported tar differs")
	}
	if b, err := batch.Read(dev.Export(t.TempDir()), key.Identities, batch.ReadOptions{}); err != nil {
		t.Fatal(err)
	} else {
		if b.Manifest.Counts.Responses != 5 {
			t.Errorf("the new batch holds %d responses, want 5", b.Manifest.Counts.Responses)
		}
		b.Close()
	}
	if _, err := dev.Store.Export(ctx, t.TempDir(), store.ExportOptions{}); !errors.Is(err, store.ErrNothingToExport) {
		t.Errorf("third export = %v, want ErrNothingToExport", err)
	}
}

// TestSchema7FolderAfterMigration: a data folder made by the export code
// of schema 7 (testdata/schema7: batch 1 exported; batch 2 allocated, with
// its stored sizes, but never written; two responses in no batch) opens
// and gets migration 008, which leaves no trace of the export's stored
// sizes. Batch 1 re-exports, and the pending batch 2 exports, as the very
// tars the schema 7 code wrote for them; the new records go into a batch
// 3 that verifies.
func TestSchema7FolderAfterMigration(t *testing.T) {
	fixture := filepath.Join("testdata", "schema7")
	dir := t.TempDir()
	body, err := os.ReadFile(filepath.Join(fixture, store.DBName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, store.DBName), body, 0o600); err != nil {
		t.Fatal(err)
	}
	idText, err := os.ReadFile(filepath.Join(fixture, "identity.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := seal.ParseIdentities(string(idText))
	if err != nil {
		t.Fatal(err)
	}
	want := func(name string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(fixture, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	var version int
	db.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&version)
	if version != store.SchemaVersion() || version < 8 {
		t.Fatalf("schema %d after opening, want %d", version, store.SchemaVersion())
	}
	var left []string
	rows, err := db.Query(`SELECT type || ' ' || name FROM sqlite_schema
		WHERE name IN ('batch_sizes', 'declined_groups', 'responses_unsized', 'consents_unsized') OR type = 'trigger'
		UNION ALL SELECT 'column ' || name FROM pragma_table_info('responses') WHERE name = 'line_bytes'
		UNION ALL SELECT 'column ' || name FROM pragma_table_info('consents') WHERE name = 'line_bytes'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		left = append(left, s)
	}
	rows.Close()
	if len(left) != 0 {
		t.Errorf("after migration 008 the schema still has %v", left)
	}
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}

	again, err := st.Reexport(ctx, 1, t.TempDir(), store.ExportOptions{})
	if err != nil {
		t.Fatalf("re-export of batch 1: %v", err)
	}
	if !bytes.Equal(decrypt(t, again.Path, ids), want("batch1.tar")) {
		t.Error("batch 1 re-exported is not the tar the schema 7 code wrote")
	}
	res, err := st.Export(ctx, t.TempDir(), store.ExportOptions{AppVersion: "chorus test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Seq != 2 || res[1].Seq != 3 {
		t.Fatalf("export wrote %+v, want batches 2 and 3", res)
	}
	if !bytes.Equal(decrypt(t, res[0].Path, ids), want("batch2.tar")) {
		t.Error("pending batch 2 is not the tar the schema 7 code wrote for it")
	}
	b, err := batch.Read(res[1].Path, ids, batch.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Manifest.Counts.Responses != 2 || b.Manifest.PrevManifestSHA256 != res[0].ManifestSHA256 {
		t.Errorf("batch 3: %+v, want 2 responses chained to batch 2", b.Manifest)
	}
	var audit []string
	b.Audit(func(a batch.AuditEvent) error { audit = append(audit, a.Action); return nil })
	if !slices.Contains(audit, "batch.exported") {
		t.Errorf("batch 3's audit events %v lack the export of batch 2", audit)
	}
}
