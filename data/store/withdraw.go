package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"chorus/data/survey"

	"github.com/google/uuid"
)

// WithdrawResult says what [Store.Withdraw] did.
type WithdrawResult int

// What a withdrawal did.
const (
	// WithdrawnHere: the response had not been exported, so it and its
	// consent record were deleted and nothing of them leaves the device.
	WithdrawnHere WithdrawResult = iota + 1
	// WithdrawnAndQueued: the response was already in a batch. It and its
	// consent record were deleted here, and a withdrawal goes in the next
	// batch so the analyst's database deletes them too.
	WithdrawnAndQueued
)

// String says what happened, for the audit log and messages.
func (r WithdrawResult) String() string {
	switch r {
	case WithdrawnHere:
		return "deleted before export"
	case WithdrawnAndQueued:
		return "deleted; the analyst is told in the next export"
	}
	return "unknown"
}

// Withdrawal errors. A malformed code gives [survey.ErrReceipt].
var (
	ErrUnknownReceipt   = errors.New("no response on this device has that receipt code")
	ErrAlreadyWithdrawn = errors.New("the response with that receipt code was already withdrawn")
)

// Withdraw removes, for good, the response whose participant holds
// receiptCode, as staff member staff records. The response and its
// consent record are deleted and the write-ahead log truncated, so no copy
// stays in the data folder (the database runs with secure_delete). If the
// response was already allocated to a batch, a withdrawal record goes in
// the next batch as well. The event is audited without naming the
// response.
//
// A batch that carried a withdrawn response can no longer be rebuilt by
// [Store.Reexport] (it fails with [ErrRebuildDiffers]).
func (s *Store) Withdraw(ctx context.Context, receiptCode, staff string) (WithdrawResult, error) {
	code, err := survey.ParseReceipt(receiptCode)
	if err != nil {
		return 0, err
	}
	if staff == "" {
		return 0, errors.New("a withdrawal needs the name of the staff member recording it")
	}
	hash := survey.HashReceipt(code)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var consentID string
	var consentBatch sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT id, batch_seq FROM consents WHERE receipt_hash = ?`, hash).Scan(&consentID, &consentBatch)
	if errors.Is(err, sql.ErrNoRows) {
		var done bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM withdrawals WHERE receipt_hash = ?)`, hash).Scan(&done); err != nil {
			return 0, err
		}
		if done {
			return 0, ErrAlreadyWithdrawn
		}
		return 0, ErrUnknownReceipt
	}
	if err != nil {
		return 0, err
	}
	result, err := s.withdrawConsent(ctx, tx, consentID, consentBatch, hash, staff)
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return result, s.Checkpoint()
}

// withdrawConsent deletes the consent record consentID and its response
// inside tx and, when either was already in a batch, queues a withdrawal.
func (s *Store) withdrawConsent(ctx context.Context, tx *sql.Tx, consentID string, consentBatch sql.NullInt64, receiptHash, staff string) (WithdrawResult, error) {
	var responseID string
	var responseBatch sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT id, batch_seq FROM responses WHERE consent_id = ?`, consentID).Scan(&responseID, &responseBatch)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	result := WithdrawnHere
	if responseBatch.Valid || consentBatch.Valid {
		result = WithdrawnAndQueued
		id, err := uuid.NewV7()
		if err != nil {
			return 0, err
		}
		batchSeq := responseBatch
		if !batchSeq.Valid {
			batchSeq = consentBatch
		}
		now := s.clock()
		if _, err := tx.ExecContext(ctx, `INSERT INTO withdrawals (id, response_id, consent_id, staff, created_at,
			created_offset, receipt_hash, response_batch_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id.String(), responseID, consentID, staff, utc(now), offset(now), receiptHash, batchSeq); err != nil {
			return 0, fmt.Errorf("cannot record the withdrawal: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM responses WHERE consent_id = ?`, consentID); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM consents WHERE id = ?`, consentID); err != nil {
		return 0, err
	}
	return result, s.audit(ctx, tx, staff, "withdrawal", result.String())
}

// Audit appends an event to the audit log, which goes to the analyst with
// the next batch. detail must not hold answers, codes or keys.
func (s *Store) Audit(ctx context.Context, actor, action, detail string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.audit(ctx, tx, actor, action, detail); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) audit(ctx context.Context, tx *sql.Tx, actor, action, detail string) error {
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	now := s.clock()
	_, err = tx.ExecContext(ctx, `INSERT INTO audit (id, actor, action, detail, created_at, created_offset)
		VALUES (?, ?, ?, ?, ?, ?)`, id.String(), actor, action, detail, utc(now), offset(now))
	return err
}
