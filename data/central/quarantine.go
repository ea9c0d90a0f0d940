package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"

	"chorus/data/batch"
	"chorus/data/seal"
)

// checkEnrolled lets b through only if its signing key is enrolled and
// bound to the device id the batch gives (binding it at the key's first
// batch). A batch from any other key is quarantined: the key is recorded
// in the register, committed, and a [*NotEnrolledError] returned; nothing
// else is merged.
func (c *DB) checkEnrolled(ctx context.Context, tx *sql.Tx, b *batch.Batch) error {
	m := &b.Manifest
	fp := seal.Fingerprint(string(m.DevicePublicKey))
	reg, err := device(ctx, tx, fp)
	switch {
	case errors.Is(err, ErrUnknownDevice) || (err == nil && reg.Status == Quarantined):
		return c.quarantine(ctx, tx, b, fp)
	case err != nil:
		return err
	case reg.Status == Retired:
		return fmt.Errorf("%w: %s %q was retired on %s; its batches are not merged", ErrRetired, fp, reg.Name, reg.ChangedAt)
	case reg.DeviceID == "":
		other, err := deviceByID(ctx, tx, m.DeviceID)
		if err == nil {
			return fmt.Errorf("%w: key %s is enrolled, but its batch gives the device id %s of %s %q (%s); a reinstalled laptop must be set up as a new device",
				ErrKeyChanged, fp, batch.DeviceShort(m.DeviceID), other.Status, other.Name, other.Fingerprint)
		}
		if !errors.Is(err, ErrUnknownDevice) {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE enrolment SET device_id = ?, public_key = ?, claimed_name = ?, first_seen_at = ?,
			name = CASE name WHEN '' THEN ? ELSE name END WHERE fingerprint = ?`,
			m.DeviceID, []byte(m.DevicePublicKey), m.DeviceName, c.now(), m.DeviceName, fp)
		return err
	case reg.DeviceID != m.DeviceID:
		return fmt.Errorf("%w: key %s is enrolled for device %s, but this batch gives device id %s",
			ErrKeyChanged, fp, batch.DeviceShort(reg.DeviceID), batch.DeviceShort(m.DeviceID))
	}
	return nil
}

// quarantine records b's key in the register as quarantined and returns
// the error that says so.
func (c *DB) quarantine(ctx context.Context, tx *sql.Tx, b *batch.Batch, fp string) error {
	m := &b.Manifest
	qerr := &NotEnrolledError{Fingerprint: fp, DeviceID: m.DeviceID, Name: m.DeviceName}
	if other, err := deviceByID(ctx, tx, m.DeviceID); err == nil {
		qerr.Claims = fmt.Sprintf("it gives the device id of %s %q (%s), whose key is another: a copy of that laptop, or a forgery",
			other.Status, other.Name, other.Fingerprint)
	} else if !errors.Is(err, ErrUnknownDevice) {
		return err
	} else {
		var name, ofp string
		err := tx.QueryRowContext(ctx, `SELECT name, fingerprint FROM enrolment WHERE status = 'enrolled' AND (name = ? OR claimed_name = ?) LIMIT 1`,
			m.DeviceName, m.DeviceName).Scan(&name, &ofp)
		if err == nil {
			qerr.Claims = fmt.Sprintf("it has the name of enrolled device %q (%s), whose key is another", name, ofp)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	now := c.now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO enrolment (fingerprint, status, name, device_id, public_key, claimed_name,
		first_seen_at, last_file, quarantined, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
		ON CONFLICT (fingerprint) DO UPDATE SET last_file = excluded.last_file, quarantined = enrolment.quarantined + 1`,
		fp, Quarantined, m.DeviceName, m.DeviceID, []byte(m.DevicePublicKey), m.DeviceName, now, filepath.Base(b.Path), now); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return qerr
}
