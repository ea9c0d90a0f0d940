package central

import (
	"context"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the database to path (VACUUM INTO),
// which must not exist. The copy holds decrypted answers, so it is made
// readable by its owner only (0600) before anything is written into it,
// and the backup goes in central's audit log.
func (c *DB) Backup(ctx context.Context, path, actor string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("cannot make the backup file: %w", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if _, err := c.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := c.audit(ctx, tx, actor, "backup", "a copy of the database was written"); err != nil {
		return err
	}
	return tx.Commit()
}
