package store

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"

	"chorus/data/batch"
)

// exportSource reads one batch's records from a read transaction, a
// snapshot of the database, and writes them as the batch's members
// ([batch.Source]): each record is scanned into its type in package batch
// and encoded by [batch.AppendLine].
type exportSource struct {
	tx  *sql.Tx
	seq int64
}

// Each data member's query. ?1 is the batch number. The records come in
// the order they were saved (seq), never by a clock.
const (
	// The rows of a batch are one run of seq numbers (a batch takes
	// every row saved since the one before), read here as a range of the
	// table in seq order; the unary + keeps SQLite off the index on
	// batch_seq, which would give the rows in another order, to be sorted
	// (sealed payloads and all) in a temporary b-tree.
	responsesQuery = `SELECT r.id, r.survey_id, r.survey_version, r.survey_sha256, r.language, r.mode,
		r.interpreter_language, coalesce(r.session_id, ''), coalesce(s.venue, ''), r.consent_id, r.status,
		r.started_at, r.created_at, r.created_offset, r.sealed
		FROM responses r LEFT JOIN sessions s ON s.id = r.session_id
		WHERE r.seq BETWEEN (SELECT min(seq) FROM responses WHERE batch_seq = ?1)
			AND (SELECT max(seq) FROM responses WHERE batch_seq = ?1)
		AND +r.batch_seq = ?1 ORDER BY r.seq`
	consentsQuery = `SELECT c.id, c.survey_id, c.survey_version, c.text_version, c.text_sha256, c.language,
		c.format, c.purposes, c.how_given, c.mode, c.staff, coalesce(c.session_id, ''), coalesce(s.venue, ''),
		c.device_id, c.created_at, c.created_offset,
		CASE WHEN ?1 >= coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'receipt_hash_from_batch'), 1)
			THEN c.receipt_hash ELSE '' END
		FROM consents c LEFT JOIN sessions s ON s.id = c.session_id
		WHERE c.batch_seq = ?1 ORDER BY c.seq`
	declinedQuery = `SELECT d.survey_id, d.survey_version, d.language, coalesce(d.session_id, ''),
		coalesce(s.venue, ''), d.day, count(*)
		FROM declined d LEFT JOIN sessions s ON s.id = d.session_id
		WHERE d.batch_seq = ?1 GROUP BY d.survey_id, d.survey_version, d.language, d.session_id, d.day
		ORDER BY min(d.seq)`
	withdrawalsQuery = `SELECT id, response_id, consent_id, staff, created_at, created_offset
		FROM withdrawals WHERE batch_seq = ?1 ORDER BY seq`
	auditQuery = `SELECT id, actor, action, detail, created_at, created_offset
		FROM audit WHERE batch_seq = ?1 ORDER BY seq`
	// The surveys the batch's responses were given to, in hash order.
	batchSurveys = ` FROM surveys WHERE sha256 IN (SELECT survey_sha256 FROM responses WHERE batch_seq = ?1)
		ORDER BY sha256`
)

// WriteMember writes member name: one line per record.
func (e *exportSource) WriteMember(ctx context.Context, name string, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch name {
	case batch.ResponsesMember:
		var r batch.Response
		err = e.writeLines(ctx, bw, responsesQuery, &r, &r.ID, &r.SurveyID, &r.SurveyVersion, &r.SurveySHA256,
			&r.Language, &r.Mode, &r.InterpreterLanguage, &r.SessionID, &r.Venue, &r.ConsentID, &r.Status,
			&r.StartedAt, &r.CreatedAt, &r.CreatedOffset, blobColumn{&r.Sealed})
	case batch.ConsentsMember:
		var c batch.Consent
		err = e.writeLines(ctx, bw, consentsQuery, &c, &c.ID, &c.SurveyID, &c.SurveyVersion, &c.TextVersion,
			&c.TextSHA256, &c.Language, &c.Format, purposesColumn{&c.Purposes, map[string]map[string]bool{}}, &c.HowGiven, &c.Mode, &c.Staff,
			&c.SessionID, &c.Venue, &c.DeviceID, &c.CreatedAt, &c.CreatedOffset, &c.ReceiptHash)
	case batch.DeclinedMember:
		var d batch.Declined
		err = e.writeLines(ctx, bw, declinedQuery, &d, &d.SurveyID, &d.SurveyVersion, &d.Language, &d.SessionID,
			&d.Venue, &d.Day, &d.Count)
	case batch.WithdrawalsMember:
		var x batch.Withdrawal
		err = e.writeLines(ctx, bw, withdrawalsQuery, &x, &x.ID, &x.ResponseID, &x.ConsentID, &x.Staff,
			&x.CreatedAt, &x.CreatedOffset)
	case batch.AuditMember:
		var a batch.AuditEvent
		err = e.writeLines(ctx, bw, auditQuery, &a, &a.ID, &a.Actor, &a.Action, &a.Detail, &a.CreatedAt,
			&a.CreatedOffset)
	case batch.SurveysMember:
		var d batch.SurveyDef
		err = e.writeLines(ctx, bw, `SELECT sha256, survey_id, version, body`+batchSurveys, &d, &d.SHA256, &d.ID,
			&d.Version, &d.Body)
	default:
		err = fmt.Errorf("unknown member %q", name)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// writeLines runs query for the batch and writes one line to w for each
// row: record, once the row's columns are scanned into dest (its fields).
func (e *exportSource) writeLines(ctx context.Context, w io.Writer, query string, record any, dest ...any) error {
	rows, err := e.tx.QueryContext(ctx, query, e.seq)
	if err != nil {
		return err
	}
	defer rows.Close()
	lw := batch.NewLineWriter(w)
	for n := 1; rows.Next(); n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("record %d: %w", n, err)
		}
		if err := lw.Write(record); err != nil {
			return fmt.Errorf("record %d: %w", n, err)
		}
	}
	return rows.Err()
}

// blobColumn scans a BLOB column into the slice it points to without a
// copy: the bytes are the driver's and valid until the next row.
type blobColumn struct{ b *[]byte }

func (c blobColumn) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("%T is not a blob", src)
	}
	*c.b = b
	return nil
}

// purposesColumn scans a consent's purposes, JSON text, into the map it
// points to. A batch's consents hold few different purposes, so each text
// is decoded once and its map shared by the records that have it (nothing
// changes them).
type purposesColumn struct {
	m    *map[string]bool
	seen map[string]map[string]bool
}

func (c purposesColumn) Scan(src any) error {
	var text string
	switch v := src.(type) {
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		return fmt.Errorf("purposes: %T is not JSON text", src)
	}
	if m, ok := c.seen[text]; ok {
		*c.m = m
		return nil
	}
	var m map[string]bool
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return fmt.Errorf("purposes: %w", err)
	}
	if len(c.seen) < 256 {
		c.seen[text] = m
	}
	*c.m = m
	return nil
}

// surveyRefs lists the surveys the batch's responses were given to.
func (e *exportSource) surveyRefs(ctx context.Context) ([]batch.SurveyRef, error) {
	rows, err := e.tx.QueryContext(ctx, `SELECT survey_id, version, sha256`+batchSurveys, e.seq)
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

// lines counts the lines of the batch's members, for progress.
func (e *exportSource) lines(ctx context.Context) (int64, error) {
	var n int64
	err := e.tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM responses WHERE batch_seq = ?1) +
		(SELECT count(*) FROM consents WHERE batch_seq = ?1) +
		(SELECT count(*) FROM (SELECT 1 FROM declined WHERE batch_seq = ?1
			GROUP BY survey_id, survey_version, language, session_id, day)) +
		(SELECT count(*) FROM withdrawals WHERE batch_seq = ?1) +
		(SELECT count(*) FROM audit WHERE batch_seq = ?1) +
		(SELECT count(*)`+batchSurveys+`)`, e.seq).Scan(&n)
	return n, err
}
