// Package pgtest starts a throw-away PostgreSQL cluster for tests, with
// Debian's server binaries (/usr/lib/postgresql/*/bin: initdb, pg_ctl):
// under a temporary folder, listening only on a Unix socket in that folder
// (no TCP port to collide with), stopped and removed at the end.
//
// A package's tests run against it when the environment says
// CHORUS_TEST_DB=postgres (make test does, for the packages that have a
// PostgreSQL half); see [Main]. Without the binaries those runs skip with
// a message, except in CI (CI=1 or CHORUS_REQUIRE_POSTGRES=1), where a
// missing PostgreSQL fails the run.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Env is the environment variable that asks for the PostgreSQL half.
const Env = "CHORUS_TEST_DB"

// Wanted reports whether this test run is the PostgreSQL half.
func Wanted() bool { return os.Getenv(Env) == "postgres" }

// Required reports whether a missing PostgreSQL must fail the run (CI).
func Required() bool {
	return os.Getenv("CI") != "" && os.Getenv("CI") != "0" || os.Getenv("CHORUS_REQUIRE_POSTGRES") == "1"
}

// Bin is the folder of the newest Debian PostgreSQL server binaries, or ""
// when none are installed. CHORUS_PG_BIN names another folder (one with
// initdb and pg_ctl).
func Bin() string {
	if dir := os.Getenv("CHORUS_PG_BIN"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err != nil {
			return ""
		}
		return dir
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) < version(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i]
		}
	}
	return ""
}

func version(dir string) int {
	var v int
	fmt.Sscan(filepath.Base(filepath.Dir(dir)), &v)
	return v
}

// Options tune [Start].
type Options struct {
	// Durable keeps fsync and synchronous_commit on, as a real server
	// runs; benchmarks want it. Tests run faster without.
	Durable bool
}

// Cluster is a running throw-away cluster.
type Cluster struct {
	dir, bin, socket string
	asUser           string // run the server as this user (when we are root)
	admin            *sql.DB
	n                atomic.Int64
}

// Start initialises and starts a cluster in a new temporary folder.
func Start(opts Options) (*Cluster, error) {
	bin := Bin()
	if bin == "" {
		return nil, errors.New("no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or $CHORUS_PG_BIN: install Debian's postgresql package (make deps-postgres)")
	}
	dir, err := os.MkdirTemp("", "chorus-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin, socket: dir}
	// initdb refuses to run as root: the server runs as Debian's
	// postgres user then, in a folder it owns.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, errors.New("running as root and there is no postgres user to run the server as")
		}
		var uid, gid int
		fmt.Sscan(u.Uid, &uid)
		fmt.Sscan(u.Gid, &gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		c.asUser = "postgres"
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run("initdb", "-D", data, "-U", "chorus", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	conf := []string{"listen_addresses = ''", "unix_socket_directories = '" + dir + "'", "max_connections = 60",
		"shared_buffers = 64MB", "log_min_messages = warning"}
	if !opts.Durable {
		conf = append(conf, "fsync = off", "synchronous_commit = off", "full_page_writes = off")
	}
	f, err := os.OpenFile(filepath.Join(data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		c.Stop()
		return nil, err
	}
	fmt.Fprintln(f, strings.Join(conf, "\n"))
	f.Close()
	if out, err := c.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		c.Stop()
		return nil, fmt.Errorf("pg_ctl start: %v: %s\n%s", err, out, log)
	}
	c.admin, err = sql.Open("pgx", c.URL("postgres"))
	if err != nil {
		c.Stop()
		return nil, err
	}
	if err := c.admin.Ping(); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.dir
	return cmd.CombinedOutput()
}

// URL is the postgres:// URL of database name in the cluster, as user
// chorus (the cluster's superuser), over the Unix socket.
func (c *Cluster) URL(name string) string {
	return "postgres://chorus@/" + name + "?host=" + c.socket + "&sslmode=disable"
}

// UserURL is the URL of database name as another user.
func (c *Cluster) UserURL(user, name string) string {
	return "postgres://" + user + "@/" + name + "?host=" + c.socket + "&sslmode=disable"
}

// Admin is a connection to the cluster's postgres database as superuser.
func (c *Cluster) Admin() *sql.DB { return c.admin }

// CreateDatabase creates an empty database and returns its name; it
// goes with the cluster.
func (c *Cluster) CreateDatabase() (string, error) {
	name := fmt.Sprintf("t%d_%d", os.Getpid(), c.n.Add(1))
	_, err := c.admin.Exec(`CREATE DATABASE ` + name)
	return name, err
}

// NewDatabase creates an empty database and returns its URL; it is
// dropped when t ends.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	name, err := c.CreateDatabase()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	})
	return c.URL(name)
}

// Stop stops the server and removes its folder.
func (c *Cluster) Stop() {
	if c.admin != nil {
		c.admin.Close()
	}
	c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(c.dir)
}

// Main runs a test binary's tests: as they are, unless [Wanted]; then
// against a cluster started for the run (set in *cluster) and stopped
// after, durable when CHORUS_PG_DURABLE=1 (for benchmarks). Use it from TestMain: os.Exit(pgtest.Main(m, &cluster)).
func Main(m interface{ Run() int }, cluster **Cluster) int {
	if !Wanted() {
		return m.Run()
	}
	c, err := Start(Options{Durable: os.Getenv("CHORUS_PG_DURABLE") == "1"})
	if err != nil {
		if Required() {
			fmt.Fprintf(os.Stderr, "FAIL: the PostgreSQL half of these tests needs a PostgreSQL server and CI requires it: %v\n", err)
			return 1
		}
		fmt.Fprintf(os.Stderr, "SKIP: the PostgreSQL half of these tests did not run: %v\n", err)
		return 0
	}
	*cluster = c
	defer c.Stop()
	return m.Run()
}
