package central_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"chorus/data/central"
	"chorus/data/store/storetest"
)

var fixed = func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }

// rowsHash is a hash of every row of every table but the device register,
// in the order of their values: two databases holding the same rows,
// inserted in any order, hash the same.
func rowsHash(t testing.TB, db *central.DB) string {
	t.Helper()
	h := sha256.New()
	for _, tab := range tables(t, db) {
		fmt.Fprintf(h, "table %s\n", tab)
		rows, err := db.SQL().Query(`SELECT * FROM ` + tab + ` LIMIT 0`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		rows.Close()
		order := ""
		for i := range cols {
			if i > 0 {
				order += ", "
			}
			order += fmt.Sprint(i + 1)
		}
		rows, err = db.SQL().Query(`SELECT * FROM ` + tab + ` ORDER BY ` + order)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals { // int32 and int64, string and []byte alike
				if b, ok := v.([]byte); ok {
					vals[i] = string(b)
				} else if v != nil {
					vals[i] = fmt.Sprint(v)
				}
			}
			fmt.Fprintf(h, "%q\n", vals)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

// withdrawingDevice makes batches where later ones withdraw responses of
// earlier ones; it returns the files and the withdrawn response ids.
func withdrawingDevice(t *testing.T, k storetest.Key, batches int) ([]string, []string) {
	dev := storetest.NewDevice(t, k.Recipients, false)
	var files, gone []string
	var prev []storetest.Receipt
	for i := range batches {
		if i > 0 {
			dev.Withdraw(prev[1].Code)
			gone = append(gone, prev[1].ResponseID)
		}
		prev = dev.Submit(4)
		files = append(files, dev.Export(t.TempDir()))
	}
	return files, gone
}

// openAt opens the database at name again: a second analyst.
func openAt(t *testing.T, name string) *central.DB {
	t.Helper()
	db, err := central.Open(name, fixed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestConcurrentMergesEqualOneRun: two analysts merging overlapping sets
// of batches, in different orders, at the same moment, through two
// connections, end with the database one run gives: every batch once, no
// duplicate, no withdrawn response back (a withdrawal in one run while the
// other merges the response it withdraws is the race to lose).
func TestConcurrentMergesEqualOneRun(t *testing.T) {
	k := storetest.NewKey(t, false)
	files, gone := withdrawingDevice(t, k, 6)

	one := openAt(t, newDB(t))
	enrolFile(t, one, files[0], k)
	if err := one.MergeFiles(ctx, files, k.Identities, central.MergeOptions{}, func(r central.MergeResult, err error) {
		if err != nil {
			t.Fatal(err)
		}
	}); err != nil {
		t.Fatal(err)
	}
	want := rowsHash(t, one)

	for round := range 4 {
		name := newDB(t)
		a, b := openAt(t, name), openAt(t, name)
		enrolFile(t, a, files[0], k)
		// a merges forwards, b backwards: each withdrawal races the
		// response it withdraws.
		runs := [][]string{slices.Clone(files), slices.Clone(files)}
		slices.Reverse(runs[1])
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([][]error, 2)
		for i, db := range []*central.DB{a, b} {
			wg.Go(func() {
				<-start
				err := db.MergeFiles(ctx, runs[i], k.Identities, central.MergeOptions{}, func(r central.MergeResult, err error) {
					if err != nil {
						errs[i] = append(errs[i], fmt.Errorf("%s: %w", r.File, err))
					}
				})
				if err != nil {
					errs[i] = append(errs[i], err)
				}
			})
		}
		close(start)
		wg.Wait()
		if len(errs[0])+len(errs[1]) > 0 {
			t.Fatalf("round %d: merge errors %v", round, errs)
		}
		for _, id := range gone {
			if n := count(t, a, `SELECT count(*) FROM responses WHERE id = ?`, id); n != 0 {
				t.Fatalf("round %d: withdrawn response %s is back", round, id)
			}
		}
		if got := rowsHash(t, a); got != want {
			t.Fatalf("round %d: two analysts at once gave another database than one run", round)
		}
	}
}

// TestKilledMergeLeavesNothing: a merge that dies after writing a whole
// batch but before committing it (its connection killed on PostgreSQL,
// its context cancelled on SQLite) leaves the database as it was; the
// batch merges whole afterwards.
func TestKilledMergeLeavesNothing(t *testing.T) {
	k := storetest.NewKey(t, false)
	files, _ := withdrawingDevice(t, k, 2)
	name := newDB(t)
	db := openAt(t, name)
	merge(t, db, files[0], k)
	before := rowsHash(t, db)

	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var admin *sql.DB
	var dbName string
	if pg != nil {
		admin = pg.Admin()
		if err := db.SQL().QueryRow(`SELECT current_database()`).Scan(&dbName); err != nil {
			t.Fatal(err)
		}
	}
	killed := 0
	central.SetBeforeCommit(func(context.Context) {
		killed++
		if admin == nil {
			cancel()
			return
		}
		// The connection to this database that is inside a
		// transaction: the merge's.
		var n int
		if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = $1 AND state LIKE 'idle in transaction%'`, dbName).Scan(&n); err != nil || n != 1 {
			t.Errorf("terminated %d connections: %v", n, err)
		}
	})
	_, err := db.Merge(mctx, files[1], k.Identities, central.MergeOptions{})
	central.SetBeforeCommit(nil)
	if err == nil || killed != 1 {
		t.Fatalf("killed merge = %v (hook ran %d times)", err, killed)
	}
	if got := rowsHash(t, openAt(t, name)); got != before {
		t.Fatal("a killed merge left part of its batch")
	}
	if n := count(t, openAt(t, name), `SELECT count(*) FROM batches`); n != 1 {
		t.Fatalf("%d batches", n)
	}
	again := openAt(t, name)
	if res := merge(t, again, files[1], k); res.Status != central.Merged || res.Responses != 4 || res.WithdrawalsApplied != 1 {
		t.Fatalf("merge after the killed one = %+v", res)
	}
}
