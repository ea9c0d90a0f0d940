package store_test

import (
	"archive/tar"
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"chorus/data/batch"
	"chorus/data/batch/batchtest"
	"chorus/data/migration"
	"chorus/data/store"
	"chorus/data/survey"
)

// awkward is text that JSON escapes in every way it can; awkwardVenue as
// far as a venue's name may.
const (
	awkward      = "Caffi \"Cwtch\" <Café> & \\ نعم 👍 \u2028\u2029 \x7f end"
	awkwardVenue = "Caffi \"Cwtch\" <Café> & \\ نعم 👍 end"
)

// memberLines maps the id of each line of a member, in the tars of the
// batch files at paths, to the line's length (newline included).
func memberLines(t *testing.T, key batchtest.Key, member string, paths ...string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, path := range paths {
		tr := tar.NewReader(bytes.NewReader(decrypt(t, path, key.Identities)))
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.Name != member {
				continue
			}
			data, _ := io.ReadAll(tr)
			for _, line := range bytes.SplitAfter(data, []byte("\n")) {
				if len(line) == 0 {
					continue
				}
				var v struct{ ID string }
				if err := json.Unmarshal(line, &v); err != nil {
					t.Fatal(err)
				}
				out[v.ID] = int64(len(line))
			}
		}
	}
	return out
}

// storedLineBytes maps each row's id in table to its line_bytes (-1 for
// NULL).
func storedLineBytes(t *testing.T, db *sql.DB, table string) map[string]int64 {
	t.Helper()
	rows, err := db.Query(`SELECT id, coalesce(line_bytes, -1) FROM ` + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		out[id] = n
	}
	return out
}

// checkLineBytes: every response and consent in the batches at paths has
// its exact line length stored.
func checkLineBytes(t *testing.T, key batchtest.Key, db *sql.DB, paths ...string) {
	t.Helper()
	for member, table := range map[string]string{batch.ResponsesMember: "responses", batch.ConsentsMember: "consents"} {
		lines := memberLines(t, key, member, paths...)
		stored := storedLineBytes(t, db, table)
		if len(lines) == 0 || len(lines) != len(stored) {
			t.Fatalf("%s: %d lines in the batches, %d rows", table, len(lines), len(stored))
		}
		for id, n := range lines {
			if stored[id] != n {
				t.Errorf("%s %s: line_bytes %d, line is %d bytes", table, id, stored[id], n)
			}
		}
	}
}

// awkwardSubmissions saves n responses, in a session at an awkward venue
// or none, with awkward staff and interpreter language.
func awkwardSubmissions(t *testing.T, dev *batchtest.Device, n int) {
	t.Helper()
	ses, err := dev.Store.OpenSession(ctx, store.Staff{ID: "w1", Name: "Sam Worker"}, awkwardVenue, dev.Survey)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		sub, _ := dev.Submission(i, batchtest.Stories[i%len(batchtest.Stories)])
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

// TestStoredLineSizes: the size saved with each response and consent is
// exactly the length of its line in the batch, awkward text, sessions
// and venues included, so the export's sum is the member's size.
func TestStoredLineSizes(t *testing.T) {
	key := batchtest.NewKey(t, false)
	dev := batchtest.NewDevice(t, key.Recipients, false)
	awkwardSubmissions(t, dev, 9)
	dev.Submit(4)
	db := dev.Store.DB()
	for _, table := range []string{"responses", "consents"} {
		for id, n := range storedLineBytes(t, db, table) {
			if n < 0 {
				t.Errorf("%s %s saved without line_bytes", table, id)
			}
		}
	}
	first := dev.Export(t.TempDir())
	checkLineBytes(t, key, db, first)
}

// TestLineSizesOfChangedRows: a row changed after it was saved, or whose
// session's venue changed, loses its stored size; the next export stores
// the new size before it reads the records.
func TestLineSizesOfChangedRows(t *testing.T) {
	key := batchtest.NewKey(t, false)
	dev := batchtest.NewDevice(t, key.Recipients, false)
	awkwardSubmissions(t, dev, 6)
	db := dev.Store.DB()
	if _, err := db.Exec(`UPDATE responses SET interpreter_language = ? WHERE seq = (SELECT min(seq) FROM responses WHERE session_id IS NULL)`, awkward+"\x01"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE sessions SET venue = venue || ' (moved) <&>'`); err != nil {
		t.Fatal(err)
	}
	var nulls int
	db.QueryRow(`SELECT (SELECT count(*) FROM responses WHERE line_bytes IS NULL) +
		(SELECT count(*) FROM consents WHERE line_bytes IS NULL)`).Scan(&nulls)
	if nulls != 1+3+3 { // the changed response; three of each in the session
		t.Errorf("%d rows lost their size, want 7", nulls)
	}
	path := dev.Export(t.TempDir())
	checkLineBytes(t, key, db, path)
}

// TestLineSizesAfterMigration: a folder written by schema 3 (before line
// sizes) opens, gets migrations 004-006, re-exports its old batch byte for byte
// and exports new records; the sizes of the rows saved before are filled
// in exactly. It keeps the 4 KiB pages it was made with.
func TestLineSizesAfterMigration(t *testing.T) {
	key := batchtest.NewKey(t, false)
	// The records, made by this schema in a folder of their own.
	src := batchtest.NewDevice(t, key.Recipients, false)
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
		if list == "" || strings.Contains(list, "line_bytes") {
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

	dev := batchtest.OpenDevice(t, dir, key.Recipients, false)
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
	for _, table := range []string{"responses", "consents"} {
		for id, n := range storedLineBytes(t, dev.Store.DB(), table) {
			if n != -1 {
				t.Errorf("%s %s has line_bytes %d before any export", table, id, n)
			}
		}
	}
	again, err := dev.Store.Reexport(ctx, 1, t.TempDir(), store.ExportOptions{})
	if err != nil {
		t.Fatalf("re-export after the migration: %v", err)
	}
	if !bytes.Equal(decrypt(t, again.Path, key.Identities), decrypt(t, first, key.Identities)) {
		t.Error("the re-exported tar differs")
	}
	second := dev.Export(t.TempDir())
	checkLineBytes(t, key, dev.Store.DB(), first, second)
	if _, err := dev.Store.Export(ctx, t.TempDir(), store.ExportOptions{}); !errors.Is(err, store.ErrNothingToExport) {
		t.Errorf("third export = %v, want ErrNothingToExport", err)
	}
}
