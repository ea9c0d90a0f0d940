package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"chorus/data/seal"
	"chorus/data/survey"

	"github.com/google/uuid"
)

// Submission is one participant's response with its consent, ready to save.
type Submission struct {
	Survey              *survey.Survey
	Consent             survey.ConsentRecord
	Answers             survey.Answers
	Language            string
	Mode                survey.Mode
	InterpreterLanguage string
	SessionID           string
	Status              survey.Status
	StartedAt           time.Time
}

// Saved is what [Store.Submit] returns: the stored response's id.
type Saved struct {
	ResponseID string
}

// ErrReceiptTaken is returned by [Store.Submit] when the submission's
// receipt code already names another response on this device: draw a new
// code and submit again. One code never names two responses.
var ErrReceiptTaken = errors.New("that receipt code is already taken on this laptop")

// ErrNoConsent is returned when a submission lacks a complete consent record.
var ErrNoConsent = errors.New("response has no complete consent record")

// Submit seals the answers to rs and commits the sealed payload, its clear
// metadata and the consent record in one transaction. The answers are never
// written anywhere in clear. On error nothing is stored and the caller still
// holds the answers, so it can try again.
func (s *Store) Submit(ctx context.Context, rs []seal.Recipient, sub Submission) (Saved, error) {
	id, sealed, err := prepare(rs, sub)
	if err != nil {
		return Saved{}, err
	}
	return Saved{ResponseID: id}, s.insert(ctx, id, sub, sealed)
}

// insert commits one sealed response and its consent in one transaction.
func (s *Store) insert(ctx context.Context, id string, sub Submission, sealed []byte) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.insertTx(ctx, tx, id, sub, sealed); err != nil {
		return err
	}
	return tx.Commit()
}

// prepare checks sub and seals its answers; it returns the new response id
// and the sealed payload. The answers exist in clear only in memory.
func prepare(rs []seal.Recipient, sub Submission) (string, []byte, error) {
	sv := sub.Survey
	if err := sub.Consent.Complete(sv); err != nil {
		return "", nil, fmt.Errorf("%w: %v", ErrNoConsent, err)
	}
	if !sub.Mode.Valid() || (sub.Status != survey.Complete && sub.Status != survey.Partial) {
		return "", nil, errors.New("response has no valid mode or status")
	}
	answers, err := sv.Clean(sub.Answers)
	if err != nil {
		return "", nil, err
	}
	if sub.Status == survey.Complete {
		if missing := sv.Missing(answers); len(missing) > 0 {
			return "", nil, fmt.Errorf("required question %q has no answer", missing[0])
		}
	}
	id, err := uuid.NewV7()
	if err != nil {
		return "", nil, err
	}
	payload, err := json.Marshal(survey.Payload{
		Format: survey.PayloadFormat, ResponseID: id.String(), SurveyID: sv.ID,
		SurveyVersion: sv.Version, Language: sub.Language, Answers: answers,
	})
	if err != nil {
		return "", nil, err
	}
	sealed, err := seal.Seal(rs, payload)
	clear(payload)
	if err != nil {
		return "", nil, fmt.Errorf("cannot seal the answers: %w", err)
	}
	return id.String(), sealed, nil
}

// insertTx stores one sealed response and its consent inside tx.
func (s *Store) insertTx(ctx context.Context, tx *sql.Tx, id string, sub Submission, sealed []byte) error {
	c := sub.Consent
	purposes, err := json.Marshal(c.Purposes)
	if err != nil {
		return err
	}
	// A code already given, to a saved response or to one withdrawn
	// since, is not given again: a withdrawal by it must find one response.
	var taken bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM consents WHERE receipt_hash = ?1 AND id != ?2)
		OR EXISTS (SELECT 1 FROM withdrawals WHERE receipt_hash = ?1)`, c.ReceiptHash, c.ID).Scan(&taken); err != nil {
		return err
	}
	if taken {
		return ErrReceiptTaken
	}
	now := s.clock()
	if _, err := tx.ExecContext(ctx, `INSERT INTO consents (id, receipt_hash, survey_id, survey_version, text_version,
		text_sha256, language, format, purposes, how_given, mode, staff, session_id, device_id, created_at, created_offset)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.ReceiptHash, c.SurveyID, c.SurveyVersion, c.TextVersion, c.TextSHA256, c.Language, c.StoredFormat(),
		string(purposes), c.HowGiven, string(c.Mode), c.Staff, nullable(sub.SessionID), c.DeviceID,
		utc(c.At), offset(c.At)); err != nil {
		return fmt.Errorf("cannot save consent: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO responses (id, survey_id, survey_version, survey_sha256, language, mode,
		interpreter_language, session_id, consent_id, status, started_at, created_at, created_offset, sealed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, sub.Survey.ID, sub.Survey.Version, sub.Survey.SHA256, sub.Language, string(sub.Mode),
		sub.InterpreterLanguage, nullable(sub.SessionID), c.ID, string(sub.Status),
		utc(sub.StartedAt), utc(now), offset(now), sealed); err != nil {
		return fmt.Errorf("cannot save response: %w", err)
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Decline records an anonymous "no thanks" at consent: survey, language,
// session and day, nothing that could identify the person.
func (s *Store) Decline(ctx context.Context, sv *survey.Survey, language, sessionID string) error {
	now := s.clock()
	_, err := s.db.ExecContext(ctx, `INSERT INTO declined (survey_id, survey_version, language, session_id, day)
		VALUES (?, ?, ?, ?, ?)`, sv.ID, sv.Version, language, nullable(sessionID), now.Format(time.DateOnly))
	return err
}

// Counts is a tally of what the device holds.
type Counts struct {
	Responses, Unexported, Declined, Withdrawals int
}

// Counts tallies the device's records.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM responses),
		(SELECT count(*) FROM responses WHERE batch_seq IS NULL),
		(SELECT count(*) FROM declined),
		(SELECT count(*) FROM withdrawals)`).Scan(&c.Responses, &c.Unexported, &c.Declined, &c.Withdrawals)
	return c, err
}

// StoredResponse is a response as stored: clear metadata and the sealed
// answers.
type StoredResponse struct {
	ID, SurveyID, Language, Mode, ConsentID, Status string
	SurveyVersion                                   int
	Sealed                                          []byte
}

// Responses returns every stored response in the order it was saved.
func (s *Store) Responses(ctx context.Context) ([]StoredResponse, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, survey_id, survey_version, language, mode, consent_id, status, sealed
		FROM responses ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredResponse
	for rows.Next() {
		var r StoredResponse
		if err := rows.Scan(&r.ID, &r.SurveyID, &r.SurveyVersion, &r.Language, &r.Mode, &r.ConsentID, &r.Status, &r.Sealed); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
