package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"chorus/data/seal"
	"chorus/data/survey"
)

// Sealed is a submission that has been checked and whose answers are
// sealed: what [Store.AddBulk] commits. Make one with [Seal].
type Sealed struct {
	// ID is the new response's id.
	ID  string
	sub Submission
	// payload is the sealed answers.
	payload []byte
}

// Seal checks sub and seals its answers to rs, as [Store.Submit] does,
// without storing anything. It is safe to call from many goroutines.
func Seal(rs []seal.Recipient, sub Submission) (Sealed, error) {
	id, sealed, err := prepare(rs, sub)
	if err != nil {
		return Sealed{}, err
	}
	return Sealed{ID: id, sub: sub, payload: sealed}, nil
}

// Declined is one anonymous "no thanks" at consent, as [Store.Decline]
// records it.
type Declined struct {
	Survey    *survey.Survey
	Language  string
	SessionID string
}

// Withdrawal names a consent record to withdraw in [Store.AddBulk], with
// its receipt's hash.
type Withdrawal struct {
	ConsentID   string
	ReceiptHash string
}

// Bulk is what [Store.AddBulk] adds in one transaction, in this order:
// sealed responses, declined consents, then withdrawals.
type Bulk struct {
	Responses []Sealed
	Declined  []Declined
	Withdraw  []Withdrawal
	// Staff is who records the withdrawals.
	Staff string
}

// AddBulk commits b in one transaction: it is for generated data (see
// package chorus/data/demo), many records at a time. Each withdrawal is
// done as [Store.Withdraw] does it, queued for the next batch when the
// consent was already exported; the write-ahead log is not truncated
// (call [Store.Checkpoint]).
func (s *Store) AddBulk(ctx context.Context, b Bulk) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, r := range b.Responses {
		if err := s.insertTx(ctx, tx, r.ID, r.sub, r.payload); err != nil {
			return err
		}
	}
	for _, d := range b.Declined {
		if _, err := tx.ExecContext(ctx, `INSERT INTO declined (survey_id, survey_version, language, session_id, day)
			VALUES (?, ?, ?, ?, ?)`, d.Survey.ID, d.Survey.Version, d.Language, nullable(d.SessionID), s.clock().Format(time.DateOnly)); err != nil {
			return err
		}
	}
	for _, w := range b.Withdraw {
		var batchSeq sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT batch_seq FROM consents WHERE id = ?`, w.ConsentID).Scan(&batchSeq); err != nil {
			return fmt.Errorf("consent %s: %w", w.ConsentID, err)
		}
		if _, err := s.withdrawConsent(ctx, tx, w.ConsentID, batchSeq, w.ReceiptHash, b.Staff); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// ExportedConsents returns up to limit consent records that went out in a
// batch, oldest first, as withdrawals name them.
func (s *Store) ExportedConsents(ctx context.Context, limit int) ([]Withdrawal, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, receipt_hash FROM consents
		WHERE batch_seq IS NOT NULL ORDER BY seq LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Withdrawal
	for rows.Next() {
		var w Withdrawal
		if err := rows.Scan(&w.ConsentID, &w.ReceiptHash); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// PutSession records a session with a given id at venue, run by worker (a
// name), unless one with that id is there already. It is for generated
// data; staff open sessions with [Store.OpenSession].
func (s *Store) PutSession(ctx context.Context, id, venue, worker string, sv *survey.Survey) error {
	now := s.clock()
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (id, venue, worker, survey_sha256, opened_at, opened_offset)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`, id, venue, worker, sv.SHA256, utc(now), offset(now))
	return err
}
