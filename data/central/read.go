package central

import (
	"context"
	"encoding/json"
	"fmt"

	"chorus/data/survey"
)

// Summary is what the database holds beside the responses, as a report
// shows it.
type Summary struct {
	Declined    int  // people who said no to taking part in the survey
	Withdrawals int  // responses withdrawn, in the whole database
	Devices     int  // devices the database knows
	Batches     int  // batches merged
	Surveys     int  // surveys with responses or people who declined
	Demo        bool // the database holds demo batches
}

// Summary counts, for survey id, the people who declined, and for the
// whole database the withdrawals, devices, batches and surveys.
func (c *DB) Summary(ctx context.Context, id string) (Summary, error) {
	var s Summary
	for _, q := range []struct {
		dst   *int
		query string
		args  []any
	}{
		{&s.Declined, `SELECT coalesce(sum(count), 0) FROM declined WHERE survey_id = ?`, []any{id}},
		{&s.Withdrawals, `SELECT count(*) FROM withdrawals`, nil},
		{&s.Devices, `SELECT count(*) FROM devices`, nil},
		{&s.Batches, `SELECT count(*) FROM batches`, nil},
		{&s.Surveys, `SELECT count(DISTINCT survey_id) FROM (SELECT survey_id FROM responses UNION SELECT survey_id FROM declined) AS u`, nil},
	} {
		if err := c.db.QueryRowContext(ctx, q.query, q.args...).Scan(q.dst); err != nil {
			return s, err
		}
	}
	demo, err := c.setting(ctx, c.db, "demo")
	s.Demo = demo == "1"
	return s, err
}

// BatchLink is a merged batch and the manifest it names as the one before
// it, the links of a device's chain of batches.
type BatchLink struct {
	DeviceID           string // the device that made the batch
	Seq                int64  // the batch's number: 1, 2, ... per device
	ManifestSHA256     string // the hash of its manifest
	PrevManifestSHA256 string // the manifest hash it names for batch Seq-1
}

// BatchLinks lists every merged batch, by device and then number.
func (c *DB) BatchLinks(ctx context.Context) ([]BatchLink, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT device_id, seq, manifest_sha256, prev_manifest_sha256 FROM batches ORDER BY device_id, seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BatchLink
	for rows.Next() {
		var l BatchLink
		if err := rows.Scan(&l.DeviceID, &l.Seq, &l.ManifestSHA256, &l.PrevManifestSHA256); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// ResponseRecord is one response as [DB.EachResponse] reads it: its clear
// metadata, its answers and its participant's consent.
type ResponseRecord struct {
	ID       string // the response id
	Language string // the language tag it was given in
	Mode     string // self, assisted or worker
	Venue    string // "" when none was recorded
	Session  string // "" when none was recorded
	// CreatedAt is when it was given, UTC in RFC 3339, and CreatedOffset
	// the local offset there in minutes.
	CreatedAt     string
	CreatedOffset int
	// Answers are the opened answers, by question id.
	Answers survey.Answers

	purposes []byte // the consent record's, as JSON
}

// Purposes returns what the participant said yes (true) or no (false)
// to, by consent purpose; empty when the response has no consent record.
// It parses the record each time it is called.
func (r *ResponseRecord) Purposes() (map[string]bool, error) {
	agreed := map[string]bool{}
	if err := json.Unmarshal(r.purposes, &agreed); err != nil {
		return nil, fmt.Errorf("response %s: its consent record's purposes are not valid JSON: %w", r.ID, err)
	}
	return agreed, nil
}

// EachResponse calls fn with every response to survey id, in the order
// they were merged (by device, batch and line), and stops at fn's first
// error. fn must not keep the record: it is reused for the next response.
func (c *DB) EachResponse(ctx context.Context, id string, fn func(*ResponseRecord) error) error {
	rows, err := c.db.QueryContext(ctx, `SELECT r.id, r.language, r.mode, r.venue, r.session_id, r.created_at, r.created_offset,
		r.answers, coalesce(c.purposes, '{}')
		FROM responses r LEFT JOIN consents c ON c.id = r.consent_id
		WHERE r.survey_id = ? ORDER BY r.device_id, r.batch_seq, r.line`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	var r ResponseRecord
	var answers []byte
	for rows.Next() {
		if err := rows.Scan(&r.ID, &r.Language, &r.Mode, &r.Venue, &r.Session, &r.CreatedAt, &r.CreatedOffset, &answers, &r.purposes); err != nil {
			return err
		}
		r.Answers = nil
		if err := json.Unmarshal(answers, &r.Answers); err != nil {
			return fmt.Errorf("response %s: its answers are not valid JSON: %w", r.ID, err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}
