package central_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"chorus/data/central"
	"chorus/data/store/storetest"
)

// pgFiles lists where needle is in the files of db's PostgreSQL database
// (base/OID under the cluster's data folder), after a checkpoint, so that
// what the server holds in memory is on disk; and how many files it read.
func pgFiles(t *testing.T, dataDir string, oid int64, needle []byte) ([]string, int) {
	t.Helper()
	if _, err := pg.Admin().Exec(`CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
	return inFolder(t, filepath.Join(dataDir, "base", fmt.Sprint(oid)), needle)
}

// pgDatabase is the cluster's data folder and db's database's OID.
func pgDatabase(t *testing.T, db *central.DB) (dataDir string, oid int64) {
	t.Helper()
	var name string
	if err := db.SQL().QueryRow(`SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if err := pg.Admin().QueryRow(`SHOW data_directory`).Scan(&dataDir); err != nil {
		t.Fatal(err)
	}
	if err := pg.Admin().QueryRow(`SELECT oid FROM pg_database WHERE datname = $1`, name).Scan(&oid); err != nil {
		t.Fatal(err)
	}
	return dataDir, oid
}

// TestWipeAtCentral is the end-of-project wipe of the analyst database on
// real batches from two devices, on SQLite and on PostgreSQL: a wrong
// confirmation wipes nothing; the right one deletes everything, the
// report's counts and batches match what was merged, and afterwards no
// file of the database (the SQLite folder, checked also at the moment the
// database is closed and before its files go; on PostgreSQL every file of
// the database's folder in the cluster) holds a canary answer, a consent
// record's id or a receipt hash.
func TestWipeAtCentral(t *testing.T) {
	k := storetest.NewKey(t, false)
	one := storetest.NewDevice(t, k.Recipients, false)
	two := storetest.NewDevice(t, k.Recipients, false)
	db := openDB(t)
	one.SubmitStories("CANARY-central-wipe-1", "CANARY-central-wipe-2", "CANARY-central-wipe-3")
	merge(t, db, one.Export(t.TempDir()), k)
	one.SubmitStories("CANARY-central-wipe-4", "CANARY-central-wipe-5")
	one.Decline(1)
	merge(t, db, one.Export(t.TempDir()), k)
	r := two.SubmitStories("CANARY-central-wipe-6", "CANARY-central-wipe-7")
	merge(t, db, two.Export(t.TempDir()), k)
	// A withdrawal at central: on PostgreSQL its VACUUM (ANALYZE) puts
	// sample values of the columns in pg_statistic.
	if _, err := db.Withdraw(ctx, r[1].Code, "Central Team", ""); err != nil {
		t.Fatal(err)
	}

	needles := [][]byte{[]byte("CANARY-central-wipe-")}
	rows, err := db.SQL().Query(`SELECT id, receipt_hash FROM consents`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, hash string
		rows.Scan(&id, &hash)
		needles = append(needles, []byte(id))
		if hash != "" {
			needles = append(needles, []byte(hash))
		}
	}
	rows.Close()
	if len(needles) < 7 {
		t.Fatalf("%d needles", len(needles))
	}

	// Where the database keeps its files, and a search that finds them.
	var dataDir string
	var oid int64
	search := func(needle []byte) []string {
		if db.Postgres() {
			hits, files := pgFiles(t, dataDir, oid, needle)
			if files == 0 {
				t.Fatal("searched no files")
			}
			return hits
		}
		hits, _ := inFolder(t, db.Dir(), needle)
		return hits
	}
	if db.Postgres() {
		dataDir, oid = pgDatabase(t, db)
	}
	for i, n := range needles {
		if len(search(n)) == 0 {
			t.Fatalf("needle %d is in no file before the wipe: the search proves nothing", i)
		}
	}

	project, err := db.Project(ctx)
	if err != nil || project != one.Survey.ID {
		t.Fatalf("project %q, %v; want %q", project, err, one.Survey.ID)
	}
	for _, wrong := range []string{"", "central", project + "x"} {
		if _, err := db.Wipe(ctx, wrong); !errors.Is(err, central.ErrWipeConfirm) {
			t.Fatalf("confirm %q: %v", wrong, err)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM responses`); n != 6 {
		t.Fatalf("a refused wipe left %d responses, want 6", n)
	}

	var atPurge []string
	defer central.SetWipePurged(func(path string) {
		entries, _ := os.ReadDir(filepath.Dir(path))
		for _, e := range entries {
			atPurge = append(atPurge, e.Name())
		}
		for i, n := range needles {
			if hits, _ := inFolder(t, filepath.Dir(path), n); len(hits) != 0 {
				t.Errorf("needle %d in %v once the rows were deleted", i, hits)
			}
		}
	})()
	rep, err := db.Wipe(ctx, " "+project+" ")
	if err != nil {
		t.Fatal(err)
	}
	if !db.Postgres() && !slices.Contains(atPurge, "central.db") {
		t.Fatalf("at the purge the folder held %v: chorus.db was not searched", atPurge)
	}
	for i, n := range needles {
		if hits := search(n); len(hits) != 0 {
			t.Errorf("needle %d still in %v after the wipe", i, hits)
		}
	}

	if rep.Responses != 6 || rep.Consents != 6 || rep.Declined != 1 || rep.Withdrawals != 1 || rep.Project != project ||
		rep.EnrolledCount != 2 || len(rep.Devices) != 2 {
		t.Fatalf("report %+v", rep)
	}
	got := map[string][]int64{}
	for _, d := range rep.Devices {
		got[d.Fingerprint] = d.Batches
	}
	if !slices.Equal(got[one.Info.Key.Fingerprint()], []int64{1, 2}) || !slices.Equal(got[two.Info.Key.Fingerprint()], []int64{1}) {
		t.Errorf("devices %+v", rep.Devices)
	}
	text := rep.Text()
	if strings.Contains(text, "CANARY") || !strings.Contains(text, "responses:        6 deleted") {
		t.Errorf("report text:\n%s", text)
	}
	if db.Postgres() {
		if !slices.Contains(rep.Removed, "responses") {
			t.Errorf("dropped %v", rep.Removed)
		}
		return
	}
	if left, _ := filepath.Glob(filepath.Join(db.Dir(), "central.db*")); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
	for i, n := range needles {
		if hits, _ := inFolder(t, db.Dir(), n); len(hits) != 0 || bytes.Equal(n, nil) {
			t.Errorf("needle %d in %v", i, hits)
		}
	}
}
