package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"chorus/data/seal"
)

// WipeFormat is the format name a wipe report carries.
const WipeFormat = "chorus-wipe/1"

// WaitingError is [Store.Wipe]'s refusal while responses (or consent
// records, declined taps, withdrawals) are still waiting to export:
// wiping would lose them. It says how many, and in which batches.
type WaitingError struct {
	// Responses, Consents, Declined and Withdrawals wait to export.
	Responses, Consents, Declined, Withdrawals int64
	// Unbatched is how many of the responses are in no batch yet.
	Unbatched int64
	// Pending are the batches allocated but never written, with how many
	// of the responses each holds.
	Pending []PendingBatch
}

// PendingBatch is a batch allocated but never written, and how many
// responses it holds.
type PendingBatch struct {
	Seq       int64
	Responses int64
}

func (e *WaitingError) Error() string {
	var where []string
	for _, p := range e.Pending {
		where = append(where, fmt.Sprintf("%d in batch %d, which was started but never written", p.Responses, p.Seq))
	}
	if e.Unbatched > 0 {
		where = append(where, fmt.Sprintf("%d not yet in a batch", e.Unbatched))
	}
	msg := fmt.Sprintf("%d responses are still waiting to export", e.Responses)
	if len(where) > 0 {
		msg += " (" + strings.Join(where, "; ") + ")"
	}
	if e.Responses == 0 {
		msg = fmt.Sprintf("%d consent records, %d declined and %d withdrawals are still waiting to export",
			e.Consents, e.Declined, e.Withdrawals)
	}
	return msg + ": export them first, or they are lost"
}

// WipeOptions tune [Store.Wipe].
type WipeOptions struct {
	// Force wipes even what waits to export (it is lost).
	Force bool
}

// WipeReport says what [Store.Wipe] destroyed. WipedAt is zero when
// nothing was. It holds counts, batch
// numbers, the laptop's name and fingerprint and key fingerprints: never
// an answer, a receipt code, a PIN or a key.
type WipeReport struct {
	Format            string    `json:"format"`
	DeviceName        string    `json:"device_name"`
	DeviceID          string    `json:"device_id"`
	DeviceFingerprint string    `json:"device_fingerprint"`
	Demo              bool      `json:"demo"`
	WipedAt           time.Time `json:"wiped_at"`
	// Forced: the wipe went ahead with Lost still waiting to export.
	Forced bool        `json:"forced"`
	Lost   WaitingLost `json:"lost_not_exported"`

	// Responses is how many response rows were deleted; SealedAnswers how
	// many of them still held their sealed answers (the others' answers
	// were deleted before, after the analyst confirmed their batch).
	Responses     int64 `json:"responses"`
	SealedAnswers int64 `json:"sealed_answers"`
	Consents      int64 `json:"consent_records"`
	Declined      int64 `json:"declined"`
	Withdrawals   int64 `json:"withdrawals"`
	AuditEvents   int64 `json:"audit_events"`
	Staff         int64 `json:"staff"`
	Sessions      int64 `json:"sessions"`
	Surveys       int64 `json:"surveys"`
	// AnalystKeys are the fingerprints of the analyst public keys that were
	// deleted; the laptop's own signing key was deleted too.
	AnalystKeys []string `json:"analyst_keys"`
	// Batches are the batches this laptop made, oldest first.
	Batches []WipedBatch `json:"batches"`
	// Backups are the copies [Store.BackupTo] wrote.
	Backups []WipedBackup `json:"backups"`
	// Files are the files and folders removed from the data folder.
	Files []string `json:"files"`
}

// WaitingLost is what a forced wipe destroyed before it was exported.
type WaitingLost struct {
	Responses   int64 `json:"responses"`
	Consents    int64 `json:"consent_records"`
	Declined    int64 `json:"declined"`
	Withdrawals int64 `json:"withdrawals"`
}

// WipedBatch is one batch in a [WipeReport].
type WipedBatch struct {
	Seq      int64  `json:"seq"`
	FileName string `json:"file_name"`
	Exported bool   `json:"exported"`
	// Responses is how many responses the batch carried; SealedAnswers
	// how many of them still had their answers on the laptop.
	Responses     int64 `json:"responses"`
	SealedAnswers int64 `json:"sealed_answers"`
	// Acknowledged: the analyst had confirmed the batch merged (package
	// ack) and its answers were already deleted.
	Acknowledged bool `json:"acknowledged"`
}

// WipedBackup is one backup in a [WipeReport].
type WipedBackup struct {
	Path      string `json:"path"`
	Destroyed bool   `json:"destroyed"`
	// Problem says why it was not destroyed (not found: a stick not
	// plugged in, say); destroy it by hand.
	Problem string `json:"problem,omitempty"`
}

// wipePurged, when set (by tests), is called with the data folder after
// the rows are deleted and the store closed, before the files go: the
// moment to check that the deletion itself left nothing.
var wipePurged func(dir string)

// Wipe destroys this laptop's Chorus data at the end of a project and
// closes the store; s cannot be used afterwards. It refuses with a
// [*WaitingError] while responses, consent records, declined taps or
// withdrawals are waiting to export, unless opts.Force.
//
// The deletion is real in the way [Store.Withdraw]'s is: every row of
// every table (sealed answers, consent records, tallies, the audit log,
// staff and their PIN hashes, the laptop's signing key, the analyst's
// public keys) is deleted in one transaction with secure_delete on, so
// SQLite overwrites the cells and pages that held them with zeros; the
// write-ahead log is checkpointed and truncated; the store is closed;
// then chorus.db and its -wal and -shm files are overwritten with zeros,
// synced and removed, as are chorus.lock and the installed audio. The
// folder itself goes when nothing else is in it. Backups recorded by
// [Store.BackupTo] are overwritten and removed where they can be found;
// the report names those that could not.
//
// The tallies go too: the analyst holds them in the merged batches, and
// the report keeps the totals.
func (s *Store) Wipe(ctx context.Context, opts WipeOptions) (WipeReport, error) {
	rep, err := s.wipeReport(ctx)
	if err != nil {
		return rep, err
	}
	var waiting *WaitingError
	if werr := s.waiting(ctx); errors.As(werr, &waiting) {
		if !opts.Force {
			return rep, werr
		}
		rep.Forced = true
		rep.Lost = WaitingLost{Responses: waiting.Responses, Consents: waiting.Consents,
			Declined: waiting.Declined, Withdrawals: waiting.Withdrawals}
	} else if werr != nil {
		return rep, werr
	}
	backups, err := s.backupPaths(ctx)
	if err != nil {
		return rep, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback()
	// Every table, those of later versions too; the foreign keys are
	// checked at the commit, when every table is empty.
	if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return rep, err
	}
	var tables []string
	trows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return rep, err
	}
	for trows.Next() {
		var t string
		if err := trows.Scan(&t); err != nil {
			trows.Close()
			return rep, err
		}
		tables = append(tables, t)
	}
	trows.Close()
	if err := trows.Err(); err != nil {
		return rep, err
	}
	for _, t := range tables {
		if _, err := tx.ExecContext(ctx, `DELETE FROM "`+strings.ReplaceAll(t, `"`, `""`)+`"`); err != nil {
			return rep, fmt.Errorf("wipe %s: %w", t, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return rep, err
	}
	// From here on the rows are gone: a report with WipedAt set says so,
	// whatever error follows.
	rep.WipedAt = s.clock().UTC().Truncate(time.Second)
	if err := s.Checkpoint(); err != nil {
		return rep, err
	}
	for _, p := range backups {
		b := WipedBackup{Path: p}
		if err := destroyBackup(p); err != nil {
			b.Problem = err.Error()
		} else {
			b.Destroyed = true
		}
		rep.Backups = append(rep.Backups, b)
	}
	if err := s.Close(); err != nil {
		return rep, err
	}
	if wipePurged != nil {
		wipePurged(s.dir)
	}
	files, err := removeDataFolder(s.dir)
	rep.Files = files
	return rep, err
}

// waiting returns a [*WaitingError] when anything but audit events waits
// to export, nil when nothing does.
func (s *Store) waiting(ctx context.Context) error {
	n, err := s.Unexported(ctx)
	if err != nil {
		return err
	}
	if n.Responses == 0 && n.Consents == 0 && n.Declined == 0 && n.Withdrawals == 0 {
		return nil
	}
	e := &WaitingError{Responses: n.Responses, Consents: n.Consents, Declined: n.Declined, Withdrawals: n.Withdrawals}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM responses WHERE batch_seq IS NULL`).Scan(&e.Unbatched); err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT b.seq, count(r.seq) FROM batches b LEFT JOIN responses r ON r.batch_seq = b.seq
		WHERE b.exported_at IS NULL GROUP BY b.seq ORDER BY b.seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p PendingBatch
		if err := rows.Scan(&p.Seq, &p.Responses); err != nil {
			return err
		}
		e.Pending = append(e.Pending, p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return e
}

// CheckWipe reports, changing nothing, the [*WaitingError] [Store.Wipe]
// would refuse with, or nil: so a screen can say so before it asks.
func (s *Store) CheckWipe(ctx context.Context) error { return s.waiting(ctx) }

// wipeReport counts what a wipe is about to destroy.
func (s *Store) wipeReport(ctx context.Context) (WipeReport, error) {
	rep := WipeReport{Format: WipeFormat, AnalystKeys: []string{}, Batches: []WipedBatch{}, Backups: []WipedBackup{}}
	var pub []byte
	err := s.db.QueryRowContext(ctx, `SELECT device_id, name, public_key, demo FROM device WHERE id = 1`).
		Scan(&rep.DeviceID, &rep.DeviceName, &pub, &rep.Demo)
	if errors.Is(err, sql.ErrNoRows) {
		return rep, ErrNoDevice
	}
	if err != nil {
		return rep, err
	}
	rep.DeviceFingerprint = seal.Fingerprint(string(pub))
	err = s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM responses), (SELECT count(*) FROM responses WHERE length(sealed) > 0),
		(SELECT count(*) FROM consents), (SELECT count(*) FROM declined), (SELECT count(*) FROM withdrawals),
		(SELECT count(*) FROM audit), (SELECT count(*) FROM staff), (SELECT count(*) FROM sessions),
		(SELECT count(*) FROM surveys)`).Scan(&rep.Responses, &rep.SealedAnswers, &rep.Consents, &rep.Declined,
		&rep.Withdrawals, &rep.AuditEvents, &rep.Staff, &rep.Sessions, &rep.Surveys)
	if err != nil {
		return rep, err
	}
	rs, err := s.Recipients()
	if err != nil {
		return rep, err
	}
	for _, r := range rs {
		rep.AnalystKeys = append(rep.AnalystKeys, r.Fingerprint())
	}
	rows, err := s.db.QueryContext(ctx, `SELECT b.seq, b.file_name, b.exported_at IS NOT NULL,
		count(r.seq), count(CASE WHEN length(r.sealed) > 0 THEN 1 END)
		FROM batches b LEFT JOIN responses r ON r.batch_seq = b.seq GROUP BY b.seq ORDER BY b.seq`)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	for rows.Next() {
		var b WipedBatch
		if err := rows.Scan(&b.Seq, &b.FileName, &b.Exported, &b.Responses, &b.SealedAnswers); err != nil {
			return rep, err
		}
		b.Acknowledged = b.Exported && b.Responses > 0 && b.SealedAnswers == 0
		rep.Batches = append(rep.Batches, b)
	}
	return rep, rows.Err()
}

// backupPaths are the backups [Store.BackupTo] recorded, oldest first.
func (s *Store) backupPaths(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT path FROM backups ORDER BY written_at, path`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// backupName is the name [Store.BackupTo] gives a backup.
var backupName = regexp.MustCompile(`^chorus-backup-\d{8}T\d{6}Z\.db$`)

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// destroyBackup overwrites and removes the backup at path, after checking
// it is still one: a Chorus backup's name and a SQLite file.
func destroyBackup(path string) error {
	if !backupName.MatchString(filepath.Base(path)) {
		return errors.New("not a Chorus backup's name; left alone")
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("not found (on a stick not plugged in?): destroy it by hand")
	}
	if err != nil {
		return err
	}
	head := make([]byte, len(sqliteHeader))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || !bytes.Equal(head, sqliteHeader) {
		return errors.New("not a database file; left alone")
	}
	return shred(path)
}

// shred overwrites the regular file at path with zeros, syncs it, and
// removes it. On a disk that remaps writes (SSDs, copy-on-write file
// systems) the old blocks may survive; docs/RETENTION.md says so.
func shred(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	zeros := make([]byte, 64<<10)
	for left := fi.Size(); left > 0; {
		n := min(left, int64(len(zeros)))
		if _, err := f.Write(zeros[:n]); err != nil {
			f.Close()
			return err
		}
		left -= n
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Remove(path)
}

// removeDataFolder shreds the files Chorus keeps in dir, removes its audio
// and the lock, then dir itself if nothing else is in it. It returns what
// it removed.
func removeDataFolder(dir string) ([]string, error) {
	var removed []string
	for _, name := range []string{DBName, DBName + "-wal", DBName + "-shm", DBName + "-journal"} {
		p := filepath.Join(dir, name)
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := shred(p); err != nil {
			return removed, err
		}
		removed = append(removed, p)
	}
	audio := filepath.Join(dir, "audio")
	if _, err := os.Lstat(audio); err == nil {
		if err := os.RemoveAll(audio); err != nil {
			return removed, err
		}
		removed = append(removed, audio+string(filepath.Separator))
	}
	lock := filepath.Join(dir, "chorus.lock")
	if err := os.Remove(lock); err == nil {
		removed = append(removed, lock)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return removed, err
	}
	if err := os.Remove(dir); err == nil {
		removed = append(removed, dir+string(filepath.Separator))
	} // a folder with other files in it stays
	return removed, nil
}

// WriteWipeReport writes rep as JSON into the folder dir, named
// chorus-wipe-DEVICE-YYYYMMDDTHHMMSSZ.json, and returns its path. It
// never replaces a file.
func WriteWipeReport(dir string, rep WipeReport) (string, error) {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return "", err
	}
	name := fmt.Sprintf("chorus-wipe-%s-%s.json", shortID(rep.DeviceID), rep.WipedAt.UTC().Format("20060102T150405Z"))
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", fmt.Errorf("cannot write the wipe report: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		os.Remove(path)
		return "", fmt.Errorf("cannot write the wipe report: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

// Text is the report in plain words, one fact a line, as `chorus wipe`
// prints it.
func (rep WipeReport) Text() string {
	var b strings.Builder
	kind := ""
	if rep.Demo {
		kind = " (demo)"
	}
	fmt.Fprintf(&b, "Chorus wipe report\n")
	fmt.Fprintf(&b, "laptop:           %s%s\n", rep.DeviceName, kind)
	fmt.Fprintf(&b, "fingerprint:      %s\n", rep.DeviceFingerprint)
	fmt.Fprintf(&b, "device id:        %s\n", rep.DeviceID)
	fmt.Fprintf(&b, "wiped at:         %s\n", rep.WipedAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "responses:        %d deleted (%d still held sealed answers)\n", rep.Responses, rep.SealedAnswers)
	fmt.Fprintf(&b, "consent records:  %d deleted\n", rep.Consents)
	fmt.Fprintf(&b, "declined:         %d deleted\n", rep.Declined)
	fmt.Fprintf(&b, "withdrawals:      %d deleted\n", rep.Withdrawals)
	fmt.Fprintf(&b, "audit events:     %d deleted\n", rep.AuditEvents)
	fmt.Fprintf(&b, "staff:            %d deleted, with their PINs\n", rep.Staff)
	fmt.Fprintf(&b, "sessions:         %d deleted\n", rep.Sessions)
	fmt.Fprintf(&b, "keys:             this laptop's signing key deleted; analyst keys removed: %s\n", strings.Join(rep.AnalystKeys, " "))
	if rep.Forced {
		fmt.Fprintf(&b, "NOT EXPORTED, LOST: %d responses, %d consent records, %d declined, %d withdrawals\n",
			rep.Lost.Responses, rep.Lost.Consents, rep.Lost.Declined, rep.Lost.Withdrawals)
	}
	for _, bt := range rep.Batches {
		state := "exported"
		switch {
		case !bt.Exported:
			state = "never written"
		case bt.Acknowledged:
			state = "exported, merge confirmed by the analyst"
		}
		fmt.Fprintf(&b, "batch %d:          %s, %s, %d responses (%d with answers still here)\n",
			bt.Seq, bt.FileName, state, bt.Responses, bt.SealedAnswers)
	}
	for _, bk := range rep.Backups {
		if bk.Destroyed {
			fmt.Fprintf(&b, "backup destroyed: %s\n", bk.Path)
		} else {
			fmt.Fprintf(&b, "BACKUP NOT DESTROYED: %s: %s\n", bk.Path, bk.Problem)
		}
	}
	for _, f := range rep.Files {
		fmt.Fprintf(&b, "removed:          %s\n", f)
	}
	return b.String()
}

// WipeConfirmed reports whether typed is the laptop's name, as the
// deliberate step before a wipe: spaces around it and the case of its
// letters do not matter; an empty name never matches.
func WipeConfirmed(name, typed string) bool {
	name, typed = strings.TrimSpace(name), strings.TrimSpace(typed)
	return name != "" && strings.EqualFold(name, typed)
}
