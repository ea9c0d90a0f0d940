package central

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"chorus/data/batch"
	"chorus/data/seal"
)

// Device statuses in the register.
const (
	// Enrolled devices' batches are merged.
	Enrolled = "enrolled"
	// Quarantined devices sent a batch before anyone enrolled them;
	// nothing of theirs is merged.
	Quarantined = "quarantined"
	// Retired devices were enrolled once; their merged data stays, their
	// further batches are refused.
	Retired = "retired"
)

// Enrolment errors.
var (
	// ErrNotEnrolled is returned by merge for a batch signed by a key that
	// is not enrolled; see [NotEnrolledError].
	ErrNotEnrolled = errors.New("device not enrolled")
	// ErrRetired is returned by merge for a batch of a retired device.
	ErrRetired = errors.New("device retired")
	// ErrFingerprint is returned for text that is not a fingerprint.
	ErrFingerprint = errors.New("not a device fingerprint")
	// ErrUnknownDevice is returned by [DB.Retire] for a fingerprint the
	// register does not hold.
	ErrUnknownDevice = errors.New("no such device")
)

// NotEnrolledError says a batch was quarantined, and names its device so
// the analyst can check it with the coordinator.
type NotEnrolledError struct {
	Fingerprint string
	DeviceID    string
	Name        string // as the batch names its device
	// Claims is set when the batch's device id or name is that of an
	// enrolled device with another key: a copy, or a forgery.
	Claims string
}

func (e *NotEnrolledError) Error() string {
	s := fmt.Sprintf("%v: batch quarantined, nothing merged: device %q (id %s), key fingerprint %s",
		ErrNotEnrolled, e.Name, batch.DeviceShort(e.DeviceID), e.Fingerprint)
	if e.Claims != "" {
		s += "; " + e.Claims
	}
	return s
}

func (e *NotEnrolledError) Unwrap() error { return ErrNotEnrolled }

// Device is an entry of the device register.
type Device struct {
	Fingerprint string
	Status      string
	Name        string // as enrolled, or as its batches name it
	ClaimedName string // as its batches name it ("" before any)
	DeviceID    string // "" before its first batch
	FirstSeenAt string
	ChangedAt   string
	LastFile    string // its last batch file refused while quarantined
	Quarantined int64  // batch files refused while it was not enrolled
	Note        string
	// From the merged data.
	Batches, HighestSeq, Responses int64
}

// ParseFingerprint reads a device key fingerprint as people copy it:
// any case, with or without the dashes, spaces around. It returns the
// canonical form, e.g. "K3QF-7XMA-2PLD-4RTE".
func ParseFingerprint(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		switch {
		case r == '-' || r == ' ':
		case (r >= 'A' && r <= 'Z') || (r >= '2' && r <= '7'):
			b.WriteRune(r)
		default:
			return "", fmt.Errorf("%w: %q has %q; a fingerprint is 16 letters A-Z and digits 2-7, like K3QF-7XMA-2PLD-4RTE", ErrFingerprint, s, r)
		}
	}
	f := b.String()
	if len(f) != 16 {
		return "", fmt.Errorf("%w: %q has %d letters and digits, want 16, like K3QF-7XMA-2PLD-4RTE", ErrFingerprint, s, len(f))
	}
	return f[0:4] + "-" + f[4:8] + "-" + f[8:12] + "-" + f[12:16], nil
}

// ListEntry is a line of an enrolment list.
type ListEntry struct {
	Line        int
	Fingerprint string
	Name        string
}

// ParseList reads an enrolment list: one device a line, its fingerprint,
// then optionally its name (as `chorus fingerprint` prints it); blank
// lines and lines starting with # are ignored. Errors name the file
// and line. A fingerprint given twice is an error.
func ParseList(name string, r io.Reader) ([]ListEntry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	var out []ListEntry
	seen := map[string]int{}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		// The fingerprint is its first 19 characters, or its first
		// field when written without dashes.
		fpText, rest := text, ""
		if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
			fpText, rest = text[:i], strings.TrimSpace(text[i:])
		}
		fp, err := ParseFingerprint(fpText)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		if first, dup := seen[fp]; dup {
			return nil, fmt.Errorf("%s line %d: fingerprint %s is already on line %d", name, line, fp, first)
		}
		seen[fp] = line
		out = append(out, ListEntry{Line: line, Fingerprint: fp, Name: rest})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s line %d: %w", name, line+1, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no fingerprints in it", name)
	}
	return out, nil
}

// EnrolResult says what [DB.Enrol] did with one fingerprint.
type EnrolResult struct {
	Device
	// Was is the status before: "" for a fingerprint not seen before.
	Was string
}

// Summary is a line for people.
func (r EnrolResult) Summary() string {
	name := r.Name
	if name == "" {
		name = "(no name yet)"
	}
	switch r.Was {
	case Enrolled:
		return fmt.Sprintf("%s %s: already enrolled; nothing changed", r.Fingerprint, name)
	case Quarantined:
		s := fmt.Sprintf("%s %s: enrolled (device %s)", r.Fingerprint, name, batch.DeviceShort(r.DeviceID))
		if r.LastFile != "" {
			s += fmt.Sprintf("; %d batch file(s) were quarantined, the last %s: merge them again", r.Quarantined, r.LastFile)
		}
		return s
	}
	return fmt.Sprintf("%s %s: enrolled; its batches will merge when they arrive", r.Fingerprint, name)
}

// Enrol enrols the device key with fingerprint fp (as [ParseFingerprint]
// reads it), so that its batches merge from now on. name is what the
// analyst calls it ("" keeps the name its batches give). A quarantined
// device becomes enrolled; a fingerprint not seen yet is enrolled ahead
// of its first batch. A retired device cannot be enrolled again, nor a
// key whose batches claim the device id of another enrolled key. note
// records how it was enrolled.
func (c *DB) Enrol(ctx context.Context, fp, name, note string) (EnrolResult, error) {
	fp, err := ParseFingerprint(fp)
	if err != nil {
		return EnrolResult{}, err
	}
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return EnrolResult{}, err
	}
	defer tx.Rollback()
	if err := c.lock(ctx, tx); err != nil {
		return EnrolResult{}, err
	}
	d, err := device(ctx, tx, fp)
	res := EnrolResult{Device: d, Was: d.Status}
	switch {
	case errors.Is(err, ErrUnknownDevice):
		res.Device = Device{Fingerprint: fp, Status: Enrolled, Name: name}
		if _, err := tx.ExecContext(ctx, `INSERT INTO enrolment (fingerprint, status, name, changed_at, note) VALUES (?, ?, ?, ?, ?)`,
			fp, Enrolled, name, c.now(), note); err != nil {
			return res, err
		}
		return res, tx.Commit()
	case err != nil:
		return res, err
	case d.Status == Enrolled:
		return res, nil
	case d.Status == Retired:
		return res, fmt.Errorf("%w: %s (%s) was retired on %s and cannot be enrolled again; set the laptop up as a new device",
			ErrRetired, fp, d.Name, d.ChangedAt)
	}
	// Quarantined: its batches named a device id. That id must not be
	// another enrolled key's.
	if other, err := deviceByID(ctx, tx, d.DeviceID); err == nil && other.Fingerprint != fp {
		return res, fmt.Errorf("%w: %s claims device id %s, which belongs to %s %q (%s); a reinstalled laptop must be set up as a new device",
			ErrKeyChanged, fp, batch.DeviceShort(d.DeviceID), other.Status, other.Name, other.Fingerprint)
	} else if err != nil && !errors.Is(err, ErrUnknownDevice) {
		return res, err
	}
	if name == "" {
		name = d.Name
	}
	res.Status, res.Name = Enrolled, name
	if _, err := tx.ExecContext(ctx, `UPDATE enrolment SET status = ?, name = ?, changed_at = ?, note = ? WHERE fingerprint = ?`,
		Enrolled, name, c.now(), note, fp); err != nil {
		return res, err
	}
	return res, tx.Commit()
}

// Retire stops further batches of the device with fingerprint fp from
// merging; what was merged stays. A quarantined device may be retired
// too, so that it is not enrolled by mistake later.
func (c *DB) Retire(ctx context.Context, fp, note string) (Device, error) {
	fp, err := ParseFingerprint(fp)
	if err != nil {
		return Device{}, err
	}
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return Device{}, err
	}
	defer tx.Rollback()
	if err := c.lock(ctx, tx); err != nil {
		return Device{}, err
	}
	d, err := device(ctx, tx, fp)
	if errors.Is(err, ErrUnknownDevice) {
		return d, fmt.Errorf("%w: %s is not in the register (chorus-central devices lists it)", ErrUnknownDevice, fp)
	}
	if err != nil || d.Status == Retired {
		return d, err
	}
	d.Status, d.ChangedAt = Retired, c.now()
	if _, err := tx.ExecContext(ctx, `UPDATE enrolment SET status = ?, changed_at = ?, note = ? WHERE fingerprint = ?`,
		Retired, d.ChangedAt, note, fp); err != nil {
		return d, err
	}
	return d, tx.Commit()
}

// Devices lists the register: enrolled devices first, then quarantined,
// then retired, each by name.
func (c *DB) Devices(ctx context.Context) ([]Device, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT `+deviceColumns+`,
		(SELECT count(*) FROM batches b WHERE b.device_id = e.device_id AND e.status <> 'quarantined'),
		(SELECT coalesce(max(seq), 0) FROM batches b WHERE b.device_id = e.device_id AND e.status <> 'quarantined'),
		(SELECT count(*) FROM responses r WHERE r.device_id = e.device_id AND e.status <> 'quarantined')
		FROM enrolment e
		ORDER BY CASE status WHEN 'enrolled' THEN 0 WHEN 'quarantined' THEN 1 ELSE 2 END, name, fingerprint`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Device
	for rows.Next() {
		var d Device
		if err := rows.Scan(append(d.fields(), &d.Batches, &d.HighestSeq, &d.Responses)...); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

const deviceColumns = `fingerprint, status, name, claimed_name, coalesce(device_id, ''), coalesce(first_seen_at, ''),
	changed_at, last_file, quarantined, note`

func (d *Device) fields() []any {
	return []any{&d.Fingerprint, &d.Status, &d.Name, &d.ClaimedName, &d.DeviceID, &d.FirstSeenAt,
		&d.ChangedAt, &d.LastFile, &d.Quarantined, &d.Note}
}

type queryer interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// device is the register's entry for fp, or [ErrUnknownDevice].
func device(ctx context.Context, q queryer, fp string) (Device, error) {
	var d Device
	err := q.QueryRowContext(ctx, `SELECT `+deviceColumns+` FROM enrolment WHERE fingerprint = ?`, fp).Scan(d.fields()...)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrUnknownDevice
	}
	return d, err
}

// deviceByID is the enrolled or retired key bound to device id, or
// [ErrUnknownDevice].
func deviceByID(ctx context.Context, q queryer, id string) (Device, error) {
	var d Device
	err := q.QueryRowContext(ctx, `SELECT `+deviceColumns+` FROM enrolment
		WHERE device_id = ? AND status <> 'quarantined' ORDER BY changed_at LIMIT 1`, id).Scan(d.fields()...)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrUnknownDevice
	}
	return d, err
}

// enrolLegacy enrols the devices merged before the register existed
// (schema 1 trusted each device at its first batch): they stay trusted.
func (c *DB) enrolLegacy(ctx context.Context) error {
	rows, err := c.db.QueryContext(ctx, `SELECT device_id, public_key, name, first_seen_at FROM devices
		WHERE device_id NOT IN (SELECT device_id FROM enrolment WHERE device_id IS NOT NULL)`)
	if err != nil {
		return err
	}
	type legacy struct {
		id, name, seen string
		key            []byte
	}
	var all []legacy
	for rows.Next() {
		var l legacy
		if err := rows.Scan(&l.id, &l.key, &l.name, &l.seen); err != nil {
			rows.Close()
			return err
		}
		all = append(all, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(all) == 0 {
		return err
	}
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := c.lock(ctx, tx); err != nil {
		return err
	}
	for _, l := range all {
		if _, err := tx.ExecContext(ctx, `INSERT INTO enrolment (fingerprint, status, name, device_id, public_key, claimed_name,
			first_seen_at, changed_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			seal.Fingerprint(string(l.key)), Enrolled, l.name, l.id, l.key, l.name, l.seen, c.now(),
			"enrolled by the upgrade to schema 2: merged before enrolment existed"); err != nil {
			return err
		}
	}
	return tx.Commit()
}
