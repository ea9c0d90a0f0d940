package central

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"chorus/data/seal"
)

// WipeFormat is the format name a central wipe report carries.
const WipeFormat = "chorus-central-wipe/1"

// ErrWipeConfirm is [DB.Wipe]'s answer when the confirmation does not
// name the project: nothing is wiped.
var ErrWipeConfirm = errors.New("the confirmation does not name this database's project: nothing was wiped")

// WipeReport says what [DB.Wipe] destroyed: counts, devices and batch
// numbers, never an answer, a receipt hash or a key.
type WipeReport struct {
	Format   string    `json:"format"`
	Database string    `json:"database"` // as [DB.Name] names it
	Engine   string    `json:"engine"`   // "sqlite" or "postgres"
	Project  string    `json:"project"`  // see [DB.Project]
	WipedAt  time.Time `json:"wiped_at"`

	Responses     int64 `json:"responses"`
	Consents      int64 `json:"consent_records"`
	Declined      int64 `json:"declined"`
	Withdrawals   int64 `json:"withdrawals"`
	DeviceAudit   int64 `json:"device_audit_events"`
	CentralAudit  int64 `json:"central_audit_events"`
	Surveys       int64 `json:"surveys"`
	EnrolledCount int64 `json:"enrolment_entries"`
	// Devices are the devices whose batches were merged, with the batch
	// numbers, by fingerprint.
	Devices []WipedDevice `json:"devices"`
	// Removed are the files removed (SQLite), or the tables dropped
	// (PostgreSQL).
	Removed []string `json:"removed"`
	// Notes say what stays, for the report's reader to act on.
	Notes []string `json:"notes"`
}

// WipedDevice is one device in a [WipeReport].
type WipedDevice struct {
	Fingerprint string  `json:"fingerprint"`
	Name        string  `json:"name"`
	Batches     []int64 `json:"batches"`
}

// Project is what `chorus-central wipe --confirm` must be given: the
// survey id of the merged responses, or, for a database that merged
// several surveys, their ids joined with commas in sorted order; "empty"
// for a database that merged nothing.
func (c *DB) Project(ctx context.Context) (string, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT DISTINCT survey_id FROM surveys ORDER BY survey_id`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if len(ids) == 0 {
		return "empty", nil
	}
	slices.Sort(ids)
	return strings.Join(ids, ","), nil
}

// Wipe destroys the analyst database at the end of a project, after
// confirm names its [DB.Project] (or [ErrWipeConfirm]), and closes c.
//
// On SQLite every row of every table is deleted in one transaction with
// secure_delete on, so the cells and pages that held them are zeroed; the
// write-ahead log is checkpointed and truncated, the file vacuumed, the
// database closed, and the file and its -wal and -shm overwritten with
// zeros, synced and removed. On PostgreSQL every table of the schema is
// dropped (with the dashboard views on them), in one transaction under
// the merge lock, which truncates the tables' files at once and unlinks
// them at the server's next checkpoint; then pg_statistic, where ANALYZE
// kept sample values of the columns, is rewritten (VACUUM FULL) when this
// role may. The report's notes say what the server may keep.
func (c *DB) Wipe(ctx context.Context, confirm string) (WipeReport, error) {
	rep, err := c.wipeReport(ctx)
	if err != nil {
		return rep, err
	}
	if strings.TrimSpace(confirm) != rep.Project {
		return rep, ErrWipeConfirm
	}
	if c.dialect == postgresDialect {
		err = c.wipePostgres(ctx, &rep)
	} else {
		err = c.wipeSQLite(ctx, &rep)
	}
	rep.WipedAt = c.clock().UTC().Truncate(time.Second)
	return rep, err
}

// wipePurged, when set (by tests), is called after the SQLite database is
// closed, before its files go.
var wipePurged func(path string)

func (c *DB) wipeSQLite(ctx context.Context, rep *WipeReport) error {
	tables, err := c.tableNames(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return err
	}
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return err
	}
	for _, t := range tables {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+quoteIdent(t)); err != nil {
			return fmt.Errorf("wipe %s: %w", t, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := c.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	if _, err := c.db.ExecContext(ctx, `VACUUM`); err != nil {
		return err
	}
	if err := c.Close(); err != nil {
		return err
	}
	path := filepath.Join(c.dir, filepath.Base(c.name))
	if wipePurged != nil {
		wipePurged(path)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := shred(p); err != nil {
			return err
		}
		rep.Removed = append(rep.Removed, p)
	}
	rep.Notes = append(rep.Notes, "backups of this database (chorus-central backup) hold the answers: destroy them too",
		"on an SSD or a copy-on-write file system the disk may keep old blocks: the disk's own encryption is what protects them")
	return nil
}

func (c *DB) wipePostgres(ctx context.Context, rep *WipeReport) error {
	tables, err := c.tableNames(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
	if err != nil {
		return err
	}
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := c.lock(ctx, tx); err != nil {
		return err
	}
	if len(tables) > 0 {
		quoted := make([]string, len(tables))
		for i, t := range tables {
			quoted[i] = quoteIdent(t)
		}
		if _, err := tx.ExecContext(ctx, `DROP TABLE `+strings.Join(quoted, ", ")+` CASCADE`); err != nil {
			return fmt.Errorf("wipe: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	rep.Removed = append(rep.Removed, tables...)
	if _, err := c.db.ExecContext(ctx, `VACUUM FULL pg_catalog.pg_statistic`); err != nil {
		rep.Notes = append(rep.Notes, "pg_statistic could not be rewritten ("+err.Error()+"): ask the database's owner to run VACUUM FULL pg_statistic, or drop the database")
	}
	rep.Notes = append(rep.Notes,
		"the server's write-ahead log keeps copies until it is recycled, and base backups and replicas keep theirs: the strongest step is DROP DATABASE by its owner, and the backups' own expiry",
		"pg_dump files of this database hold the answers: destroy them too")
	return c.db.Close()
}

// tableNames runs q, a query of table names.
func (c *DB) tableNames(ctx context.Context, q string) ([]string, error) {
	rows, err := c.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// quoteIdent quotes a table name for both engines.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// wipeReport counts what a wipe is about to destroy.
func (c *DB) wipeReport(ctx context.Context) (WipeReport, error) {
	rep := WipeReport{Format: WipeFormat, Database: c.name, Engine: "sqlite", Devices: []WipedDevice{}, Removed: []string{}, Notes: []string{}}
	if c.dialect == postgresDialect {
		rep.Engine = "postgres"
	}
	var err error
	if rep.Project, err = c.Project(ctx); err != nil {
		return rep, err
	}
	err = c.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM responses), (SELECT count(*) FROM consents), (SELECT count(*) FROM declined),
		(SELECT count(*) FROM withdrawals), (SELECT count(*) FROM audit), (SELECT count(*) FROM central_audit),
		(SELECT count(*) FROM surveys), (SELECT count(*) FROM enrolment)`).Scan(&rep.Responses, &rep.Consents,
		&rep.Declined, &rep.Withdrawals, &rep.DeviceAudit, &rep.CentralAudit, &rep.Surveys, &rep.EnrolledCount)
	if err != nil {
		return rep, err
	}
	rows, err := c.db.QueryContext(ctx, `SELECT d.device_id, d.name, d.public_key, b.seq
		FROM devices d JOIN batches b ON b.device_id = d.device_id ORDER BY d.device_id, b.seq`)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	last := ""
	for rows.Next() {
		var id, name string
		var pub []byte
		var seq int64
		if err := rows.Scan(&id, &name, &pub, &seq); err != nil {
			return rep, err
		}
		if id != last {
			rep.Devices = append(rep.Devices, WipedDevice{Fingerprint: seal.Fingerprint(string(pub)), Name: name})
			last = id
		}
		d := &rep.Devices[len(rep.Devices)-1]
		d.Batches = append(d.Batches, seq)
	}
	return rep, rows.Err()
}

// shred overwrites the regular file at path with zeros, syncs it and
// removes it.
func shred(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	zeros := make([]byte, 64<<10)
	for left := fi.Size(); left > 0; {
		n := min(left, int64(len(zeros)))
		if _, err := f.Write(zeros[:n]); err != nil {
			f.Close()
			return err
		}
		left -= n
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Remove(path)
}

// Text is the report in plain words, as `chorus-central wipe` prints it.
func (rep WipeReport) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Chorus central wipe report\n")
	fmt.Fprintf(&b, "database:         %s (%s)\n", rep.Database, rep.Engine)
	fmt.Fprintf(&b, "project:          %s\n", rep.Project)
	fmt.Fprintf(&b, "wiped at:         %s\n", rep.WipedAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "responses:        %d deleted\n", rep.Responses)
	fmt.Fprintf(&b, "consent records:  %d deleted\n", rep.Consents)
	fmt.Fprintf(&b, "declined:         %d deleted\n", rep.Declined)
	fmt.Fprintf(&b, "withdrawals:      %d deleted\n", rep.Withdrawals)
	fmt.Fprintf(&b, "audit events:     %d from devices, %d of central's, deleted\n", rep.DeviceAudit, rep.CentralAudit)
	fmt.Fprintf(&b, "surveys:          %d deleted; %d enrolment entries deleted\n", rep.Surveys, rep.EnrolledCount)
	for _, d := range rep.Devices {
		seqs := make([]string, len(d.Batches))
		for i, s := range d.Batches {
			seqs[i] = fmt.Sprint(s)
		}
		fmt.Fprintf(&b, "device:           %s %s, batches %s\n", d.Fingerprint, d.Name, strings.Join(seqs, ", "))
	}
	for _, r := range rep.Removed {
		fmt.Fprintf(&b, "removed:          %s\n", r)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(&b, "note:             %s\n", n)
	}
	return b.String()
}
