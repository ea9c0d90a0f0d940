package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"chorus/data/seal"
	"chorus/data/survey"

	"github.com/google/uuid"
)

// SetupInput is everything first-run setup asks for.
type SetupInput struct {
	DeviceName      string
	CoordinatorName string
	PIN             string
	Recipients      []seal.Recipient // the analyst's, and optionally an escrow key
	Survey          *survey.Survey
	SurveyBody      []byte
}

// ErrAlreadySetUp is returned by Setup on a folder that is set up.
var ErrAlreadySetUp = errors.New("this data folder is already set up")

// Setup makes the device identity, stores the analyst recipients, adds the
// first coordinator and chooses the survey. Nothing can be collected until
// it has run. A real (not demo) folder refuses the demo key ([ErrDemoKey]).
func (s *Store) Setup(ctx context.Context, in SetupInput, demo bool) (Staff, error) {
	if ok, err := s.IsSetUp(ctx); err != nil || ok {
		if err == nil {
			err = ErrAlreadySetUp
		}
		return Staff{}, err
	}
	name, err := CleanName(in.DeviceName)
	if err != nil {
		return Staff{}, &FieldError{Field: FieldDeviceName, Err: err}
	}
	if len(in.Recipients) == 0 {
		return Staff{}, errors.New("give the analyst's public key")
	}
	if !demo {
		if err := CheckRealRecipients(in.Recipients); err != nil {
			return Staff{}, err
		}
	}
	if in.Survey == nil {
		return Staff{}, errors.New("choose a survey")
	}
	if _, err := s.InitDevice(name, demo); err != nil {
		return Staff{}, err
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE device SET name = ? WHERE id = 1`, name); err != nil {
		return Staff{}, err
	}
	coord, err := s.AddStaff(ctx, "setup", in.CoordinatorName, Coordinator, in.PIN)
	if err != nil {
		return Staff{}, &FieldError{Field: FieldCoordinator, Err: err}
	}
	if err := s.SetRecipients(in.Recipients); err != nil {
		return Staff{}, err
	}
	if err := s.UseSurvey(ctx, coord.Name, in.Survey, in.SurveyBody); err != nil {
		return Staff{}, err
	}
	fps := ""
	for _, r := range in.Recipients {
		fps += " " + r.Fingerprint()
	}
	return coord, s.Audit(ctx, coord.Name, "setup", fmt.Sprintf("device %q, recipients%s", name, fps))
}

// IsSetUp reports whether setup has run: a device, a coordinator, analyst
// recipients and a survey.
func (s *Store) IsSetUp(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM device) > 0 AND
		(SELECT count(*) FROM staff WHERE role = 'coordinator' AND active = 1) > 0 AND
		(SELECT count(*) FROM recipients) > 0 AND
		(SELECT count(*) FROM settings WHERE key = 'survey') > 0`).Scan(&n)
	return n == 1, err
}

// UseSurvey makes sv (parsed from body) the survey new responses use.
func (s *Store) UseSurvey(ctx context.Context, actor string, sv *survey.Survey, body []byte) error {
	if err := s.AddSurvey(sv, body); err != nil {
		return err
	}
	if err := s.SetSetting("survey", sv.SHA256); err != nil {
		return err
	}
	return s.Audit(ctx, actor, "survey.use", fmt.Sprintf("%s version %d (%s)", sv.ID, sv.Version, sv.SHA256[:12]))
}

// ActiveSurvey returns the file of the survey in use, or ("", nil, nil)
// when none is chosen.
func (s *Store) ActiveSurvey(ctx context.Context) (name string, body []byte, err error) {
	sha, err := s.Setting("survey")
	if err != nil || sha == "" {
		return "", nil, err
	}
	var id string
	var v int
	err = s.db.QueryRowContext(ctx, `SELECT survey_id, version, body FROM surveys WHERE sha256 = ?`, sha).Scan(&id, &v, &body)
	return fmt.Sprintf("%s-v%d.json", id, v), body, err
}

// Session is a worker's time at a venue.
type Session struct {
	ID       string
	Venue    string
	WorkerID string
	Worker   string // name
	SurveyID string
	Opened   time.Time
	Closed   time.Time // zero while open
}

// OpenSession starts a session at venue for worker with survey sv.
func (s *Store) OpenSession(ctx context.Context, worker Staff, venue string, sv *survey.Survey) (Session, error) {
	venue, err := CleanName(venue)
	if err != nil {
		return Session{}, &FieldError{Field: FieldVenue, Err: err}
	}
	now := s.clock()
	ses := Session{ID: uuid.Must(uuid.NewV7()).String(), Venue: venue, WorkerID: worker.ID, Worker: worker.Name,
		SurveyID: sv.ID, Opened: now}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Session{}, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, venue, worker, survey_sha256, survey_id, opened_at, opened_offset)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, ses.ID, venue, worker.ID, sv.SHA256, sv.ID, utc(now), offset(now)); err != nil {
		return Session{}, err
	}
	if err := s.audit(ctx, tx, worker.Name, "session.open", fmt.Sprintf("%s (%s)", venue, ses.ID)); err != nil {
		return Session{}, err
	}
	return ses, tx.Commit()
}

// CloseSession ends a session.
func (s *Store) CloseSession(ctx context.Context, actor Staff, id string) error {
	now := s.clock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE sessions SET closed_at = ?, closed_offset = ? WHERE id = ? AND closed_at IS NULL`,
		utc(now), offset(now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errors.New("that session is not open")
	}
	if err := s.audit(ctx, tx, actor.Name, "session.close", id); err != nil {
		return err
	}
	return tx.Commit()
}

// OpenSessions lists sessions not yet closed, newest first.
func (s *Store) OpenSessions(ctx context.Context) ([]Session, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.id, s.venue, s.worker, coalesce(st.name, ''), coalesce(s.survey_id, ''), s.opened_at
		FROM sessions s LEFT JOIN staff st ON st.id = s.worker WHERE s.closed_at IS NULL ORDER BY s.rowid DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var ses Session
		var opened string
		if err := rows.Scan(&ses.ID, &ses.Venue, &ses.WorkerID, &ses.Worker, &ses.SurveyID, &opened); err != nil {
			return nil, err
		}
		ses.Opened, _ = ParseTime(opened)
		out = append(out, ses)
	}
	return out, rows.Err()
}

// Tally counts a session's responses by mode and by language, and its
// declined consents. It never looks at answers.
type Tally struct {
	ByMode     map[string]int
	ByLanguage map[string]int
	Responses  int
	Declined   int
}

// SessionTally tallies session id.
func (s *Store) SessionTally(ctx context.Context, id string) (Tally, error) {
	t := Tally{ByMode: map[string]int{}, ByLanguage: map[string]int{}}
	rows, err := s.db.QueryContext(ctx, `SELECT mode, language, count(*) FROM responses WHERE session_id = ? GROUP BY mode, language`, id)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var mode, lang string
		var n int
		if err := rows.Scan(&mode, &lang, &n); err != nil {
			return t, err
		}
		t.ByMode[mode] += n
		t.ByLanguage[lang] += n
		t.Responses += n
	}
	if err := rows.Err(); err != nil {
		return t, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM declined WHERE session_id = ?`, id).Scan(&t.Declined)
	return t, err
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At     time.Time
	Actor  string
	Action string
	Detail string
}

// AuditLog returns the newest audit entries first, at most limit.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT created_at, actor, action, detail FROM audit ORDER BY seq DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&at, &e.Actor, &e.Action, &e.Detail); err != nil {
			return nil, err
		}
		e.At, _ = ParseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
