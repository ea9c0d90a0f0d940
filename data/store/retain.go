package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"chorus/data/ack"
)

// Retention errors.
var (
	// ErrAckOtherDevice: the acknowledgement names another laptop.
	ErrAckOtherDevice = errors.New("this acknowledgement is for another laptop")
	// ErrAckMismatch: the acknowledgement names a batch this laptop never
	// exported, or with another manifest. Nothing is deleted.
	ErrAckMismatch = errors.New("this acknowledgement does not match this laptop's batches")
	// ErrPurged: the batch's sealed answers were deleted after the
	// analyst confirmed its merge, so it cannot be written again.
	ErrPurged = errors.New("the analyst confirmed this batch merged and its answers were deleted from this laptop")
)

// AckResult says what [Store.Acknowledge] did.
type AckResult struct {
	Batches   []int64 // the batches acknowledged, in order
	Responses int     // the responses whose sealed answers were deleted now
}

// Acknowledge deletes from the laptop the sealed answers of the batches
// the analyst's acknowledgement a says were merged, as actor. Every batch
// it names must have been exported by this laptop with the manifest hash
// it gives (see package ack for why that is enough); otherwise nothing is
// deleted and the error is [ErrAckOtherDevice] or [ErrAckMismatch].
//
// The responses' rows stay, with their clear metadata, so the tallies
// (counts by session, mode and language) do not change; their sealed
// payloads become empty. As in [Store.Withdraw], the database runs with
// secure_delete, so the pages and cells that held the payloads are
// overwritten with zeros, and the write-ahead log is checkpointed and
// truncated afterwards, so no copy stays in chorus.db-wal. Acknowledging
// a batch again deletes nothing more. A purged batch can no longer be
// exported again ([ErrPurged]).
func (s *Store) Acknowledge(ctx context.Context, a ack.File, actor string) (AckResult, error) {
	var res AckResult
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	if res.Batches, err = s.ackBatches(ctx, tx, a); err != nil {
		return res, err
	}
	slices.Sort(res.Batches)
	seqs := make([]string, len(res.Batches))
	for i, seq := range res.Batches {
		seqs[i] = fmt.Sprint(seq)
	}
	list := strings.Join(seqs, ",")
	r, err := tx.ExecContext(ctx, `UPDATE responses SET sealed = x'' WHERE length(sealed) > 0
		AND batch_seq IN (SELECT value FROM json_each(?))`, "["+list+"]")
	if err != nil {
		return res, err
	}
	n, err := r.RowsAffected()
	if err != nil {
		return res, err
	}
	res.Responses = int(n)
	if err := s.audit(ctx, tx, actor, "retention", fmt.Sprintf("the analyst confirmed batches %s merged: the sealed answers of %d responses were deleted", list, n)); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	return res, s.Checkpoint()
}

// CheckAcknowledgement reports, without changing anything, the error
// [Store.Acknowledge] would give for a, or nil: so a screen can say "this
// file is for another laptop" before it asks to delete.
func (s *Store) CheckAcknowledgement(ctx context.Context, a ack.File) error {
	tx, err := s.db.BeginTx(ctx, nil) // rolled back: changes nothing
	if err != nil {
		return err
	}
	defer tx.Rollback()
	_, err = s.ackBatches(ctx, tx, a)
	return err
}

// ackBatches checks that a names this device and batches it exported
// with the manifests a gives, and returns their numbers.
func (s *Store) ackBatches(ctx context.Context, tx *sql.Tx, a ack.File) ([]int64, error) {
	var id string
	if err := tx.QueryRowContext(ctx, `SELECT device_id FROM device WHERE id = 1`).Scan(&id); errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoDevice
	} else if err != nil {
		return nil, err
	}
	if a.DeviceID != id {
		return nil, fmt.Errorf("%w (it names device %s; this is %s)", ErrAckOtherDevice, shortID(a.DeviceID), shortID(id))
	}
	var seqs []int64
	for _, b := range a.Batches {
		var manifest, exported sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT manifest_sha256, exported_at FROM batches WHERE seq = ?`, b.Seq).Scan(&manifest, &exported)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && !exported.Valid):
			return nil, fmt.Errorf("%w: batch %d was never exported here", ErrAckMismatch, b.Seq)
		case err != nil:
			return nil, err
		case manifest.String != b.ManifestSHA256:
			return nil, fmt.Errorf("%w: batch %d here is not the batch the analyst merged", ErrAckMismatch, b.Seq)
		}
		seqs = append(seqs, b.Seq)
	}
	return seqs, nil
}

// shortID is a device id's short form (see [Device.ShortID]).
func shortID(id string) string { return Device{ID: id}.ShortID() }

// purged reports whether batch seq's sealed answers were deleted by
// [Store.Acknowledge].
func (s *Store) purged(ctx context.Context, seq int64) (bool, error) {
	var p bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM responses WHERE batch_seq = ? AND length(sealed) = 0)`, seq).Scan(&p)
	return p, err
}
