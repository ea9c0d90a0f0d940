package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"chorus/data/survey"

	"github.com/google/uuid"
)

// Errors of [DB.Withdraw]. A malformed code gives [survey.ErrReceipt].
var (
	// ErrReceiptNotFound: no merged consent record carries the code.
	ErrReceiptNotFound = errors.New("no merged response has that receipt code")
	// ErrReceiptWithdrawn: the code was withdrawn at central before.
	ErrReceiptWithdrawn = errors.New("the response with that receipt code was already withdrawn here")
)

// AmbiguousReceiptError is returned by [DB.Withdraw] when the code's hash
// is carried by consent records from more than one device (codes are
// unique on one device only). Nothing is withdrawn; the caller names the
// device.
type AmbiguousReceiptError struct {
	// Matches are the devices, one each, with where and when.
	Matches []ReceiptMatch
}

// ReceiptMatch is one consent record a receipt code names.
type ReceiptMatch struct {
	Fingerprint string // the device's fingerprint, as enrolled
	DeviceName  string
	Venue       string
	CreatedAt   string
}

func (e *AmbiguousReceiptError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "that receipt code names responses from %d devices:", len(e.Matches))
	for _, m := range e.Matches {
		fmt.Fprintf(&b, " %s (%s, venue %q, %s);", m.Fingerprint, m.DeviceName, m.Venue, m.CreatedAt)
	}
	return strings.TrimSuffix(b.String(), ";")
}

// Withdrawal says what [DB.Withdraw] deleted.
type Withdrawal struct {
	Fingerprint string // the device's fingerprint
	DeviceName  string
	BatchSeq    int64 // the batch that carried the consent record
	Response    bool  // a response was deleted (false: only the consent record had merged)
}

// Withdraw withdraws at central the response whose participant holds
// receiptCode (as typed: [survey.ParseReceipt]), as staff records. The
// response and its consent record are deleted, a withdrawal is kept so
// that no batch, re-exported or older, brings them back, and the event
// goes in the central audit log without the code. The database runs with
// secure_delete and the write-ahead log is truncated afterwards, so the
// deleted rows are in no file.
//
// deviceFP, when not empty, limits the search to that device's records;
// it is needed when the code matches records of more than one device
// ([AmbiguousReceiptError]).
func (c *DB) Withdraw(ctx context.Context, receiptCode, staff, deviceFP string) (Withdrawal, error) {
	var w Withdrawal
	code, err := survey.ParseReceipt(receiptCode)
	if err != nil {
		return w, err
	}
	if strings.TrimSpace(staff) == "" {
		return w, errors.New("a withdrawal needs the name of the person recording it")
	}
	hash := survey.HashReceipt(code)
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return w, err
	}
	defer tx.Rollback()
	if err := c.lock(ctx, tx); err != nil {
		return w, err
	}
	deviceID := ""
	if deviceFP != "" {
		fp, err := ParseFingerprint(deviceFP)
		if err != nil {
			return w, err
		}
		d, err := device(ctx, tx, fp)
		if err != nil {
			return w, fmt.Errorf("device %s: %w", deviceFP, err)
		}
		deviceID = d.DeviceID
	}
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.device_id, c.batch_seq, c.venue, c.created_at,
		coalesce(e.fingerprint, ''), coalesce(e.name, '')
		FROM consents c LEFT JOIN enrolment e ON e.device_id = c.device_id AND e.status <> 'quarantined'
		WHERE c.receipt_hash = ? AND (? = '' OR c.device_id = ?) ORDER BY c.device_id`, hash, deviceID, deviceID)
	if err != nil {
		return w, err
	}
	type found struct {
		consentID, deviceID string
		seq                 int64
		m                   ReceiptMatch
	}
	var matches []found
	for rows.Next() {
		var f found
		if err := rows.Scan(&f.consentID, &f.deviceID, &f.seq, &f.m.Venue, &f.m.CreatedAt, &f.m.Fingerprint, &f.m.DeviceName); err != nil {
			rows.Close()
			return w, err
		}
		matches = append(matches, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return w, err
	}
	var done bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM withdrawals WHERE receipt_hash = ?)`, hash).Scan(&done); err != nil {
		return w, err
	}
	// A code withdrawn before is not taken, unasked, to name another
	// device's response that happens to share it: a participant who
	// phones twice withdraws nobody else.
	if done && deviceID == "" {
		if len(matches) > 0 {
			return w, fmt.Errorf("%w; %d response(s) from other devices have the same code: name the device with --device only if that participant asks", ErrReceiptWithdrawn, len(matches))
		}
		return w, ErrReceiptWithdrawn
	}
	switch len(matches) {
	case 0:
		return w, ErrReceiptNotFound
	case 1:
	default:
		e := &AmbiguousReceiptError{}
		for _, f := range matches {
			e.Matches = append(e.Matches, f.m)
		}
		return w, e
	}
	f := matches[0]
	w = Withdrawal{Fingerprint: f.m.Fingerprint, DeviceName: f.m.DeviceName, BatchSeq: f.seq}
	var responseID string
	err = tx.QueryRowContext(ctx, `SELECT id FROM responses WHERE device_id = ? AND consent_id = ?`, f.deviceID, f.consentID).Scan(&responseID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Only the consent record merged: the tombstone is keyed by
		// the consent record, which keeps out any response naming it.
		responseID = "consent:" + f.consentID
	case err != nil:
		return w, err
	default:
		w.Response = true
	}
	id, err := uuid.NewV7()
	if err != nil {
		return w, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO withdrawals (device_id, response_id, consent_id, id, batch_seq, staff,
		created_at, created_offset, receipt_hash) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)`,
		f.deviceID, responseID, f.consentID, id.String(), f.seq, staff, c.now(), hash); err != nil {
		return w, fmt.Errorf("cannot record the withdrawal: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM responses WHERE device_id = ? AND consent_id = ?`, f.deviceID, f.consentID); err != nil {
		return w, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM consents WHERE device_id = ? AND id = ?`, f.deviceID, f.consentID); err != nil {
		return w, err
	}
	detail := fmt.Sprintf("device %s batch %d: response and consent record deleted", f.m.Fingerprint, f.seq)
	if err := c.audit(ctx, tx, staff, "withdrawal", detail); err != nil {
		return w, err
	}
	if err := tx.Commit(); err != nil {
		return w, err
	}
	return w, c.purge(ctx)
}

// audit appends an event to central's own audit log. detail must not
// hold answers, codes or keys.
func (c *DB) audit(ctx context.Context, tx *sql.Tx, actor, action, detail string) error {
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO central_audit (id, actor, action, detail, created_at) VALUES (?, ?, ?, ?, ?)`,
		id.String(), actor, action, detail, c.now())
	return err
}
