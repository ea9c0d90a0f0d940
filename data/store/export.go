package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"chorus/data/batch"
	"chorus/data/seal"

	"github.com/google/uuid"
)

// ExportOptions tune [Store.Export] and [Store.Reexport].
type ExportOptions struct {
	// AppVersion is recorded in new batches; "" for this build's version.
	AppVersion string
	// Staff is who exported, for the audit log; "" for "coordinator".
	Staff string
	// Progress, if set, is called now and then from the exporting
	// goroutine (a UI must hand it to its own thread).
	Progress func(ExportProgress)
	// CreateTemp makes the temporary file the batch is written to; nil
	// for os.CreateTemp. Tests put failing files here.
	CreateTemp batch.CreateTemp
	// Rename and SyncDir replace the rename of the finished file and the
	// fsync of its folder; nil for the real ones. Tests put failures here.
	Rename  func(from, to string) error
	SyncDir func(dir string) error
}

// ExportProgress says how far the export of batch Seq has come, in
// records.
type ExportProgress struct {
	Seq         int64
	Done, Total int64
}

// ExportResult describes one batch file written.
type ExportResult struct {
	Seq            int64
	BatchID        string
	Path           string // the .tar.age file
	FileBytes      int64
	ManifestSHA256 string // identifies the plaintext tar; the same on re-export
	Counts         batch.Counts
}

// BatchInfo is one batch in the device's history, for the coordinator.
type BatchInfo struct {
	Seq        int64
	BatchID    string
	FileName   string
	CreatedAt  time.Time
	ExportedAt time.Time // zero while the batch is pending: allocated, not yet written
	Folder     string    // where it was first written
	Counts     batch.Counts
	FileBytes  int64
	// ManifestSHA256 identifies the batch's plaintext tar (see
	// [batch.Write]); empty while the batch is pending.
	ManifestSHA256 string
}

// Pending reports whether the batch was allocated but never written.
func (b BatchInfo) Pending() bool { return b.ExportedAt.IsZero() }

// Export errors. Errors about the folder come from package batch:
// [batch.ErrNoFolder], [batch.ErrNotWritable], [batch.ErrDiskFull],
// [batch.ErrExists], [batch.ErrReadBack].
var (
	ErrNothingToExport = errors.New("there is nothing new to export")
	ErrNoBatch         = errors.New("there is no exported batch with that number")
	ErrRebuildDiffers  = errors.New("the rebuilt batch is not identical to the one exported")
)

// Export writes everything not yet exported (responses, consents, the
// declined tally, withdrawals and audit events) into one new batch file in
// dir and returns it.
//
// The records are first allocated to the next batch number in one
// transaction; the file is then written to a temporary name, synced,
// renamed, the folder synced, and the file read back and checked; only
// then is the batch marked exported. If that fails (folder not writable,
// disk full), no file is left in dir and nothing is marked exported: the
// batch stays pending and the next Export writes it first, with the same
// number and contents.
//
// Export never replaces a file (P20). A file of the batch's name already in
// dir, or one that appears there while the batch is written, gets
// [batch.ErrExists] and the batch stays pending; the one exception is the
// file an earlier export of this pending batch put there before Chorus
// stopped, short of marking the batch exported: its size and checksums were
// recorded before the rename (see migration 007), so it is known for this
// device's complete file of the batch, kept as it is and marked exported. A batch is only made when there are responses,
// consents, declined or withdrawals to send; audit events go with the
// next one. With nothing new and nothing pending, Export returns
// [ErrNothingToExport].
func (s *Store) Export(ctx context.Context, dir string, opts ExportOptions) ([]ExportResult, error) {
	if err := batch.CheckFolder(dir); err != nil {
		return nil, err
	}
	dev, err := s.Device()
	if err != nil {
		return nil, err
	}
	pending, err := s.pendingBatches(ctx)
	if err != nil {
		return nil, err
	}
	var out []ExportResult
	for _, seq := range pending {
		r, err := s.writeBatch(ctx, dev, seq, dir, opts, false)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	seq, err := s.allocate(ctx, dev, opts)
	if errors.Is(err, ErrNothingToExport) && len(out) > 0 {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	r, err := s.writeBatch(ctx, dev, seq, dir, opts, false)
	if err != nil {
		return out, err
	}
	return append(out, r), nil
}

// Reexport writes exported batch seq again into dir, rebuilt from the
// database. The plaintext tar is rebuilt byte for byte and checked against
// the manifest's SHA-256 recorded when the batch was first written (the
// manifest holds every member's SHA-256, so the same manifest means the
// same tar: [batch.Write]); the age layer is
// new (age encryption is randomised), so the .tar.age file differs while
// everything the analyst's tools see after decryption is identical. If
// records of the batch were withdrawn since, the rebuild cannot match and
// Reexport fails with [ErrRebuildDiffers], leaving no file; once the
// analyst acknowledged it ([Store.Acknowledge]), with [ErrPurged].
func (s *Store) Reexport(ctx context.Context, seq int64, dir string, opts ExportOptions) (ExportResult, error) {
	if err := batch.CheckFolder(dir); err != nil {
		return ExportResult{}, err
	}
	dev, err := s.Device()
	if err != nil {
		return ExportResult{}, err
	}
	var exported sql.NullString
	err = s.db.QueryRowContext(ctx, `SELECT exported_at FROM batches WHERE seq = ?`, seq).Scan(&exported)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !exported.Valid) {
		return ExportResult{}, fmt.Errorf("%w: %d", ErrNoBatch, seq)
	}
	if err != nil {
		return ExportResult{}, err
	}
	if p, err := s.purged(ctx, seq); err != nil || p {
		if err == nil {
			err = fmt.Errorf("batch %d: %w", seq, ErrPurged)
		}
		return ExportResult{}, err
	}
	return s.writeBatch(ctx, dev, seq, dir, opts, true)
}

// Batches lists the device's batches, newest first.
func (s *Store) Batches(ctx context.Context) ([]BatchInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, batch_id, file_name, created_at, coalesce(exported_at, ''),
		coalesce(folder, ''), coalesce(counts, '{}'), coalesce(file_bytes, 0),
		CASE WHEN exported_at IS NULL THEN '' ELSE manifest_sha256 END
		FROM batches ORDER BY seq DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BatchInfo
	for rows.Next() {
		var b BatchInfo
		var created, exported, counts string
		if err := rows.Scan(&b.Seq, &b.BatchID, &b.FileName, &created, &exported, &b.Folder, &counts,
			&b.FileBytes, &b.ManifestSHA256); err != nil {
			return nil, err
		}
		if b.CreatedAt, err = ParseTime(created); err != nil {
			return nil, err
		}
		if exported != "" {
			if b.ExportedAt, err = ParseTime(exported); err != nil {
				return nil, err
			}
		}
		if err := json.Unmarshal([]byte(counts), &b.Counts); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Unexported counts what is waiting to leave the device: rows in no batch
// yet, and rows in batches allocated but never written (an export that
// failed, say, on a full stick), which the next [Store.Export] writes first.
func (s *Store) Unexported(ctx context.Context) (batch.Counts, error) {
	var c batch.Counts
	const waiting = ` WHERE batch_seq IS NULL OR batch_seq IN (SELECT seq FROM batches WHERE exported_at IS NULL))`
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM responses`+waiting+`,
		(SELECT count(*) FROM consents`+waiting+`,
		(SELECT count(*) FROM declined`+waiting+`,
		(SELECT count(*) FROM withdrawals`+waiting+`,
		(SELECT count(*) FROM audit`+waiting).
		Scan(&c.Responses, &c.Consents, &c.Declined, &c.Withdrawals, &c.Audit)
	return c, err
}

func (s *Store) pendingBatches(ctx context.Context) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq FROM batches WHERE exported_at IS NULL ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return nil, err
		}
		out = append(out, seq)
	}
	return out, rows.Err()
}

// exportTables are the tables whose rows a batch carries.
var exportTables = []string{"responses", "consents", "declined", "withdrawals", "audit"}

// allocate gives every unexported row the next batch number and records
// the batch, in one transaction.
func (s *Store) allocate(ctx context.Context, dev Device, opts ExportOptions) (int64, error) {
	rs, err := s.Recipients()
	if err != nil {
		return 0, err
	}
	texts := make([]string, len(rs))
	for i, r := range rs {
		texts[i] = r.Text
	}
	recipients, err := json.Marshal(texts)
	if err != nil {
		return 0, err
	}
	version := opts.AppVersion
	if version == "" {
		version = buildVersion()
	}
	id, err := uuid.NewV7()
	if err != nil {
		return 0, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var news bool
	if err := tx.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM responses WHERE batch_seq IS NULL) OR
		EXISTS (SELECT 1 FROM consents WHERE batch_seq IS NULL) OR
		EXISTS (SELECT 1 FROM declined WHERE batch_seq IS NULL) OR
		EXISTS (SELECT 1 FROM withdrawals WHERE batch_seq IS NULL)`).Scan(&news); err != nil {
		return 0, err
	}
	if !news {
		return 0, ErrNothingToExport
	}
	var seq int64
	var prev sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM batches`).Scan(&seq); err != nil {
		return 0, err
	}
	if seq > 1 {
		if err := tx.QueryRowContext(ctx, `SELECT manifest_sha256 FROM batches WHERE seq = ?`, seq-1).Scan(&prev); err != nil {
			return 0, err
		}
		if !prev.Valid {
			return 0, fmt.Errorf("batch %d has not been written yet", seq-1)
		}
	}
	now := s.clock()
	if _, err := tx.ExecContext(ctx, `INSERT INTO batches (seq, batch_id, file_name, created_at, created_offset,
		app_version, schema_version, recipients, prev_manifest_sha256, device_name, demo)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		seq, id.String(), batch.FileName(dev.ShortID(), seq), utc(now), offset(now),
		version, SchemaVersion(), string(recipients), prev.String, dev.Name, dev.Demo); err != nil {
		return 0, err
	}
	for _, t := range exportTables {
		if _, err := tx.ExecContext(ctx, `UPDATE `+t+` SET batch_seq = ? WHERE batch_seq IS NULL`, seq); err != nil {
			return 0, err
		}
	}
	var c batch.Counts
	if err := tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM responses WHERE batch_seq = ?1),
		(SELECT count(*) FROM consents WHERE batch_seq = ?1),
		(SELECT count(*) FROM declined WHERE batch_seq = ?1),
		(SELECT count(*) FROM withdrawals WHERE batch_seq = ?1),
		(SELECT count(*) FROM audit WHERE batch_seq = ?1),
		(SELECT count(DISTINCT survey_sha256) FROM responses WHERE batch_seq = ?1)`, seq).
		Scan(&c.Responses, &c.Consents, &c.Declined, &c.Withdrawals, &c.Audit, &c.Surveys); err != nil {
		return 0, err
	}
	counts, err := json.Marshal(c)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE batches SET counts = ? WHERE seq = ?`, string(counts), seq); err != nil {
		return 0, err
	}
	return seq, tx.Commit()
}

// buildVersion is this build's module version and VCS revision.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "chorus (unknown)"
	}
	v := "chorus " + info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

// readDSN is a read-only handle on the database in dir. An export reads
// through it in one transaction, a snapshot that the kiosk's writes do not
// disturb and that does not hold up the writer.
func readDSN(dir string) string {
	return fileURI(dir) + "?mode=ro&_busy_timeout=10000&_txlock=deferred"
}

// writeBatch builds batch seq from the database and writes it into dir.
// Unless reexport, it then marks the batch exported.
func (s *Store) writeBatch(ctx context.Context, dev Device, seq int64, dir string, opts ExportOptions, reexport bool) (ExportResult, error) {
	var (
		m                   batch.Manifest
		fileName, recipJSON string
		wantManifest        sql.NullString
	)
	err := s.db.QueryRowContext(ctx, `SELECT batch_id, file_name, created_at, app_version, schema_version, recipients,
		prev_manifest_sha256, coalesce(device_name, ''), demo,
		CASE WHEN exported_at IS NULL THEN NULL ELSE manifest_sha256 END FROM batches WHERE seq = ?`, seq).
		Scan(&m.BatchID, &fileName, &m.CreatedAt, &m.AppVersion, &m.SchemaVersion, &recipJSON,
			&m.PrevManifestSHA256, &m.DeviceName, &m.Demo, &wantManifest)
	if errors.Is(err, sql.ErrNoRows) {
		return ExportResult{}, fmt.Errorf("%w: %d", ErrNoBatch, seq)
	}
	if err != nil {
		return ExportResult{}, err
	}
	var texts []string
	if err := json.Unmarshal([]byte(recipJSON), &texts); err != nil {
		return ExportResult{}, fmt.Errorf("batch %d: recipients: %w", seq, err)
	}
	rs, err := seal.ParseRecipients(strings.Join(texts, "\n"))
	if err != nil {
		return ExportResult{}, fmt.Errorf("batch %d: %w", seq, err)
	}
	m.DeviceID, m.DevicePublicKey, m.Seq = dev.ID, dev.Key.Public, seq
	for _, r := range rs {
		m.RecipientFingerprints = append(m.RecipientFingerprints, r.Fingerprint())
	}

	ro, err := sql.Open("sqlite3", readDSN(s.dir))
	if err != nil {
		return ExportResult{}, err
	}
	defer ro.Close()
	tx, err := ro.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return ExportResult{}, err
	}
	defer tx.Rollback()
	src := &exportSource{tx: tx, seq: seq}
	if m.Surveys, err = src.surveyRefs(ctx); err != nil {
		return ExportResult{}, err
	}
	total, err := src.lines(ctx)
	if err != nil {
		return ExportResult{}, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM declined WHERE batch_seq = ?`, seq).Scan(&m.Counts.Declined); err != nil {
		return ExportResult{}, err
	}
	wopts := batch.WriteOptions{TempDir: s.dir}
	if opts.Progress != nil {
		wopts.Progress = func(done int64) {
			opts.Progress(ExportProgress{Seq: seq, Done: done, Total: max(total, done)})
		}
	}
	actor := opts.Staff
	if actor == "" {
		actor = "coordinator"
	}
	fopts := batch.FileOptions{CreateTemp: opts.CreateTemp, Rename: opts.Rename, SyncDir: opts.SyncDir}
	var res batch.Result
	if !reexport {
		// A file of the batch's name that this device put there before
		// it stopped, without marking the batch exported, is the batch;
		// any other file is never replaced (WriteFile refuses it).
		if out, ok, err := s.earlierFile(ctx, seq, m.BatchID, dir, fileName, opts.SyncDir); err != nil || ok {
			if err != nil {
				return ExportResult{}, fmt.Errorf("batch %d: %w", seq, err)
			}
			return out, s.markExported(ctx, out, dir, fileName, actor, " (the file was already there: Chorus had stopped before it could mark it exported)")
		}
		fopts.BeforeRename = func(sums batch.Sums) error { return s.recordBatchFile(ctx, seq, sums, res) }
	}
	written, err := batch.WriteFile(dir, fileName, fopts,
		func(w io.Writer) error {
			var err error
			res, err = batch.Write(ctx, w, m, src, dev.Key, rs, wopts)
			if err != nil {
				return err
			}
			if reexport && res.ManifestSHA256 != wantManifest.String {
				return s.rebuildError(ctx, seq)
			}
			return nil
		})
	if err != nil {
		return ExportResult{}, fmt.Errorf("batch %d: %w", seq, err)
	}
	tx.Rollback() // the snapshot is not needed any more
	out := ExportResult{
		Seq: seq, BatchID: m.BatchID, Path: written.Path, FileBytes: written.Bytes,
		ManifestSHA256: res.ManifestSHA256, Counts: res.Manifest.Counts,
	}
	if reexport {
		return out, s.Audit(ctx, actor, "batch.reexported", fmt.Sprintf("batch %d written again as %s", seq, fileName))
	}
	return out, s.markExported(ctx, out, dir, fileName, actor, "")
}

// recordBatchFile records, before the rename, the sums of the file of
// pending batch seq about to be put in place, and what it holds (see
// migration 007).
func (s *Store) recordBatchFile(ctx context.Context, seq int64, sums batch.Sums, res batch.Result) error {
	crcs, err := json.Marshal(sums.CRC32C)
	if err != nil {
		return err
	}
	counts, err := json.Marshal(res.Manifest.Counts)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO batch_files (batch_seq, bytes, crc32c, manifest_sha256, counts, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?)`, seq, sums.Bytes, string(crcs), res.ManifestSHA256, string(counts), utc(s.clock()))
	return err
}

// earlierFile looks for a file of pending batch seq's name in dir that this
// device put there itself: one whose size and checksums match a file
// recorded by [Store.recordBatchFile]. If there is one, it is this
// device's complete file of the batch (an export stopped after the rename,
// before marking the batch), and earlierFile syncs the folder and returns
// it with ok.
func (s *Store) earlierFile(ctx context.Context, seq int64, batchID, dir, fileName string, syncDir func(string) error) (out ExportResult, ok bool, err error) {
	path := filepath.Join(dir, fileName)
	if _, err := os.Lstat(path); err != nil {
		return out, false, nil // not there (or not to be seen): WriteFile finds out
	}
	rows, err := s.db.QueryContext(ctx, `SELECT bytes, crc32c, manifest_sha256, counts FROM batch_files
		WHERE batch_seq = ? ORDER BY rowid DESC`, seq)
	if err != nil {
		return out, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var sums batch.Sums
		var crcs, manifest, counts string
		if err := rows.Scan(&sums.Bytes, &crcs, &manifest, &counts); err != nil {
			return out, false, err
		}
		if err := json.Unmarshal([]byte(crcs), &sums.CRC32C); err != nil {
			return out, false, fmt.Errorf("batch_files: %w", err)
		}
		if !batch.Matches(path, sums) {
			continue
		}
		out = ExportResult{Seq: seq, BatchID: batchID, Path: path, FileBytes: sums.Bytes, ManifestSHA256: manifest}
		if err := json.Unmarshal([]byte(counts), &out.Counts); err != nil {
			return out, false, fmt.Errorf("batch_files: %w", err)
		}
		if syncDir == nil {
			syncDir = batch.SyncDir
		}
		if err := syncDir(dir); err != nil {
			return out, false, err
		}
		return out, true, nil
	}
	return out, false, rows.Err()
}

// markExported records that batch r.Seq was written and verified; note
// ends the audit entry.
func (s *Store) markExported(ctx context.Context, r ExportResult, dir, fileName, actor, note string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := s.clock()
	res, err := tx.ExecContext(ctx, `UPDATE batches SET manifest_sha256 = ?, file_bytes = ?,
		exported_at = ?, folder = ? WHERE seq = ? AND exported_at IS NULL`,
		r.ManifestSHA256, r.FileBytes, utc(now), dir, r.Seq)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("batch %d was marked exported meanwhile", r.Seq)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM batch_files WHERE batch_seq = ?`, r.Seq); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, actor, "batch.exported", fmt.Sprintf("batch %d written as %s%s", r.Seq, fileName, note)); err != nil {
		return err
	}
	return tx.Commit()
}

// rebuildError explains why a re-export does not match.
func (s *Store) rebuildError(ctx context.Context, seq int64) error {
	var n int
	s.db.QueryRowContext(ctx, `SELECT count(*) FROM withdrawals WHERE response_batch_seq = ?`, seq).Scan(&n)
	if n > 0 {
		return fmt.Errorf("%w: %d of its responses were withdrawn since, so only the original file has them", ErrRebuildDiffers, n)
	}
	return ErrRebuildDiffers
}
