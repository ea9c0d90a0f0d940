package store

import (
	"context"
	"fmt"
	"path/filepath"

	"chorus/data/batch"
)

// BackupTo writes a consistent copy of the database ([Store.Backup]) into
// the folder dir, named chorus-backup-YYYYMMDDTHHMMSSZ.db by the store's
// clock, records it in the audit log as actor's, and returns the copy's
// path. A folder that is missing or cannot be written gets the errors of
// [batch.CheckFolder] ([batch.ErrNoFolder], [batch.ErrNotWritable],
// [batch.ErrDiskFull], the last also when the copy fills the folder). `chorus backup` and the coordinator's Backup
// button both use it.
//
// The copy's path is recorded, so that [Store.Wipe] destroys it at the
// end of the project. To restore, the copy goes as chorus.db into an empty data folder.
func (s *Store) BackupTo(ctx context.Context, dir, actor string) (string, error) {
	if err := batch.CheckFolder(dir); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "chorus-backup-"+s.clock().UTC().Format("20060102T150405Z")+".db")
	recorded := path // for the wipe, which may run from another folder
	if abs, err := filepath.Abs(path); err == nil {
		recorded = abs
	}
	if err := s.Backup(path); err != nil {
		if sqliteFull(err) {
			return "", fmt.Errorf("%w: %w", batch.ErrDiskFull, err)
		}
		return "", fmt.Errorf("%w: check the stick has room and is not read-only", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	// Recorded so that [Store.Wipe] can destroy the copy at the end.
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO backups (path, written_at) VALUES (?, ?)`, recorded, utc(s.clock())); err != nil {
		return "", err
	}
	if err := s.audit(ctx, tx, actor, "backup", "a copy of the database was written"); err != nil {
		return "", err
	}
	return path, tx.Commit()
}
