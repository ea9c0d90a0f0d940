package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"chorus/data/batch"
	"chorus/data/central"
	"chorus/data/seal"
	"chorus/data/store/storetest"
	"chorus/internal/pgtest"

	"github.com/rogpeppe/go-internal/testscript"
)

// pg is the throw-away PostgreSQL cluster on the PostgreSQL half of the
// run (CHORUS_TEST_DB=postgres), nil otherwise.
var pg *pgtest.Cluster

// withPostgres runs the tests with the cluster when it is asked for.
type withPostgres struct{ m *testing.M }

func (w withPostgres) Run() int { return pgtest.Main(w.m, &pg) }

func TestMain(m *testing.M) {
	testscript.Main(withPostgres{m}, map[string]func(){
		"chorus-central": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// fixtures are batch files made once by real devices with real keys, and
// the facts about them the scripts need.
type fixtures struct {
	dir  string
	vars []string
}

// makeFixtures builds, in dir:
//
//	key.txt, other-key.txt, pq-key.txt   analyst identities
//	a1 a2 a3.tar.age                     device A's batches 1-3; a2 withdraws
//	                                     a response of a1
//	a2-conflict.tar.age                  batch 2 of a copy of device A made
//	                                     before a2, with other contents
//	a2-newkey.tar.age                    batch 2 of device A signed with a
//	                                     new key
//	demo1.tar.age                        a demo device's batch 1
//	pq1.tar.age                          a batch sealed to pq-key.txt
func makeFixtures(t *testing.T) fixtures {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	move := func(from, to string) {
		if err := os.Rename(from, filepath.Join(dir, to)); err != nil {
			t.Fatal(err)
		}
	}
	key := storetest.NewKey(t, false)
	other := storetest.NewKey(t, false)
	pq := storetest.NewKey(t, true)
	write("key.txt", key.Identity)
	write("other-key.txt", other.Identity)
	write("pq-key.txt", pq.Identity)

	out := t.TempDir()
	a := storetest.NewDevice(t, key.Recipients, false)
	r := a.Submit(6)
	a.Decline(2)
	move(a.Export(out), "a1.tar.age")
	// Two copies of device A as it was after batch 1, as from a backup.
	conflictDir, newKeyDir := t.TempDir(), t.TempDir()
	for _, d := range []string{conflictDir, newKeyDir} {
		if err := a.Store.Backup(filepath.Join(d, "chorus.db")); err != nil {
			t.Fatal(err)
		}
	}
	a.Withdraw(r[2].Code)
	a.Submit(3)
	move(a.Export(out), "a2.tar.age")
	a.Submit(2)
	move(a.Export(out), "a3.tar.age")

	c := storetest.OpenDevice(t, conflictDir, key.Recipients, false)
	c.Submit(1)
	move(c.Export(t.TempDir()), "a2-conflict.tar.age")

	// A reinstalled device that kept its id but made a new key.
	k := storetest.OpenDevice(t, newKeyDir, key.Recipients, false)
	newKey, err := seal.NewDeviceKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Store.DB().Exec(`UPDATE device SET public_key = ?, seed = ?`, []byte(newKey.Public), newKey.Private.Seed()); err != nil {
		t.Fatal(err)
	}
	if k.Info, err = k.Store.Device(); err != nil {
		t.Fatal(err)
	}
	k.Submit(1)
	move(k.Export(t.TempDir()), "a2-newkey.tar.age")

	d := storetest.NewDevice(t, key.Recipients, true)
	d.Submit(2)
	move(d.Export(out), "demo1.tar.age")

	p := storetest.NewDevice(t, pq.Recipients, false)
	p.Submit(2)
	move(p.Export(out), "pq1.tar.age")

	// Two laptops set up in the same second, exporting to one stick.
	stick := filepath.Join(dir, "stick")
	if err := os.Mkdir(stick, 0o700); err != nil {
		t.Fatal(err)
	}
	twin1 := storetest.NewDevice(t, key.Recipients, false)
	twin2 := storetest.NewDevice(t, key.Recipients, false)
	twin1.Submit(1)
	twin2.Submit(2)
	twinFiles := []string{filepath.Base(twin1.Export(stick)), filepath.Base(twin2.Export(stick))}

	// A laptop nobody enrolled.
	s := storetest.NewDevice(t, key.Recipients, false)
	s.Submit(2)
	move(s.Export(out), "stranger1.tar.age")

	// The enrolment list the coordinator brings, as chorus fingerprint
	// prints it.
	var list strings.Builder
	list.WriteString("# Library laptops, set up 24 November\n\n")
	for _, d := range []*storetest.Device{a, d, p, twin1, twin2} {
		fmt.Fprintf(&list, "%s  %s\n", d.Info.Key.Fingerprint(), d.Info.Name)
	}
	write("enrol.txt", list.String())

	return fixtures{dir: dir, vars: []string{
		"WITHDRAWN_ID=" + r[2].ResponseID,
		"KEPT_ID=" + r[1].ResponseID,
		"CODE0=" + r[0].Code,
		"CODE0_ID=" + r[0].ResponseID,
		"RECIPIENT=" + key.Recipient,
		"A_FP=" + a.Info.Key.Fingerprint(),
		"NEWKEY_FP=" + k.Info.Key.Fingerprint(),
		"STRANGER_FP=" + s.Info.Key.Fingerprint(),
		"STRANGER_ID=" + batch.DeviceShort(s.Info.ID),
		"TWIN1=" + twinFiles[0],
		"TWIN2=" + twinFiles[1],
	}}
}

func TestScripts(t *testing.T) {
	if pg != nil {
		t.Skip("the SQLite scripts; TestPostgresScripts runs on PostgreSQL")
	}
	runScripts(t, "testdata", nil)
}

// TestPostgresScripts runs testdata/postgres against the throw-away
// cluster, each script with a new database in $PGURL.
func TestPostgresScripts(t *testing.T) {
	if pg == nil {
		t.Skip("the PostgreSQL half only (CHORUS_TEST_DB=postgres; make test runs it)")
	}
	runScripts(t, "testdata/postgres", func(env *testscript.Env) error {
		name, err := pg.CreateDatabase()
		if err != nil {
			return err
		}
		env.Setenv("PGURL", pg.URL(name))
		env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
		return nil
	})
}

func runScripts(t *testing.T, dir string, setup func(*testscript.Env) error) {
	// Made per run (not once per process): the files live in t's temporary
	// folders, which go when t ends, so -count=N needs them again.
	fixture := makeFixtures(t)
	testscript.Run(t, testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			ents, err := os.ReadDir(fixture.dir)
			if err != nil {
				return err
			}
			for _, e := range ents {
				if e.IsDir() {
					if err := os.CopyFS(filepath.Join(env.WorkDir, e.Name()), os.DirFS(filepath.Join(fixture.dir, e.Name()))); err != nil {
						return err
					}
					continue
				}
				b, err := os.ReadFile(filepath.Join(fixture.dir, e.Name()))
				if err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(env.WorkDir, e.Name()), b, 0o600); err != nil {
					return err
				}
			}
			env.Vars = append(env.Vars, fixture.vars...)
			if setup != nil {
				return setup(env)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"dbhash": dbhash},
	})
}

// dbhash DB FILE writes a hash of every row of every table (but the device
// register) of the analyst
// database DB to FILE, so scripts can show a database did not change.
func dbhash(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: dbhash DB FILE")
	}
	name := args[0]
	if !central.IsPostgres(name) {
		name = ts.MkAbs(name)
	}
	db, err := central.Open(name, nil)
	ts.Check(err)
	defer db.Close()
	// The device register is left out: it records quarantined batches.
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'enrolment' ORDER BY name`
	if db.Postgres() {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
			AND table_name <> 'enrolment' ORDER BY table_name`
	}
	rows, err := db.SQL().Query(q)
	ts.Check(err)
	var tables []string
	for rows.Next() {
		var n string
		ts.Check(rows.Scan(&n))
		tables = append(tables, n)
	}
	rows.Close()
	h := sha256.New()
	for _, tab := range tables {
		fmt.Fprintf(h, "table %s\n", tab)
		order := "rowid"
		if db.Postgres() { // no rowid: every column
			var n int
			ts.Check(db.SQL().QueryRow(`SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ?`, tab).Scan(&n))
			cols := make([]string, n)
			for i := range cols {
				cols[i] = strconv.Itoa(i + 1)
			}
			order = strings.Join(cols, ", ")
		}
		rows, err := db.SQL().Query(`SELECT * FROM ` + tab + ` ORDER BY ` + order)
		ts.Check(err)
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			ts.Check(rows.Scan(ptrs...))
			fmt.Fprintf(h, "%q\n", vals)
		}
		rows.Close()
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(hex.EncodeToString(h.Sum(nil))+"\n"), 0o600))
}

// TestNoFyne: the analyst's tool builds without any GUI code.
func TestNoFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		deps++
		if strings.HasPrefix(sc.Text(), "fyne.io") {
			t.Errorf("chorus-central depends on %s", sc.Text())
		}
	}
	if deps < 10 || !strings.Contains(string(out), "chorus/data/central") {
		t.Fatalf("go list -deps gave an unexpected list:\n%s", out)
	}
}

func TestUsageAndUnknownCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(nil, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "Usage:") {
		t.Errorf("no arguments: exit %d, stderr %q", code, stderr.String())
	}
	stderr.Reset()
	if code := run([]string{"frobnicate"}, io.Discard, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), `chorus-central: error: unknown command "frobnicate"`) ||
		!strings.Contains(stderr.String(), "chorus-central: hint: ") {
		t.Errorf("unknown command: exit %d, stderr %q", code, stderr.String())
	}
}
