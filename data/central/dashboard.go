package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// DashboardViews are the views, in schema dashboard, that a dashboard
// role may read (PostgreSQL only; see migrations/postgres).
var DashboardViews = []string{"responses", "answers", "codebook", "declined"}

// ErrNotPostgres is the answer of what only PostgreSQL has.
var ErrNotPostgres = errors.New("dashboard roles need the analyst database on PostgreSQL; a SQLite file has no roles")

// GrantDashboard lets the existing PostgreSQL role read the dashboard
// views and connect to the database, and nothing else this program
// grants. It refuses a superuser, and a role that can already read one of
// the private tables (answers in the clear, receipts, keys): such a right
// was granted elsewhere and must be revoked there first.
func (c *DB) GrantDashboard(ctx context.Context, role string) error {
	if c.dialect != postgresDialect {
		return ErrNotPostgres
	}
	var super bool
	err := c.db.QueryRowContext(ctx, `SELECT rolsuper FROM pg_roles WHERE rolname = ?`, role).Scan(&super)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("there is no role %q: make it first, e.g. CREATE ROLE %s LOGIN PASSWORD '…'", role, pgx.Identifier{role}.Sanitize())
	}
	if err != nil {
		return err
	}
	if super {
		return fmt.Errorf("role %q is a superuser and can read everything; give dashboards a role of their own", role)
	}
	id := pgx.Identifier{role}.Sanitize()
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := c.lock(ctx, tx); err != nil {
		return err
	}
	var dbName string
	if err := tx.QueryRowContext(ctx, `SELECT current_database()`).Scan(&dbName); err != nil {
		return err
	}
	for _, q := range []string{
		`GRANT CONNECT ON DATABASE ` + pgx.Identifier{dbName}.Sanitize() + ` TO ` + id,
		`GRANT USAGE ON SCHEMA dashboard TO ` + id,
		`GRANT SELECT ON ALL TABLES IN SCHEMA dashboard TO ` + id,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("cannot grant the dashboard views to %q: %w", role, err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p')
		AND has_table_privilege(?, c.oid, 'SELECT') ORDER BY c.relname`, role)
	if err != nil {
		return err
	}
	var readable []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		readable = append(readable, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(readable) > 0 {
		return fmt.Errorf("role %q can read the private tables %v already (granted elsewhere, perhaps to PUBLIC); revoke that first, nothing was granted", role, readable)
	}
	if err := c.audit(ctx, tx, "chorus-central dashboard-role", "dashboard-role", "the dashboard views were granted to role "+role); err != nil {
		return err
	}
	return tx.Commit()
}
