package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"

	"chorus/data/batch"
	"chorus/data/survey"

	"filippo.io/age"
)

// mergeWithdrawals applies the batch's withdrawals to its own device's
// responses and consents only, and records them so that they never come
// back from that device.
func (c *DB) mergeWithdrawals(ctx context.Context, tx *sql.Tx, b *batch.Batch, res *MergeResult) error {
	m := &b.Manifest
	line := 0
	return b.Withdrawals(func(w batch.Withdrawal) error {
		line++
		res.Withdrawals++
		if err := checkOffset(batch.WithdrawalsMember, line, w.CreatedOffset); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO withdrawals (device_id, response_id, consent_id, id, batch_seq, staff,
			created_at, created_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, response_id) DO NOTHING`,
			m.DeviceID, w.ResponseID, w.ConsentID, w.ID, m.Seq, w.Staff, w.CreatedAt, w.CreatedOffset); err != nil {
			return err
		}
		r, err := tx.ExecContext(ctx, `DELETE FROM responses WHERE id = ? AND device_id = ?`, w.ResponseID, m.DeviceID)
		if err != nil {
			return err
		}
		n, _ := r.RowsAffected()
		res.WithdrawalsApplied += n
		_, err = tx.ExecContext(ctx, `DELETE FROM consents WHERE id = ? AND device_id = ?`, w.ConsentID, m.DeviceID)
		return err
	})
}

// mergeResponses inserts the batch's responses, opened with ids as they go
// or, when opened is not nil, opened already.
func mergeResponses(ctx context.Context, tx *sql.Tx, b *batch.Batch, ids []age.Identity, surveys map[string]*survey.Survey,
	opened []*openJob, res *MergeResult) error {
	m := &b.Manifest
	// A response is kept out by its own withdrawal, or by one of its
	// consent record (a withdrawal at central of a consent record that
	// merged without its response).
	withdrawn, err := tx.PrepareContext(ctx, `SELECT EXISTS (SELECT 1 FROM withdrawals WHERE device_id = ?1 AND response_id = ?2)
		OR EXISTS (SELECT 1 FROM withdrawals WHERE device_id = ?1 AND consent_id = ?3)`)
	if err != nil {
		return err
	}
	defer withdrawn.Close()
	consented, err := tx.PrepareContext(ctx, `SELECT EXISTS (SELECT 1 FROM consents WHERE device_id = ? AND id = ?)`)
	if err != nil {
		return err
	}
	defer consented.Close()
	insert, err := tx.PrepareContext(ctx, `INSERT INTO responses (id, device_id, batch_seq, line, survey_id, survey_version,
		survey_sha256, language, mode, interpreter_language, session_id, venue, consent_id, status, started_at, created_at,
		created_offset, answers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insert.Close()

	merge := func(j *openJob) error {
		<-j.done
		r := &j.r
		res.Responses++
		if j.err != nil {
			return fmt.Errorf("responses.jsonl line %d: %w", j.line, j.err)
		}
		if err := checkOffset(batch.ResponsesMember, j.line, r.CreatedOffset); err != nil {
			return err
		}
		var gone, ok bool
		if err := withdrawn.QueryRowContext(ctx, m.DeviceID, r.ID, r.ConsentID).Scan(&gone); err != nil {
			return err
		}
		if gone {
			res.SkippedWithdrawn++
			return nil
		}
		if err := consented.QueryRowContext(ctx, m.DeviceID, r.ConsentID).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: responses.jsonl line %d: response %s names consent record %s, which is in neither this batch nor a merged earlier batch of device %s; if an earlier batch of this device is not merged yet, merge it first",
				batch.ErrRecord, j.line, r.ID, r.ConsentID, batch.DeviceShort(m.DeviceID))
		}
		if _, err := insert.ExecContext(ctx, r.ID, m.DeviceID, m.Seq, j.line, r.SurveyID, r.SurveyVersion, r.SurveySHA256,
			r.Language, r.Mode, r.InterpreterLanguage, r.SessionID, r.Venue, r.ConsentID, r.Status, r.StartedAt,
			r.CreatedAt, r.CreatedOffset, string(j.answers)); err != nil {
			if isUnique(err) {
				return fmt.Errorf("%w: response %s was already merged from another batch", ErrConflict, r.ID)
			}
			return err
		}
		return nil
	}
	if opened != nil {
		for _, j := range opened {
			if j.line < 0 { // the reading stopped here
				return j.err
			}
			if err := merge(j); err != nil {
				return err
			}
		}
		return nil
	}

	// Sealed answers are opened on every CPU while this goroutine writes
	// them to the database in order.
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	jobs, order := make(chan *openJob, 64), make(chan *openJob, 64)
	var readErr error
	wg.Go(func() {
		defer close(order)
		defer close(jobs)
		line := 0
		readErr = b.Responses(func(r batch.Response) error {
			line++
			j := &openJob{r: r, line: line, done: make(chan struct{})}
			for _, ch := range []chan *openJob{jobs, order} {
				select {
				case ch <- j:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
	})
	startOpeners(&wg, jobs, ids, surveys)
	for j := range order {
		if err := merge(j); err != nil {
			return err
		}
	}
	return readErr
}

// mergeConsents merges the batch's consent records. Each must match the
// consent text of its survey's definition, and a consent text version
// has one text in each language, whichever device showed it.
func mergeConsents(ctx context.Context, tx *sql.Tx, b *batch.Batch, surveys map[string]*survey.Survey, res *MergeResult) error {
	m := &b.Manifest
	// Prepared once for the batch's consents, not once a record.
	withdrawn, err := tx.PrepareContext(ctx, `SELECT EXISTS (SELECT 1 FROM withdrawals WHERE device_id = ? AND consent_id = ?)`)
	if err != nil {
		return err
	}
	defer withdrawn.Close()
	insert, err := tx.PrepareContext(ctx, `INSERT INTO consents (id, device_id, batch_seq, line, survey_id, survey_version,
		text_version, text_sha256, language, format, purposes, how_given, mode, staff, session_id, venue, created_at,
		created_offset, receipt_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insert.Close()
	texts := consentTexts{tx: tx, surveys: map[surveyKey]*survey.Survey{}}
	for _, sv := range surveys {
		texts.surveys[surveyKey{sv.ID, sv.Version}] = sv
	}
	line := 0
	return b.Consents(func(cr batch.Consent) error {
		line++
		res.Consents++
		var gone bool
		if err := withdrawn.QueryRowContext(ctx, m.DeviceID, cr.ID).Scan(&gone); err != nil {
			return err
		}
		if gone {
			return nil
		}
		if err := checkOffset(batch.ConsentsMember, line, cr.CreatedOffset); err != nil {
			return err
		}
		if err := texts.check(ctx, &cr); err != nil {
			return fmt.Errorf("consents.jsonl line %d: %w", line, err)
		}
		purposes, err := json.Marshal(cr.Purposes)
		if err != nil {
			return err
		}
		if _, err := insert.ExecContext(ctx,
			cr.ID, m.DeviceID, m.Seq, line, cr.SurveyID, cr.SurveyVersion, cr.TextVersion, cr.TextSHA256, cr.Language,
			cr.Format, string(purposes), cr.HowGiven, cr.Mode, cr.Staff, cr.SessionID, cr.Venue, cr.CreatedAt, cr.CreatedOffset,
			cr.ReceiptHash); err != nil {
			if isUnique(err) {
				return fmt.Errorf("%w: consent record %s was already merged from another batch", ErrConflict, cr.ID)
			}
			return err
		}
		return nil
	})
}

// mergeRest merges the declined tally and audit events.
func mergeRest(ctx context.Context, tx *sql.Tx, b *batch.Batch, res *MergeResult) error {
	m := &b.Manifest
	line := 0
	err := b.Declined(func(d batch.Declined) error {
		line++
		if d.Count < 1 || d.Count > MaxDeclined {
			return fmt.Errorf("%w: declined.jsonl line %d: count %d is out of range (1 to %d)", batch.ErrRecord, line, d.Count, MaxDeclined)
		}
		res.Declined += d.Count
		_, err := tx.ExecContext(ctx, `INSERT INTO declined (device_id, batch_seq, line, survey_id, survey_version, language,
			session_id, venue, day, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.DeviceID, m.Seq, line, d.SurveyID, d.SurveyVersion, d.Language, d.SessionID, d.Venue, d.Day, d.Count)
		return err
	})
	if err != nil {
		return err
	}
	line = 0
	return b.Audit(func(a batch.AuditEvent) error {
		line++
		res.Audit++
		if err := checkOffset(batch.AuditMember, line, a.CreatedOffset); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO audit (id, device_id, batch_seq, line, actor, action, detail, created_at,
			created_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, m.DeviceID, m.Seq, line, a.Actor, a.Action, a.Detail, a.CreatedAt, a.CreatedOffset)
		if err != nil && isUnique(err) {
			return fmt.Errorf("%w: audit event %s was already merged from another batch", ErrConflict, a.ID)
		}
		return err
	})
}
