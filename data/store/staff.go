package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"chorus/data/seal"
	"chorus/data/survey"

	"github.com/google/uuid"
)

// Role is what a member of staff may do.
type Role string

// The roles.
const (
	// Coordinator: setup, staff, surveys, export, audit log, withdrawals.
	Coordinator Role = "coordinator"
	// Worker: sessions, assisted responses, kiosk hand-over, withdrawals.
	Worker Role = "worker"
)

// Staff is a member of staff who can unlock Chorus with a PIN.
type Staff struct {
	ID   string
	Name string
	Role Role
}

// PIN throttling: from the 5th wrong PIN in a row a wait of 30 s, doubling
// with each further failure up to 15 minutes; after 20 only a coordinator
// can unlock the account by setting a new PIN.
const (
	throttleFrom  = 5
	throttleFirst = 30 * time.Second
	throttleMax   = 15 * time.Minute
	lockoutAt     = 20
)

// Login errors.
var (
	ErrWrongPIN     = errors.New("that PIN is not right")
	ErrLockedOut    = errors.New("too many wrong PINs: a coordinator must set a new PIN")
	ErrUnknownStaff = errors.New("no such member of staff")
	ErrNotAllowed   = errors.New("only a coordinator can do that")
)

// ThrottledError says how long to wait before the next PIN is checked.
type ThrottledError struct {
	Until time.Time
	Wait  time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many wrong PINs: try again in %s", e.Wait.Round(time.Second))
}

// throttleWait is the wait after the given number of failures in a row.
func throttleWait(failures int) time.Duration {
	if failures < throttleFrom {
		return 0
	}
	w := throttleFirst
	for i := throttleFrom; i < failures && w < throttleMax; i++ {
		w *= 2
	}
	return min(w, throttleMax)
}

// Problems with a person's or a place's name, from [CleanName].
var (
	ErrNameNotText = errors.New("a name must be ordinary text on one line")
	ErrNameEmpty   = errors.New("the name is empty")
	ErrNameTooLong = errors.New("the name is longer than 80 characters")
)

// FieldError is a problem with one thing a person typed: which, and what.
type FieldError struct {
	Field string // FieldDeviceName, FieldCoordinator or FieldVenue
	Err   error
}

// The fields a [FieldError] names.
const (
	FieldDeviceName  = "device name"
	FieldCoordinator = "coordinator"
	FieldVenue       = "venue"
)

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the problem itself, e.g. [ErrNameEmpty].
func (e *FieldError) Unwrap() error { return e.Err }

// CleanName checks and tidies a person's or a place's name.
func CleanName(name string) (string, error) {
	n, err := survey.CleanText(name)
	if err != nil || strings.ContainsAny(n, "\n\t") {
		return "", ErrNameNotText
	}
	if n == "" {
		return "", ErrNameEmpty
	}
	if len([]rune(n)) > 80 {
		return "", ErrNameTooLong
	}
	return n, nil
}

// AddStaff adds a member of staff with a PIN. actor is the coordinator
// doing it (empty during setup).
func (s *Store) AddStaff(ctx context.Context, actor, name string, role Role, pin string) (Staff, error) {
	name, err := CleanName(name)
	if err != nil {
		return Staff{}, err
	}
	if role != Coordinator && role != Worker {
		return Staff{}, fmt.Errorf("unknown role %q", role)
	}
	if err := seal.CheckPINStrength(pin); err != nil {
		return Staff{}, err
	}
	hash, err := seal.HashPIN(pin)
	if err != nil {
		return Staff{}, err
	}
	st := Staff{ID: uuid.Must(uuid.NewV7()).String(), Name: name, Role: role}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Staff{}, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO staff (id, name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		st.ID, st.Name, string(st.Role), hash, utc(s.clock())); err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return Staff{}, fmt.Errorf("there is already someone called %q", name)
		}
		return Staff{}, err
	}
	if err := s.audit(ctx, tx, actor, "staff.add", fmt.Sprintf("%s (%s)", st.Name, st.Role)); err != nil {
		return Staff{}, err
	}
	return st, tx.Commit()
}

// StaffList returns the active staff, coordinators first, then by name.
func (s *Store) StaffList(ctx context.Context) ([]Staff, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, role FROM staff WHERE active = 1
		ORDER BY role = 'worker', name COLLATE NOCASE`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		var st Staff
		if err := rows.Scan(&st.ID, &st.Name, &st.Role); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// Login checks a PIN for staff member id. Wrong PINs are counted in the
// database, so the throttle survives a restart; errors are ErrWrongPIN,
// *ThrottledError, ErrLockedOut or ErrUnknownStaff. Every attempt is
// audited, without the PIN.
//
// Checks for one member of staff run one at a time, and each attempt is
// counted as a failure in the same immediate transaction that decides it
// is not throttled, before the PIN is hashed; a right PIN then clears the
// count. So PINs sent together (fast Enter presses, a script) cannot all
// pass the throttle before any failure is recorded, and a crash during the
// check cannot lose a failure.
func (s *Store) Login(ctx context.Context, id, pin string) (Staff, error) {
	unlock := s.pinLocks.lock(id)
	defer unlock()
	st, hash, failures, err := s.reserveAttempt(ctx, id)
	if err != nil {
		return Staff{}, err
	}
	ok, err := seal.CheckPIN(hash, pin)
	if err != nil {
		return Staff{}, err // the attempt stays counted as a failure
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Staff{}, err
	}
	defer tx.Rollback()
	if ok {
		if _, err := tx.ExecContext(ctx, `UPDATE staff SET failures = 0, locked_until = NULL WHERE id = ?`, id); err != nil {
			return Staff{}, err
		}
		if err := s.audit(ctx, tx, st.Name, "login", string(st.Role)); err != nil {
			return Staff{}, err
		}
		return st, tx.Commit()
	}
	if err := s.audit(ctx, tx, st.Name, "login.failed", fmt.Sprintf("wrong PIN, %d in a row", failures)); err != nil {
		return Staff{}, err
	}
	if err := tx.Commit(); err != nil {
		return Staff{}, err
	}
	if failures >= lockoutAt {
		return Staff{}, ErrLockedOut
	}
	return Staff{}, ErrWrongPIN
}

// reserveAttempt decides, in one immediate transaction, whether staff
// member id may try a PIN now and, if so, counts the attempt as a failure
// (with the wait that failure would start) before it is checked. It
// returns the member, their PIN hash and the failure count including this
// attempt.
func (s *Store) reserveAttempt(ctx context.Context, id string) (Staff, string, int, error) {
	var st Staff
	var hash string
	var failures int
	var until sql.NullString
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the DSN sets _txlock=immediate
	if err != nil {
		return Staff{}, "", 0, err
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `SELECT id, name, role, pin_hash, failures, locked_until FROM staff
		WHERE id = ? AND active = 1`, id).Scan(&st.ID, &st.Name, &st.Role, &hash, &failures, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return Staff{}, "", 0, ErrUnknownStaff
	}
	if err != nil {
		return Staff{}, "", 0, err
	}
	now := s.clock()
	if failures >= lockoutAt {
		if err := s.audit(ctx, tx, st.Name, "login.locked", ""); err != nil {
			return Staff{}, "", 0, err
		}
		if err := tx.Commit(); err != nil {
			return Staff{}, "", 0, err
		}
		return Staff{}, "", 0, ErrLockedOut
	}
	if until.Valid {
		if t, err := ParseTime(until.String); err == nil && now.Before(t) {
			return Staff{}, "", 0, &ThrottledError{Until: t, Wait: t.Sub(now)}
		}
	}
	if err := tx.QueryRowContext(ctx, `UPDATE staff SET failures = failures + 1 WHERE id = ? RETURNING failures`,
		id).Scan(&failures); err != nil {
		return Staff{}, "", 0, err
	}
	var lock any
	if w := throttleWait(failures); w > 0 {
		lock = utc(now.Add(w))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE staff SET locked_until = ? WHERE id = ?`, lock, id); err != nil {
		return Staff{}, "", 0, err
	}
	return st, hash, failures, tx.Commit()
}

// pinLocks holds one mutex per member of staff, so that their PIN checks
// run one after another. The zero value is ready to use.
type pinLocks struct {
	mu   sync.Mutex
	byID map[string]*sync.Mutex
}

// lock waits for staff member id's turn and returns the function that
// ends it.
func (p *pinLocks) lock(id string) (unlock func()) {
	p.mu.Lock()
	if p.byID == nil {
		p.byID = make(map[string]*sync.Mutex)
	}
	m := p.byID[id]
	if m == nil {
		m = new(sync.Mutex)
		p.byID[id] = m
	}
	p.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// SetPIN gives staff member id a new PIN and clears their throttle. Only a
// coordinator may do it (for themselves or anyone else).
func (s *Store) SetPIN(ctx context.Context, actor Staff, id, pin string) error {
	if actor.Role != Coordinator {
		return ErrNotAllowed
	}
	if err := seal.CheckPINStrength(pin); err != nil {
		return err
	}
	hash, err := seal.HashPIN(pin)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM staff WHERE id = ? AND active = 1`, id).Scan(&name); err != nil {
		return ErrUnknownStaff
	}
	if _, err := tx.ExecContext(ctx, `UPDATE staff SET pin_hash = ?, failures = 0, locked_until = NULL WHERE id = ?`, hash, id); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, actor.Name, "staff.pin_reset", name); err != nil {
		return err
	}
	return tx.Commit()
}

// RemoveStaff stops a member of staff from logging in. A coordinator cannot
// remove the last coordinator.
func (s *Store) RemoveStaff(ctx context.Context, actor Staff, id string) error {
	if actor.Role != Coordinator {
		return ErrNotAllowed
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var name, role string
	if err := tx.QueryRowContext(ctx, `SELECT name, role FROM staff WHERE id = ? AND active = 1`, id).Scan(&name, &role); err != nil {
		return ErrUnknownStaff
	}
	if role == string(Coordinator) {
		var n int
		tx.QueryRowContext(ctx, `SELECT count(*) FROM staff WHERE role = 'coordinator' AND active = 1`).Scan(&n)
		if n <= 1 {
			return errors.New("this is the only coordinator; add another coordinator first")
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE staff SET active = 0 WHERE id = ?`, id); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, actor.Name, "staff.remove", name); err != nil {
		return err
	}
	return tx.Commit()
}
