package central

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"chorus/data/batch"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

//go:embed migrations/postgres/*.sql
var pgMigrations embed.FS

// openPostgres opens the analyst database at a postgres:// URL, bringing
// its schema up to date. The driver is pgx through database/sql, so the
// code above it is the same for both engines. Merging row by row already
// runs as fast as on SQLite (BenchmarkMerge1000x100, docs/POSTGRES.md), so
// nothing uses pgx natively (COPY) yet.
func openPostgres(url string, clock func() time.Time) (*DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// pgx's message may quote the URL, password and all.
		return nil, errors.New("the PostgreSQL URL does not parse; see https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS")
	}
	dir, err := pgTempDir()
	if err != nil {
		return nil, err
	}
	if _, err := batch.RemoveStale(dir); err != nil {
		return nil, fmt.Errorf("%s: cannot remove a decrypted batch that a stopped merge left behind: %w", dir, err)
	}
	db := sql.OpenDB(pgConnector{stdlib.GetConnector(*cfg)})
	db.SetMaxOpenConns(4)
	c := &DB{db: db, dir: dir, clock: clock, dialect: postgresDialect, name: pgName(cfg)}
	if err := c.migratePostgres(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", c.name, err)
	}
	if err := c.enrolLegacy(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", c.name, err)
	}
	return c, nil
}

// pgName names the database in messages, without the password.
func pgName(cfg *pgx.ConnConfig) string {
	host := cfg.Host
	if strings.HasPrefix(host, "/") {
		host = "socket " + host
	}
	return fmt.Sprintf("postgres database %s on %s", cfg.Database, host)
}

// pgTempDir is where merges against PostgreSQL decrypt batches: a folder
// of the analyst's own (0700) in their cache folder, as there is no
// database folder to put them in.
func pgTempDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "chorus-central", "batches")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("cannot make a private folder for decrypted batches: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", err
	}
	return dir, nil
}

// migratePostgres applies migrations/postgres in one transaction, under
// the advisory lock, so two analysts opening a new database at once do
// not both create it.
func (c *DB) migratePostgres(ctx context.Context) error {
	paths, err := fs.Glob(pgMigrations, "migrations/postgres/*.sql")
	if err != nil {
		return err
	}
	type file struct {
		version int
		path    string
	}
	var files []file
	for _, p := range paths {
		num, _, _ := strings.Cut(path.Base(p), "-")
		v, err := strconv.Atoi(num)
		if err != nil {
			return fmt.Errorf("migration %s: name must be NNN-description.sql", p)
		}
		files = append(files, file{v, p})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].version < files[j].version })
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("cannot open database: %w", err)
	}
	defer tx.Rollback()
	if err := c.lock(ctx, tx); err != nil {
		return fmt.Errorf("cannot open database: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("cannot open database: %w", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return err
	}
	known := files[len(files)-1].version
	if have > known {
		return fmt.Errorf("written by a newer chorus-central (schema %d; this one knows %d)", have, known)
	}
	at := c.now()
	for _, f := range files {
		if f.version <= have {
			continue
		}
		body, err := fs.ReadFile(pgMigrations, f.path)
		if err != nil {
			return err
		}
		// No arguments: pgx sends it as a simple query, which may hold
		// many statements.
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", path.Base(f.path), err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			f.version, path.Base(f.path), at); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// pgConnector hands database/sql pgx connections that take SQLite's ?
// placeholders.
type pgConnector struct{ driver.Connector }

// Connect opens a connection.
func (p pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := p.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{conn.(*stdlib.Conn)}, nil
}

// pgConn is a pgx connection that rewrites ? placeholders. Everything else
// (transactions, session reset, value checks) is pgx's own.
type pgConn struct{ *stdlib.Conn }

func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(context.Background(), rebind(query))
}

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(query))
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, rebind(query), args)
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, rebind(query), args)
}

// rebind turns SQLite's placeholders into PostgreSQL's: ? is the next
// number, ?N is N. Quoted strings, quoted names and comments are left
// alone.
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		ch := q[i]
		switch {
		case ch == '\'' || ch == '"':
			j := i + 1
			for j < len(q) && q[j] != ch {
				j++
			}
			b.WriteString(q[i:min(j+1, len(q))])
			i = j
		case ch == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j - 1
		case ch == '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			if j > i+1 {
				k, _ := strconv.Atoi(q[i+1 : j])
				n = max(n, k)
				b.WriteString("$" + q[i+1:j])
			} else {
				n++
				b.WriteString("$" + strconv.Itoa(n))
			}
			i = j - 1
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}
