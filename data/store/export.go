package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"chorus/data/batch"
	"chorus/data/seal"

	"github.com/google/uuid"
	"github.com/segmentio/asm/base64"
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
	if err := s.fillLineBytes(ctx); err != nil {
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
// Reexport fails with [ErrRebuildDiffers], leaving no file.
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
	if err := s.fillLineBytes(ctx); err != nil {
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
	// The big members' sizes, for every export of the batch (see
	// migration 005); none where a record's line size is not known yet.
	for _, name := range []string{batch.ResponsesMember, batch.ConsentsMember} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO batch_sizes (batch_seq, member, bytes, lines, first_seq, last_seq)
			SELECT ?1, ?2, bytes, sized, first_seq, last_seq FROM (`+memberTotals(memberQueries[name].table)+`)
			WHERE records > 0 AND sized = records`, seq, name); err != nil {
			return 0, err
		}
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
// disturb and that does not hold up the writer. The connection is used by
// one goroutine at a time (database/sql's, or the export's bulk reader
// inside Raw), so SQLite's own per-call mutex is left out (_mutex=no,
// SQLITE_OPEN_NOMUTEX): it took a tenth of an export's CPU.
func readDSN(dir string) string {
	return fileURI(dir) + "?mode=ro&_busy_timeout=10000&_txlock=deferred&_mutex=no"
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
	ro.SetMaxOpenConns(1)
	// One read transaction on one connection, so that the bulk reader
	// (which needs the connection: see bulkRows) shares its snapshot.
	tx, err := ro.Conn(ctx)
	if err != nil {
		return ExportResult{}, err
	}
	ended := false
	endRead := func() {
		if !ended {
			ended = true
			tx.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			tx.Close()
		}
	}
	defer endRead()
	if _, err := tx.ExecContext(ctx, "BEGIN"); err != nil {
		return ExportResult{}, err
	}
	if m.Surveys, err = batchSurveys(ctx, tx, seq); err != nil {
		return ExportResult{}, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM declined WHERE batch_seq = ?`, seq).Scan(&m.Counts.Declined); err != nil {
		return ExportResult{}, err
	}
	var progress batch.Progress
	if opts.Progress != nil {
		progress = func(done, total int64) { opts.Progress(ExportProgress{Seq: seq, Done: done, Total: total}) }
	}
	src, err := newExportSource(ctx, tx, seq)
	if err != nil {
		return ExportResult{}, err
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
			res, err = batch.Write(ctx, w, m, src, dev.Key, rs, progress)
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
	endRead()
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

// batchSurveyHashes is a WITH clause naming h(sha): the distinct survey
// hashes of batch ?1's responses. It hops from one hash to the next along
// the index on (batch_seq, survey_sha256, ...), one lookup per survey,
// where IN (SELECT survey_sha256 ...) read every response's index entry:
// 35 ms for 100,000 responses, three times an export.
const batchSurveyHashes = `WITH RECURSIVE h(sha) AS (
	SELECT (SELECT min(survey_sha256) FROM responses WHERE batch_seq = ?1)
	UNION ALL
	SELECT (SELECT min(survey_sha256) FROM responses WHERE batch_seq = ?1 AND survey_sha256 > h.sha)
	FROM h WHERE h.sha IS NOT NULL) `

// batchSurveys lists the surveys batch seq's responses were given to.
func batchSurveys(ctx context.Context, tx querier, seq int64) ([]batch.SurveyRef, error) {
	rows, err := tx.QueryContext(ctx, batchSurveyHashes+`SELECT survey_id, version, sha256 FROM surveys
		WHERE sha256 IN (SELECT sha FROM h) ORDER BY sha256`, seq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []batch.SurveyRef{}
	for rows.Next() {
		var r batch.SurveyRef
		if err := rows.Scan(&r.ID, &r.Version, &r.SHA256); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// exportSource reads one batch's records from a read transaction.
type exportSource struct {
	tx     querier
	seq    int64
	venues map[string][]byte   // session id -> venue
	ranges map[string]seqRange // of the sized members, found by Size
	// raw runs f with the driver connection of tx (see [sql.Conn.Raw]),
	// for [bulkRows]; nil when tx cannot offer it.
	raw func(f func(driverConn any) error) error
}

// querier is what an export reads through: a *sql.Tx, or the *sql.Conn
// of its read transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// newExportSource reads batch seq from tx.
func newExportSource(ctx context.Context, tx querier, seq int64) (*exportSource, error) {
	venues, err := sessionVenues(ctx, tx)
	src := &exportSource{tx: tx, seq: seq, venues: venues, ranges: map[string]seqRange{}}
	if c, ok := tx.(*sql.Conn); ok {
		src.raw = c.Raw
	}
	return src, err
}

// sessionVenues maps every session's id to its venue.
func sessionVenues(ctx context.Context, tx querier) (map[string][]byte, error) {
	out := map[string][]byte{}
	rows, err := tx.QueryContext(ctx, `SELECT id, venue FROM sessions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var venue []byte
		if err := rows.Scan(&id, &venue); err != nil {
			return nil, err
		}
		out[id] = venue
	}
	return out, rows.Err()
}

// lineWriter is where a sink writes its lines: a writer that lends the
// free end of its buffer, as bufio.Writer does, so that each line is
// encoded in place.
type lineWriter interface {
	io.Writer
	AvailableBuffer() []byte
}

// sink receives a member's lines, or only their sizes.
type sink struct {
	w            lineWriter // nil when sizing
	bytes, lines int64
	buf          []byte // reused when sizing
}

// lineBuf returns an empty slice to append the next line to.
func (k *sink) lineBuf() []byte {
	if k.w != nil {
		return k.w.AvailableBuffer()
	}
	return k.buf[:0]
}

// line takes a line appended to lineBuf.
func (k *sink) line(b []byte) error {
	k.bytes += int64(len(b))
	k.lines++
	if k.w == nil {
		k.buf = b
		return nil
	}
	_, err := k.w.Write(b)
	return err
}

// Size works out a member's size. The sizes of responses and consents
// are kept from when the batch was allocated (table batch_sizes), unless
// its records changed since; otherwise they are summed from the size of
// each record's line, kept from when it was saved. Records without one,
// and the other members, are encoded and counted.
func (e *exportSource) Size(ctx context.Context, name string) (int64, int64, error) {
	k := &sink{}
	if name == batch.SurveysMember {
		err := e.surveys(ctx, k)
		return k.bytes, k.lines, err
	}
	q, ok := memberQueries[name]
	if !ok {
		return 0, 0, fmt.Errorf("unknown member %q", name)
	}
	if !q.sized {
		err := e.encode(ctx, name, q, q.query(), k, seqRange{})
		return k.bytes, k.lines, err
	}
	// Worked out when the batch was allocated, if nothing changed since.
	var r seqRange
	err := e.tx.QueryRowContext(ctx, `SELECT bytes, lines, first_seq, last_seq FROM batch_sizes
		WHERE batch_seq = ? AND member = ?`, e.seq, name).Scan(&k.bytes, &k.lines, &r.lo, &r.hi)
	if err == nil {
		e.ranges[name] = r
		return k.bytes, k.lines, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, 0, err
	}
	// Otherwise summed, with the seq range, in one pass over the index.
	var all int64
	if err := e.tx.QueryRowContext(ctx, memberTotals(q.table), e.seq).
		Scan(&all, &k.bytes, &k.lines, &r.lo, &r.hi); err != nil {
		return 0, 0, err
	}
	e.ranges[name] = r
	if all == k.lines {
		return k.bytes, k.lines, nil
	}
	err = e.encode(ctx, name, q, "SELECT "+strings.Join(q.cols, ", ")+q.from+" AND "+q.alias+".line_bytes IS NULL"+q.order, k, r)
	return k.bytes, k.lines, err
}

// memberTotals is a query over the index of table for the rows of batch
// ?1: how many (records), their line sizes summed (bytes), how many have a
// line size (sized), and the lowest and highest seq (first_seq, last_seq;
// 0 and -1 for none). The index ends in the rowid, so one pass gives all.
func memberTotals(table string) string {
	return `SELECT count(*) AS records, coalesce(sum(line_bytes), 0) AS bytes, count(line_bytes) AS sized,
		coalesce(min(seq), 0) AS first_seq, coalesce(max(seq), -1) AS last_seq FROM ` + table + ` WHERE batch_seq = ?1`
}

// seqRange is the lowest and highest seq of a batch's rows in a table; lo
// > hi when it has none.
type seqRange struct{ lo, hi int64 }

// seqRange returns the range of seq numbers of member name's rows, as
// Size found it in the same transaction, or looks it up for a member Size
// was not asked about. Only sized members' queries use it.
func (e *exportSource) seqRange(ctx context.Context, name string, q *memberQuery) (seqRange, error) {
	if r, ok := e.ranges[name]; ok || !q.sized {
		return r, nil
	}
	var r seqRange
	var records, bytes, sized int64
	err := e.tx.QueryRowContext(ctx, memberTotals(q.table), e.seq).Scan(&records, &bytes, &sized, &r.lo, &r.hi)
	e.ranges[name] = r
	return r, err
}

func (e *exportSource) WriteMember(ctx context.Context, name string, w io.Writer) error {
	k := &sink{}
	flush := func() error { return nil }
	if lw, ok := w.(lineWriter); ok {
		k.w = lw
	} else {
		bw := bufio.NewWriterSize(w, 64<<10)
		k.w, flush = bw, bw.Flush
	}
	var err error
	if name == batch.SurveysMember {
		err = e.surveys(ctx, k)
	} else if q, ok := memberQueries[name]; !ok {
		err = fmt.Errorf("unknown member %q", name)
	} else if r, rerr := e.seqRange(ctx, name, q); rerr != nil {
		err = rerr
	} else if q.sized && e.raw != nil {
		err = e.bulkEncode(ctx, name, q, k, r)
	} else {
		err = e.encode(ctx, name, q, q.query(), k, r)
	}
	if err != nil {
		return err
	}
	return flush()
}

// memberQuery is how a data member is read: one SQL column per JSON field
// but the venue, which comes from the session id before it (and, for
// responses, a last column with the sealed payload, which goes out in
// base64 as "sealed"), the rest of the query (FROM, WHERE, GROUP BY) and
// the order of the records.
type memberQuery struct {
	cols   []string
	fields []field
	venue  int // the index in fields of the venue, -1 for none
	sealed bool
	// sized members' rows carry line_bytes (see migration 004), summed
	// from the index on (batch_seq, ..., line_bytes) of table.
	sized bool
	table string
	alias string // of the table in from
	from  string
	order string
}

func (q *memberQuery) query() string {
	return "SELECT " + strings.Join(q.cols, ", ") + q.from + q.order
}

// Each member's query and the JSON fields of its columns, in order. The
// lines are encoded without reflection; TestExportLinesAreCanonical checks
// that they are exactly what batch.AppendLine gives for the record types.
var memberQueries = map[string]*memberQuery{
	batch.ResponsesMember: {
		cols: []string{"r.id", "r.survey_id", "r.survey_version", "r.survey_sha256", "r.language", "r.mode",
			"r.interpreter_language", "coalesce(r.session_id, '')", "r.consent_id", "r.status",
			"r.started_at", "r.created_at", "r.created_offset", "r.sealed"},
		fields: fields("id", "survey_id", "#survey_version", "survey_sha256", "language", "mode",
			"interpreter_language", "session_id", "venue", "consent_id", "status", "started_at", "created_at", "#created_offset"),
		venue:  8,
		sealed: true,
		sized:  true,
		table:  "responses",
		alias:  "r",
		// The batch's rows are read in rowid (seq) order over the seq
		// range they span: through the batch_seq index they would come in
		// another order and SQLite would sort them, sealed payloads and
		// all, in a temporary b-tree. The unary + keeps the planner off
		// that index.
		// ?2 and ?3 are the lowest and highest seq of the batch's rows
		// ([exportSource.seqRange]).
		from:  ` FROM responses r WHERE r.seq BETWEEN ?2 AND ?3 AND +r.batch_seq = ?1`,
		order: ` ORDER BY r.seq`,
	},
	batch.ConsentsMember: {
		cols: []string{"c.id", "c.survey_id", "c.survey_version", "c.text_version", "c.text_sha256", "c.language",
			"c.format", "c.purposes", "c.how_given", "c.mode", "c.staff", "coalesce(c.session_id, '')",
			"c.device_id", "c.created_at", "c.created_offset"},
		fields: fields("id", "survey_id", "#survey_version", "text_version", "text_sha256", "language", "format", "{purposes",
			"how_given", "mode", "staff", "session_id", "venue", "device_id", "created_at", "#created_offset"),
		venue: 12,
		sized: true,
		table: "consents",
		alias: "c",
		// As for responses: in seq order without a sort.
		from:  ` FROM consents c WHERE c.seq BETWEEN ?2 AND ?3 AND +c.batch_seq = ?1`,
		order: ` ORDER BY c.seq`,
	},
	batch.DeclinedMember: {
		cols: []string{"d.survey_id", "d.survey_version", "d.language", "coalesce(d.session_id, '')",
			"d.day", "count(*)"},
		fields: fields("survey_id", "#survey_version", "language", "session_id", "venue", "day", "#count"),
		venue:  4,
		from: ` FROM declined d
			WHERE d.batch_seq = ?1 GROUP BY d.survey_id, d.survey_version, d.language, d.session_id, d.day`,
		order: ` ORDER BY min(d.seq)`,
	},
	batch.WithdrawalsMember: {
		cols:   []string{"id", "response_id", "consent_id", "staff", "created_at", "created_offset"},
		fields: fields("id", "response_id", "consent_id", "staff", "created_at", "#created_offset"),
		venue:  -1,
		from:   ` FROM withdrawals WHERE batch_seq = ?1`,
		order:  ` ORDER BY seq`,
	},
	batch.AuditMember: {
		cols:   []string{"id", "actor", "action", "detail", "created_at", "created_offset"},
		fields: fields("id", "actor", "action", "detail", "created_at", "#created_offset"),
		venue:  -1,
		from:   ` FROM audit WHERE batch_seq = ?1`,
		order:  ` ORDER BY seq`,
	},
}

// field is one key of a JSON line: a string, a number (#) or a JSON
// object stored as text ({).
type field struct {
	prefix string // `{"key":` or `,"key":`
	kind   byte   // 's', '#' or '{'
}

func fields(names ...string) []field {
	out := make([]field, len(names))
	for i, n := range names {
		kind := byte('s')
		if n[0] == '#' || n[0] == '{' {
			kind, n = n[0], n[1:]
		}
		sep := ","
		if i == 0 {
			sep = "{"
		}
		out[i] = field{prefix: sep + `"` + n + `":`, kind: kind}
	}
	return out
}

// appendFields appends a JSON object's fields, without the closing brace.
func appendFields(dst []byte, fs []field, vals []sql.RawBytes) ([]byte, error) {
	for i, f := range fs {
		dst = append(dst, f.prefix...)
		v := vals[i]
		switch f.kind {
		case 's':
			dst = batch.AppendJSONString(dst, v)
		case '#':
			if len(v) == 0 {
				return dst, fmt.Errorf("%s is not a number", f.prefix)
			}
			dst = append(dst, v...)
		case '{':
			if simpleFlags(v) {
				dst = append(dst, v...) // already as Compact gives it
				break
			}
			// Compacted straight onto the end of dst.
			b := bytes.NewBuffer(dst)
			if err := json.Compact(b, v); err != nil {
				return dst, fmt.Errorf("%s: %w", f.prefix, err)
			}
			dst = b.Bytes()
		}
	}
	return dst, nil
}

// simpleFlags reports whether v is a JSON object of true/false values
// under plain keys (ASCII letters, digits, _ and -), with no space: the
// consent purposes as a device saves them, e.g.
// {"quotes":false,"take_part":true}. json.Compact gives such text back
// unchanged, and checking the shape by hand is a tenth of its cost.
func simpleFlags(v []byte) bool {
	if len(v) < 2 || v[0] != '{' || v[len(v)-1] != '}' {
		return false
	}
	v = v[1 : len(v)-1]
	for len(v) > 0 {
		if v[0] != '"' {
			return false
		}
		i := 1
		for i < len(v) && (v[i] >= 'a' && v[i] <= 'z' || v[i] >= 'A' && v[i] <= 'Z' || v[i] >= '0' && v[i] <= '9' || v[i] == '_' || v[i] == '-') {
			i++
		}
		if i == 1 || i+1 >= len(v) || v[i] != '"' || v[i+1] != ':' {
			return false
		}
		v = v[i+2:]
		switch {
		case bytes.HasPrefix(v, []byte("true")):
			v = v[4:]
		case bytes.HasPrefix(v, []byte("false")):
			v = v[5:]
		default:
			return false
		}
		if len(v) > 0 {
			if v[0] != ',' || len(v) == 1 {
				return false
			}
			v = v[1:]
		}
	}
	return true
}

const sealedKey = `,"sealed":"`

// appendLine appends the JSON line of one record: vals holds one value per
// field, then the sealed payload if q has one.
func (q *memberQuery) appendLine(dst []byte, vals []sql.RawBytes) ([]byte, error) {
	dst, err := appendFields(dst, q.fields, vals)
	if err != nil {
		return dst, err
	}
	if q.sealed {
		dst = append(dst, sealedKey...)
		dst = appendBase64(dst, vals[len(q.fields)])
		dst = append(dst, '"')
	}
	return append(dst, '}', '\n'), nil
}

// appendBase64 appends src in standard base64, as encoding/base64 does,
// with segmentio/asm's AVX2 (or NEON) encoder: the sealed payloads are
// most of an export's bytes, and it encodes them 4.5 times as fast as
// encoding/base64 on this project's test machine. Without those
// instructions it is encoding/base64.
func appendBase64(dst, src []byte) []byte {
	n := len(dst)
	dst = slices.Grow(dst, base64.StdEncoding.EncodedLen(len(src)))
	dst = dst[:n+base64.StdEncoding.EncodedLen(len(src))]
	base64.StdEncoding.Encode(dst[n:], src)
	return dst
}

// lineBytes is the length of the line appendLine gives for vals: the
// stored line_bytes of a record.
func (q *memberQuery) lineBytes(vals []sql.RawBytes) (int64, error) {
	b, err := appendFields(nil, q.fields, vals)
	if err != nil {
		return 0, err
	}
	n := len(b) + len("}\n")
	if q.sealed {
		n += len(sealedKey) + base64.StdEncoding.EncodedLen(len(vals[len(q.fields)])) + len(`"`)
	}
	return int64(n), nil
}

// scanDest returns the values a row of q is scanned into (one per field,
// then the sealed payload) and the pointers to pass to Scan: all but the
// venue's, which [exportSource.encode] fills in from the session id.
func (q *memberQuery) scanDest() ([]sql.RawBytes, []any) {
	n := len(q.fields)
	if q.sealed {
		n++
	}
	vals := make([]sql.RawBytes, n)
	dest := make([]any, 0, n)
	for i := range vals {
		if i != q.venue {
			dest = append(dest, &vals[i])
		}
	}
	return vals, dest
}

// encode writes (or sizes) the lines of the records query returns, in
// the columns of q; a sized member's query reads the seq range r.
func (e *exportSource) encode(ctx context.Context, name string, q *memberQuery, query string, k *sink, r seqRange) error {
	args := []any{e.seq}
	if q.sized {
		args = append(args, r.lo, r.hi)
	}
	rows, err := e.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals, dest := q.scanDest()
	for rows.Next() {
		if k.lines%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := e.emit(name, q, vals, k); err != nil {
			return err
		}
	}
	return rows.Err()
}

// emit fills in the venue of a record's values (one per field of q, then
// its sealed payload) from its session id and writes its line to k.
func (e *exportSource) emit(name string, q *memberQuery, vals []sql.RawBytes, k *sink) error {
	if q.venue >= 0 {
		vals[q.venue] = e.venues[string(vals[q.venue-1])]
	}
	b, err := q.appendLine(k.lineBuf(), vals)
	if err != nil {
		return fmt.Errorf("%s line %d: %w", name, k.lines+1, err)
	}
	return k.line(b)
}

// bulkEncode is [exportSource.encode] for the members with many records,
// reading the rows through [bulkRows] on the connection of the export's
// transaction. The rows are read on this goroutine and encoded on another,
// a chunk at a time, so that reading and encoding share the CPUs. Where
// that connection offers no SQLite handle it falls back to encode.
func (e *exportSource) bulkEncode(ctx context.Context, name string, q *memberQuery, k *sink, r seqRange) error {
	fallback := false
	err := e.raw(func(dc any) error {
		db, err := sqliteHandle(dc)
		if err != nil {
			fallback = true
			return nil
		}
		rows, err := newBulkRows(db, q.query(), e.seq, r.lo, r.hi)
		if err != nil {
			return err
		}
		defer rows.close()
		const chunks = 3
		full := make(chan bulkChunk, chunks)
		free := make(chan []byte, chunks)
		for range chunks {
			free <- make([]byte, bulkBufferSize)
		}
		failed := make(chan struct{})
		encoded := make(chan error, 1)
		go func() {
			var err error
			for c := range full {
				if err == nil {
					if err = e.encodeChunk(name, q, c, rows.ncol, k); err != nil {
						close(failed)
					}
				}
				free <- c.buf[:cap(c.buf)]
			}
			encoded <- err
		}()
		var readErr error
	read:
		for {
			buf := <-free
			c, err := rows.fill(ctx, buf)
			if err != nil {
				readErr = err
				break
			}
			if c.rows == 0 {
				break
			}
			select {
			case full <- c:
			case <-failed:
				break read
			}
		}
		close(full)
		if err := <-encoded; err != nil {
			return err
		}
		return readErr
	})
	if fallback {
		return e.encode(ctx, name, q, q.query(), k, r)
	}
	return err
}

// encodeChunk writes the lines of the rows in c, which has ncol columns:
// those of q but the venue.
func (e *exportSource) encodeChunk(name string, q *memberQuery, c bulkChunk, ncol int, k *sink) error {
	vals, _ := q.scanDest()
	if ncol+1 != len(vals) {
		return fmt.Errorf("%s: %d columns, want %d", name, ncol, len(vals)-1)
	}
	return c.each(ncol, func(row []sql.RawBytes) error {
		copy(vals, row[:q.venue])
		copy(vals[q.venue+1:], row[q.venue:])
		return e.emit(name, q, vals, k)
	})
}

func (e *exportSource) surveys(ctx context.Context, k *sink) error {
	rows, err := e.tx.QueryContext(ctx, batchSurveyHashes+`SELECT sha256, survey_id, version, body FROM surveys
		WHERE sha256 IN (SELECT sha FROM h) ORDER BY sha256`, e.seq)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var d batch.SurveyDef
		if err := rows.Scan(&d.SHA256, &d.ID, &d.Version, &d.Body); err != nil {
			return err
		}
		b, err := batch.AppendLine(k.lineBuf(), &d)
		if err != nil {
			return err
		}
		if err := k.line(b); err != nil {
			return err
		}
	}
	return rows.Err()
}

// lineValues turns a record's values, one per field of q and then its
// sealed payload, into what an export reads back for them from SQLite.
func lineValues(vs ...any) []sql.RawBytes {
	out := make([]sql.RawBytes, len(vs))
	for i, v := range vs {
		switch v := v.(type) {
		case string:
			out[i] = []byte(v)
		case []byte:
			out[i] = v
		case int:
			out[i] = strconv.AppendInt(nil, int64(v), 10)
		case int64:
			out[i] = strconv.AppendInt(nil, v, 10)
		default:
			panic(fmt.Sprintf("lineValues: %T", v))
		}
	}
	return out
}

// fillLineBytes works out line_bytes for the responses and consents that
// have none (saved before schema 4, or changed since), a thousand to a
// transaction, so that exports can sum sizes.
func (s *Store) fillLineBytes(ctx context.Context) error {
	for _, member := range []string{batch.ResponsesMember, batch.ConsentsMember} {
		q := memberQueries[member]
		for {
			n, err := s.fillLineBytesChunk(ctx, q, 1000)
			if err != nil {
				return fmt.Errorf("%s: line sizes: %w", q.table, err)
			}
			if n == 0 {
				break
			}
		}
	}
	return nil
}

// fillLineBytesChunk fills in up to limit rows of q's table and says how
// many.
func (s *Store) fillLineBytesChunk(ctx context.Context, q *memberQuery, limit int) (int, error) {
	table := q.table
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+q.alias+`.seq, `+strings.Join(q.cols, ", ")+` FROM `+table+` `+q.alias+`
		WHERE `+q.alias+`.line_bytes IS NULL ORDER BY `+q.alias+`.seq LIMIT ?`, limit)
	if err != nil {
		return 0, err
	}
	venues, err := sessionVenues(ctx, tx)
	if err != nil {
		return 0, err
	}
	type sized struct{ seq, bytes int64 }
	var done []sized
	vals, dest := q.scanDest()
	var seq int64
	dest = append([]any{&seq}, dest...)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return 0, err
		}
		vals[q.venue] = venues[string(vals[q.venue-1])]
		n, err := q.lineBytes(vals)
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("row %d: %w", seq, err)
		}
		done = append(done, sized{seq, n})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(done) == 0 {
		return 0, nil
	}
	stmt, err := tx.PrepareContext(ctx, `UPDATE `+table+` SET line_bytes = ? WHERE seq = ?`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	for _, d := range done {
		if _, err := stmt.ExecContext(ctx, d.bytes, d.seq); err != nil {
			return 0, err
		}
	}
	return len(done), tx.Commit()
}
