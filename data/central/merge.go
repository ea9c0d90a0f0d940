package central

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"

	"chorus/data/batch"
	"chorus/data/seal"

	"filippo.io/age"
)

// testHookBeforeCommit, when set by a test, runs when a batch is merged
// but not yet committed: where a killed merge must leave nothing.
var testHookBeforeCommit func(context.Context)

// Merge errors. Errors about the file itself come from [batch.Read].
var (
	ErrConflict   = errors.New("conflicting batch")
	ErrKeyChanged = errors.New("the device's signing key has changed")
	ErrDemo       = errors.New("demo and real data do not mix")
	ErrPayload    = errors.New("a sealed response is not valid")
)

// MergeOptions tune [DB.Merge].
type MergeOptions struct {
	// Demo allows demo batches, into a database that then holds demo
	// data only.
	Demo bool
}

// Status says what a merge did.
type Status int

// Merge outcomes.
const (
	Merged Status = iota + 1
	AlreadyMerged
)

// MergeResult describes one merged batch file.
type MergeResult struct {
	File     string
	DeviceID string
	Seq      int64
	Demo     bool
	Status   Status
	// What the batch held and what was done with it.
	Responses, Consents, Declined, Withdrawals, Audit int64
	// WithdrawalsApplied counts responses deleted by the batch's
	// withdrawals; SkippedWithdrawn counts responses in the batch that had
	// already been withdrawn.
	WithdrawalsApplied, SkippedWithdrawn int64
}

// Summary is a line for people, without any answers.
func (r MergeResult) Summary() string {
	dev := batch.DeviceShort(r.DeviceID)
	if r.Status == AlreadyMerged {
		return fmt.Sprintf("%s: batch %d from device %s was already merged; nothing changed", filepath.Base(r.File), r.Seq, dev)
	}
	s := fmt.Sprintf("%s: merged batch %d from device %s: %d responses, %d consents, %d declined, %d withdrawals (%d applied), %d audit events",
		filepath.Base(r.File), r.Seq, dev, r.Responses, r.Consents, r.Declined, r.Withdrawals, r.WithdrawalsApplied, r.Audit)
	if r.SkippedWithdrawn > 0 {
		s += fmt.Sprintf("; %d withdrawn responses left out", r.SkippedWithdrawn)
	}
	if r.Demo {
		s += " [demo]"
	}
	return s
}

// Merge verifies the batch file at path, opens its responses with ids and
// merges it in one transaction. See the package documentation for the
// rules.
func (c *DB) Merge(ctx context.Context, path string, ids []age.Identity, opts MergeOptions) (MergeResult, error) {
	b, err := batch.Read(path, ids, batch.ReadOptions{TempDir: c.Dir()})
	if err != nil {
		return MergeResult{File: path}, err
	}
	defer b.Close()
	return c.MergeBatch(ctx, b, ids, opts)
}

// afterWithdrawals purges what the withdrawals of merged batches deleted
// (see purge): on PostgreSQL a VACUUM, once for a run of batches. SQLite
// zeroes deleted rows as it goes and truncates its log on Close.
func (c *DB) afterWithdrawals(ctx context.Context, applied bool) error {
	if !applied || c.dialect != postgresDialect {
		return nil
	}
	return c.purge(ctx)
}

// MergeFiles merges the batch files at paths in order, as [DB.Merge]
// does, reading and verifying the next file while the current one is
// merged. It calls report with each file's result or error and carries
// on with the next; it returns only errors that stop it (ctx).
func (c *DB) MergeFiles(ctx context.Context, paths []string, ids []age.Identity, opts MergeOptions, report func(MergeResult, error)) error {
	type read struct {
		path   string
		b      *batch.Batch
		err    error
		opened []*openJob // nil: open while merging
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	withdrawn := false
	next := make(chan read, 1)
	go func() {
		defer close(next)
		for _, p := range paths {
			b, err := batch.Read(p, ids, batch.ReadOptions{TempDir: c.Dir()})
			var opened []*openJob
			if err == nil && b.Manifest.Counts.Responses <= preOpenMax {
				opened = preOpen(ctx, b, ids)
			}
			select {
			case next <- read{p, b, err, opened}:
			case <-ctx.Done():
				if b != nil {
					b.Close()
				}
				return
			}
		}
	}()
	for r := range next {
		if err := ctx.Err(); err != nil {
			if r.b != nil {
				r.b.Close()
			}
			continue // drain, so that every batch read is closed
		}
		if r.err != nil {
			report(MergeResult{File: r.path}, r.err)
			continue
		}
		res, err := c.mergeBatch(ctx, r.b, ids, opts, r.opened)
		r.b.Close()
		withdrawn = withdrawn || (err == nil && res.Withdrawals > 0)
		report(res, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return c.afterWithdrawals(ctx, withdrawn)
}

// MergeBatch merges a batch that [batch.Read] verified.
func (c *DB) MergeBatch(ctx context.Context, b *batch.Batch, ids []age.Identity, opts MergeOptions) (MergeResult, error) {
	res, err := c.mergeBatch(ctx, b, ids, opts, nil)
	if err == nil {
		err = c.afterWithdrawals(ctx, res.Withdrawals > 0)
	}
	return res, err
}

// mergeBatch is MergeBatch with the batch's responses already opened, or
// opened as they are merged when opened is nil.
func (c *DB) mergeBatch(ctx context.Context, b *batch.Batch, ids []age.Identity, opts MergeOptions, opened []*openJob) (MergeResult, error) {
	m := &b.Manifest
	res := MergeResult{File: b.Path, DeviceID: m.DeviceID, Seq: m.Seq, Demo: m.Demo}
	switch {
	case m.Demo && !opts.Demo:
		return res, fmt.Errorf("%w: this is a demo batch; merge demo batches into a separate database with --demo", ErrDemo)
	case !m.Demo && opts.Demo:
		return res, fmt.Errorf("%w: this batch holds real data and --demo was given", ErrDemo)
	}
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	if err := c.lock(ctx, tx); err != nil {
		return res, err
	}

	mode, err := c.setting(ctx, tx, "demo")
	if err != nil {
		return res, err
	}
	if mode != "" && (mode == "1") != m.Demo {
		if mode == "1" {
			return res, fmt.Errorf("%w: this database holds demo data; merge real batches into another database", ErrDemo)
		}
		return res, fmt.Errorf("%w: this database holds real data; merge demo batches into another database", ErrDemo)
	}

	if err := c.checkEnrolled(ctx, tx, b); err != nil {
		return res, err
	}
	var known []byte
	err = tx.QueryRowContext(ctx, `SELECT public_key FROM devices WHERE device_id = ?`, m.DeviceID).Scan(&known)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		known = nil
	case err != nil:
		return res, err
	case !bytes.Equal(known, m.DevicePublicKey):
		return res, fmt.Errorf("%w: device %s was first seen with key %s, this batch is signed with key %s",
			ErrKeyChanged, batch.DeviceShort(m.DeviceID), seal.Fingerprint(string(known)), seal.Fingerprint(string(m.DevicePublicKey)))
	}
	if err := checkRanges(b); err != nil {
		return res, err
	}

	var have string
	err = tx.QueryRowContext(ctx, `SELECT manifest_sha256 FROM batches WHERE device_id = ? AND seq = ?`, m.DeviceID, m.Seq).Scan(&have)
	switch {
	case err == nil && have == b.ManifestSHA256:
		res.Status = AlreadyMerged
		return res, nil
	case err == nil:
		return res, fmt.Errorf("%w: batch %d of device %s was already merged with different contents (manifest %.12s, this one %.12s)",
			ErrConflict, m.Seq, batch.DeviceShort(m.DeviceID), have, b.ManifestSHA256)
	case !errors.Is(err, sql.ErrNoRows):
		return res, err
	}
	var otherDev string
	var otherSeq int64
	err = tx.QueryRowContext(ctx, `SELECT device_id, seq FROM batches WHERE batch_id = ?`, m.BatchID).Scan(&otherDev, &otherSeq)
	if err == nil {
		return res, fmt.Errorf("%w: batch id %s was already merged as batch %d of device %s", ErrConflict, m.BatchID, otherSeq, batch.DeviceShort(otherDev))
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return res, err
	}

	now := c.now()
	if known == nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO devices (device_id, public_key, name, demo, first_seen_at) VALUES (?, ?, ?, ?, ?)`,
			m.DeviceID, []byte(m.DevicePublicKey), m.DeviceName, b2i(m.Demo), now); err != nil {
			return res, err
		}
	}
	sig, err := b.Signature()
	if err != nil {
		return res, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO batches (device_id, seq, batch_id, manifest_sha256, prev_manifest_sha256,
		tar_sha256, manifest, signature, file_name, created_at, merged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.DeviceID, m.Seq, m.BatchID, b.ManifestSHA256, m.PrevManifestSHA256, b.TarSHA256, b.ManifestJSON, sig,
		filepath.Base(b.Path), m.CreatedAt, now); err != nil {
		return res, err
	}
	if mode == "" {
		v := "0"
		if m.Demo {
			v = "1"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('demo', ?)`, v); err != nil {
			return res, err
		}
	}

	surveys, err := mergeSurveys(ctx, tx, b)
	if err != nil {
		return res, err
	}
	if err := c.mergeWithdrawals(ctx, tx, b, &res); err != nil {
		return res, err
	}
	// Consents first: every response needs its consent record, from this
	// batch or an earlier one of the same device.
	if err := mergeConsents(ctx, tx, b, surveys, &res); err != nil {
		return res, err
	}
	if err := mergeResponses(ctx, tx, b, ids, surveys, opened, &res); err != nil {
		return res, err
	}
	if err := mergeRest(ctx, tx, b, &res); err != nil {
		return res, err
	}
	if testHookBeforeCommit != nil {
		testHookBeforeCommit(ctx)
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	res.Status = Merged
	return res, nil
}
