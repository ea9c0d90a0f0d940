package central

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"chorus/data/batch"
	"chorus/data/seal"
	"chorus/data/survey"

	"filippo.io/age"
)

// Merge errors. Errors about the file itself come from [batch.Read].
var (
	ErrConflict   = errors.New("conflicting batch")
	ErrKeyChanged = errors.New("the device's signing key has changed")
	ErrDemo       = errors.New("demo and real data do not mix")
	ErrPayload    = errors.New("a sealed response is not valid")
)

// MergeOptions tune [DB.Merge].
type MergeOptions struct {
	// Demo allows demo batches, into a database that then holds demo
	// data only.
	Demo bool
}

// Status says what a merge did.
type Status int

// Merge outcomes.
const (
	Merged Status = iota + 1
	AlreadyMerged
)

// MergeResult describes one merged batch file.
type MergeResult struct {
	File     string
	DeviceID string
	Seq      int64
	Demo     bool
	Status   Status
	// What the batch held and what was done with it.
	Responses, Consents, Declined, Withdrawals, Audit int64
	// WithdrawalsApplied counts responses deleted by the batch's
	// withdrawals; SkippedWithdrawn counts responses in the batch that had
	// already been withdrawn.
	WithdrawalsApplied, SkippedWithdrawn int64
}

// Summary is a line for people, without any answers.
func (r MergeResult) Summary() string {
	dev := batch.DeviceShort(r.DeviceID)
	if r.Status == AlreadyMerged {
		return fmt.Sprintf("%s: batch %d from device %s was already merged; nothing changed", filepath.Base(r.File), r.Seq, dev)
	}
	s := fmt.Sprintf("%s: merged batch %d from device %s: %d responses, %d consents, %d declined, %d withdrawals (%d applied), %d audit events",
		filepath.Base(r.File), r.Seq, dev, r.Responses, r.Consents, r.Declined, r.Withdrawals, r.WithdrawalsApplied, r.Audit)
	if r.SkippedWithdrawn > 0 {
		s += fmt.Sprintf("; %d withdrawn responses left out", r.SkippedWithdrawn)
	}
	if r.Demo {
		s += " [demo]"
	}
	return s
}

// Merge verifies the batch file at path, opens its responses with ids and
// merges it in one transaction. See the package documentation for the
// rules.
func (c *DB) Merge(ctx context.Context, path string, ids []age.Identity, opts MergeOptions) (MergeResult, error) {
	b, err := batch.Read(path, ids, batch.ReadOptions{TempDir: c.Dir()})
	if err != nil {
		return MergeResult{File: path}, err
	}
	defer b.Close()
	return c.MergeBatch(ctx, b, ids, opts)
}

// MergeFiles merges the batch files at paths in order, as [DB.Merge]
// does, reading and verifying the next file while the current one is
// merged. It calls report with each file's result or error and carries
// on with the next; it returns only errors that stop it (ctx).
func (c *DB) MergeFiles(ctx context.Context, paths []string, ids []age.Identity, opts MergeOptions, report func(MergeResult, error)) error {
	type read struct {
		path   string
		b      *batch.Batch
		err    error
		opened []*openJob // nil: open while merging
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan read, 1)
	go func() {
		defer close(next)
		for _, p := range paths {
			b, err := batch.Read(p, ids, batch.ReadOptions{TempDir: c.Dir()})
			var opened []*openJob
			if err == nil && b.Manifest.Counts.Responses <= preOpenMax {
				opened = preOpen(ctx, b, ids)
			}
			select {
			case next <- read{p, b, err, opened}:
			case <-ctx.Done():
				if b != nil {
					b.Close()
				}
				return
			}
		}
	}()
	for r := range next {
		if err := ctx.Err(); err != nil {
			if r.b != nil {
				r.b.Close()
			}
			continue // drain, so that every batch read is closed
		}
		if r.err != nil {
			report(MergeResult{File: r.path}, r.err)
			continue
		}
		res, err := c.mergeBatch(ctx, r.b, ids, opts, r.opened)
		r.b.Close()
		report(res, err)
	}
	return ctx.Err()
}

// MergeBatch merges a batch that [batch.Read] verified.
func (c *DB) MergeBatch(ctx context.Context, b *batch.Batch, ids []age.Identity, opts MergeOptions) (MergeResult, error) {
	return c.mergeBatch(ctx, b, ids, opts, nil)
}

// preOpenMax is the most responses a batch may have for [DB.MergeFiles] to
// open them all while the batch before is merged: their answers are held
// in memory until then.
const preOpenMax = 5000

// startOpeners starts one goroutine per CPU on wg that opens each job sent
// on jobs (its answers or its error) and closes its done channel.
func startOpeners(wg *sync.WaitGroup, jobs <-chan *openJob, ids []age.Identity, surveys map[string]*survey.Survey) {
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var buf bytes.Buffer
			for j := range jobs {
				j.answers, j.err = openResponse(ids, &j.r, surveys[j.r.SurveySHA256], &buf)
				close(j.done)
			}
		})
	}
}

// openJob is one response of a batch and its answers, opened on one of
// the CPUs.
type openJob struct {
	r       batch.Response
	line    int
	answers []byte
	err     error
	done    chan struct{}
}

// preOpen opens the sealed answers of every response of b, on every CPU,
// as mergeResponses would, and returns them in order; a last job holds
// the error that stopped the reading, if any. Errors are kept for
// mergeResponses to report at the same point as it would have found them.
func preOpen(ctx context.Context, b *batch.Batch, ids []age.Identity) []*openJob {
	surveys := map[string]*survey.Survey{}
	var out []*openJob
	if err := b.Surveys(func(d batch.SurveyDef) error {
		if sv, err := survey.Parse(d.ID+".json", d.Body); err == nil {
			surveys[d.SHA256] = sv
		}
		return nil // mergeSurveys reports it
	}); err != nil {
		return nil // merged the ordinary way, which reports it
	}
	jobs := make(chan *openJob, 64)
	var wg sync.WaitGroup
	startOpeners(&wg, jobs, ids, surveys)
	line := 0
	err := b.Responses(func(r batch.Response) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		line++
		j := &openJob{r: r, line: line, done: make(chan struct{})}
		out = append(out, j)
		jobs <- j
		return nil
	})
	close(jobs)
	wg.Wait()
	if err != nil {
		done := make(chan struct{})
		close(done)
		out = append(out, &openJob{line: -1, err: err, done: done})
	}
	return out
}

// mergeBatch is MergeBatch with the batch's responses already opened, or
// opened as they are merged when opened is nil.
func (c *DB) mergeBatch(ctx context.Context, b *batch.Batch, ids []age.Identity, opts MergeOptions, opened []*openJob) (MergeResult, error) {
	m := &b.Manifest
	res := MergeResult{File: b.Path, DeviceID: m.DeviceID, Seq: m.Seq, Demo: m.Demo}
	switch {
	case m.Demo && !opts.Demo:
		return res, fmt.Errorf("%w: this is a demo batch; merge demo batches into a separate database with --demo", ErrDemo)
	case !m.Demo && opts.Demo:
		return res, fmt.Errorf("%w: this batch holds real data and --demo was given", ErrDemo)
	}
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()

	mode, err := c.setting(ctx, tx, "demo")
	if err != nil {
		return res, err
	}
	if mode != "" && (mode == "1") != m.Demo {
		if mode == "1" {
			return res, fmt.Errorf("%w: this database holds demo data; merge real batches into another database", ErrDemo)
		}
		return res, fmt.Errorf("%w: this database holds real data; merge demo batches into another database", ErrDemo)
	}

	if err := c.checkEnrolled(ctx, tx, b); err != nil {
		return res, err
	}
	var known []byte
	err = tx.QueryRowContext(ctx, `SELECT public_key FROM devices WHERE device_id = ?`, m.DeviceID).Scan(&known)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		known = nil
	case err != nil:
		return res, err
	case !bytes.Equal(known, m.DevicePublicKey):
		return res, fmt.Errorf("%w: device %s was first seen with key %s, this batch is signed with key %s",
			ErrKeyChanged, batch.DeviceShort(m.DeviceID), seal.Fingerprint(string(known)), seal.Fingerprint(string(m.DevicePublicKey)))
	}
	if err := checkRanges(b); err != nil {
		return res, err
	}

	var have string
	err = tx.QueryRowContext(ctx, `SELECT manifest_sha256 FROM batches WHERE device_id = ? AND seq = ?`, m.DeviceID, m.Seq).Scan(&have)
	switch {
	case err == nil && have == b.ManifestSHA256:
		res.Status = AlreadyMerged
		return res, nil
	case err == nil:
		return res, fmt.Errorf("%w: batch %d of device %s was already merged with different contents (manifest %.12s, this one %.12s)",
			ErrConflict, m.Seq, batch.DeviceShort(m.DeviceID), have, b.ManifestSHA256)
	case !errors.Is(err, sql.ErrNoRows):
		return res, err
	}
	var otherDev string
	var otherSeq int64
	err = tx.QueryRowContext(ctx, `SELECT device_id, seq FROM batches WHERE batch_id = ?`, m.BatchID).Scan(&otherDev, &otherSeq)
	if err == nil {
		return res, fmt.Errorf("%w: batch id %s was already merged as batch %d of device %s", ErrConflict, m.BatchID, otherSeq, batch.DeviceShort(otherDev))
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return res, err
	}

	now := c.now()
	if known == nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO devices (device_id, public_key, name, demo, first_seen_at) VALUES (?, ?, ?, ?, ?)`,
			m.DeviceID, []byte(m.DevicePublicKey), m.DeviceName, m.Demo, now); err != nil {
			return res, err
		}
	}
	sig, err := b.Signature()
	if err != nil {
		return res, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO batches (device_id, seq, batch_id, manifest_sha256, prev_manifest_sha256,
		tar_sha256, manifest, signature, file_name, created_at, merged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.DeviceID, m.Seq, m.BatchID, b.ManifestSHA256, m.PrevManifestSHA256, b.TarSHA256, b.ManifestJSON, sig,
		filepath.Base(b.Path), m.CreatedAt, now); err != nil {
		return res, err
	}
	if mode == "" {
		v := "0"
		if m.Demo {
			v = "1"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('demo', ?)`, v); err != nil {
			return res, err
		}
	}

	surveys, err := mergeSurveys(ctx, tx, b)
	if err != nil {
		return res, err
	}
	if err := c.mergeWithdrawals(ctx, tx, b, &res); err != nil {
		return res, err
	}
	// Consents first: every response needs its consent record, from this
	// batch or an earlier one of the same device.
	if err := mergeConsents(ctx, tx, b, surveys, &res); err != nil {
		return res, err
	}
	if err := mergeResponses(ctx, tx, b, ids, surveys, opened, &res); err != nil {
		return res, err
	}
	if err := mergeRest(ctx, tx, b, &res); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	res.Status = Merged
	return res, nil
}

// mergeSurveys stores the batch's survey files and returns them parsed.
// A survey id and version has one definition whichever device carried
// it: other bytes under the same id and version are a conflict, and so
// is a question whose type differs from another version's.
func mergeSurveys(ctx context.Context, tx *sql.Tx, b *batch.Batch) (map[string]*survey.Survey, error) {
	out := map[string]*survey.Survey{}
	err := b.Surveys(func(d batch.SurveyDef) error {
		sv, err := survey.Parse(d.ID+".json", d.Body)
		if err != nil {
			return fmt.Errorf("%w: survey %s version %d in the batch does not parse: %v", batch.ErrRecord, d.ID, d.Version, err)
		}
		if sv.ID != d.ID || sv.Version != d.Version {
			return fmt.Errorf("%w: survey %s version %d is labelled %s version %d", batch.ErrRecord, sv.ID, sv.Version, d.ID, d.Version)
		}
		var other string
		err = tx.QueryRowContext(ctx, `SELECT sha256 FROM surveys WHERE survey_id = ? AND version = ? AND sha256 <> ?`,
			d.ID, d.Version, d.SHA256).Scan(&other)
		switch {
		case err == nil:
			return fmt.Errorf("%w: survey %s version %d in this batch (sha256 %.12s) is not the survey %s version %d already merged (sha256 %.12s); a changed survey needs a new version",
				ErrConflict, d.ID, d.Version, d.SHA256, d.ID, d.Version, other)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if err := checkQuestionTypes(ctx, tx, sv, d.SHA256); err != nil {
			return err
		}
		out[d.SHA256] = sv
		_, err = tx.ExecContext(ctx, `INSERT INTO surveys (sha256, survey_id, version, body) VALUES (?, ?, ?, ?)
			ON CONFLICT (sha256) DO NOTHING`, d.SHA256, d.ID, d.Version, d.Body)
		return err
	})
	return out, err
}

// checkQuestionTypes refuses sv if one of its questions has another type
// in a version of the survey already merged: csv and report put a
// question's answers of every version together.
func checkQuestionTypes(ctx context.Context, tx *sql.Tx, sv *survey.Survey, sum string) error {
	rows, err := tx.QueryContext(ctx, `SELECT version, body FROM surveys WHERE survey_id = ? AND sha256 <> ? ORDER BY version`, sv.ID, sum)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var version int
		var body []byte
		if err := rows.Scan(&version, &body); err != nil {
			return err
		}
		old, err := survey.Parse(sv.ID+".json", body)
		if err != nil {
			continue // merged before by an older chorus-central; csv reports it
		}
		for i := range sv.Questions {
			q := &sv.Questions[i]
			if o, ok := old.Question(q.ID); ok && o.Type != q.Type {
				return fmt.Errorf("%w: question %s of survey %s is %s in version %d and %s in version %d; a changed question needs a new id",
					ErrConflict, q.ID, sv.ID, o.Type, version, q.Type, sv.Version)
			}
		}
	}
	return rows.Err()
}

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
	withdrawn, err := tx.PrepareContext(ctx, `SELECT EXISTS (SELECT 1 FROM withdrawals WHERE device_id = ? AND response_id = ?)`)
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
		if err := withdrawn.QueryRowContext(ctx, m.DeviceID, r.ID).Scan(&gone); err != nil {
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
			if strings.Contains(err.Error(), "UNIQUE") {
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

// OpenResponse opens a response's sealed answers with ids and checks them:
// the payload names this response, survey and language, and every answer
// fits its question in sv. It returns the answers as JSON.
func OpenResponse(ids []age.Identity, r *batch.Response, sv *survey.Survey) ([]byte, error) {
	return openResponse(ids, r, sv, new(bytes.Buffer))
}

// openResponse is OpenResponse decrypting into buf, which it wipes after.
func openResponse(ids []age.Identity, r *batch.Response, sv *survey.Survey, buf *bytes.Buffer) ([]byte, error) {
	err := openSealed(ids, r.Sealed, buf)
	plain := buf.Bytes()
	defer clear(plain)
	if err != nil {
		return nil, fmt.Errorf("%w: response %s cannot be opened with the given identity: %v", ErrPayload, r.ID, err)
	}
	var p survey.Payload
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: response %s: answers are not valid JSON", ErrPayload, r.ID)
	}
	switch {
	case p.Format != survey.PayloadFormat:
		return nil, fmt.Errorf("%w: response %s: answers format %q, want %q", ErrPayload, r.ID, p.Format, survey.PayloadFormat)
	case p.ResponseID != r.ID:
		return nil, fmt.Errorf("%w: response %s carries the sealed answers of another response", ErrPayload, r.ID)
	case p.SurveyID != r.SurveyID || p.SurveyVersion != r.SurveyVersion || p.Language != r.Language:
		return nil, fmt.Errorf("%w: response %s: sealed survey or language does not match its record", ErrPayload, r.ID)
	case sv == nil:
		return nil, fmt.Errorf("%w: response %s: the batch does not carry its survey", ErrPayload, r.ID)
	}
	qids := make([]string, 0, len(p.Answers))
	for id := range p.Answers {
		qids = append(qids, id)
	}
	slices.Sort(qids)
	for _, id := range qids {
		q, ok := sv.Question(id)
		if !ok {
			return nil, fmt.Errorf("%w: response %s answers question %q, which survey %s version %d does not have", ErrPayload, r.ID, id, sv.ID, sv.Version)
		}
		if _, err := q.Normalize(p.Answers[id]); err != nil {
			return nil, fmt.Errorf("%w: response %s: answer to %s: %v", ErrPayload, r.ID, id, err)
		}
	}
	return json.Marshal(p.Answers)
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
		created_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
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
			cr.Format, string(purposes), cr.HowGiven, cr.Mode, cr.Staff, cr.SessionID, cr.Venue, cr.CreatedAt, cr.CreatedOffset); err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return fmt.Errorf("%w: consent record %s was already merged from another batch", ErrConflict, cr.ID)
			}
			return err
		}
		return nil
	})
}

type surveyKey struct {
	id      string
	version int
}

// consentTexts checks consent records against the survey definitions
// merged and the consent texts seen before.
type consentTexts struct {
	tx      *sql.Tx
	surveys map[surveyKey]*survey.Survey
	seen    map[[3]string]bool
}

func (t *consentTexts) check(ctx context.Context, cr *batch.Consent) error {
	k := surveyKey{cr.SurveyID, cr.SurveyVersion}
	sv, ok := t.surveys[k]
	if !ok {
		var body []byte
		err := t.tx.QueryRowContext(ctx, `SELECT body FROM surveys WHERE survey_id = ? AND version = ? ORDER BY sha256 LIMIT 1`,
			cr.SurveyID, cr.SurveyVersion).Scan(&body)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: consent record %s names survey %s version %d, which no merged batch carries",
				batch.ErrRecord, cr.ID, cr.SurveyID, cr.SurveyVersion)
		}
		if err != nil {
			return err
		}
		if sv, err = survey.Parse(cr.SurveyID+".json", body); err != nil {
			return fmt.Errorf("%w: survey %s version %d does not parse: %v", batch.ErrRecord, cr.SurveyID, cr.SurveyVersion, err)
		}
		t.surveys[k] = sv
	}
	if cr.TextVersion != sv.Consent.Version || cr.TextSHA256 != sv.ConsentSHA256(cr.Language) {
		return fmt.Errorf("%w: consent record %s says it showed consent text version %q (sha256 %.12s) in %s, which is not the text of survey %s version %d (version %q, sha256 %.12s)",
			batch.ErrRecord, cr.ID, cr.TextVersion, cr.TextSHA256, cr.Language, sv.ID, sv.Version, sv.Consent.Version, sv.ConsentSHA256(cr.Language))
	}
	key := [3]string{cr.SurveyID, cr.TextVersion, cr.Language}
	if t.seen[key] {
		return nil
	}
	var have string
	err := t.tx.QueryRowContext(ctx, `SELECT text_sha256 FROM consent_texts WHERE survey_id = ? AND text_version = ? AND language = ?`,
		cr.SurveyID, cr.TextVersion, cr.Language).Scan(&have)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO consent_texts (survey_id, text_version, language, text_sha256) VALUES (?, ?, ?, ?)`,
			cr.SurveyID, cr.TextVersion, cr.Language, cr.TextSHA256); err != nil {
			return err
		}
	case err != nil:
		return err
	case have != cr.TextSHA256:
		return fmt.Errorf("%w: consent text version %q of survey %s in %s was merged before with other words (sha256 %.12s, this batch %.12s); a changed consent text needs a new version",
			ErrConflict, cr.TextVersion, cr.SurveyID, cr.Language, have, cr.TextSHA256)
	}
	if t.seen == nil {
		t.seen = map[[3]string]bool{}
	}
	t.seen[key] = true
	return nil
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
		if err != nil && strings.Contains(err.Error(), "UNIQUE") {
			return fmt.Errorf("%w: audit event %s was already merged from another batch", ErrConflict, a.ID)
		}
		return err
	})
}

// Problem is something [DB.Check] found about a device's batches.
type Problem struct {
	DeviceID string
	Msg      string
}

// String is the problem as a line for people.
func (p Problem) String() string { return "device " + batch.DeviceShort(p.DeviceID) + ": " + p.Msg }

// Check reports, for each device, batch numbers missing below the highest
// merged and batches that do not chain to the one before them.
func (c *DB) Check(ctx context.Context) ([]Problem, error) {
	all, err := c.BatchLinks(ctx)
	if err != nil {
		return nil, err
	}
	var out []Problem
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].DeviceID == all[i].DeviceID {
			j++
		}
		dev := all[i:j:j]
		var missing []string
		next := int64(1)
		for k, r := range dev {
			switch {
			case next == r.Seq-1:
				missing = append(missing, fmt.Sprint(next))
			case next < r.Seq:
				missing = append(missing, fmt.Sprintf("%d-%d", next, r.Seq-1))
			}
			next = r.Seq + 1
			if k > 0 && dev[k-1].Seq == r.Seq-1 && dev[k-1].ManifestSHA256 != r.PrevManifestSHA256 {
				out = append(out, Problem{r.DeviceID, fmt.Sprintf("batch %d does not follow batch %d: its prev_manifest_sha256 names another manifest", r.Seq, r.Seq-1)})
			}
		}
		if len(missing) > 0 {
			word := "batch"
			if len(missing) > 1 || strings.Contains(missing[0], "-") {
				word = "batches"
			}
			out = append(out, Problem{dev[0].DeviceID, fmt.Sprintf("%s %s missing (highest merged: %d); ask the coordinator for them",
				word, strings.Join(missing, ", "), dev[len(dev)-1].Seq)})
		}
		i = j
	}
	return out, nil
}

// Verify reads and verifies the batch file at path as [DB.Merge] does,
// opening every sealed response with ids, without a database. tempDir
// holds the decrypted batch meanwhile ("" for the system's).
func Verify(path string, ids []age.Identity, tempDir string) (batch.Manifest, error) {
	b, err := batch.Read(path, ids, batch.ReadOptions{TempDir: tempDir})
	if err != nil {
		return batch.Manifest{}, err
	}
	defer b.Close()
	surveys := map[string]*survey.Survey{}
	if err := b.Surveys(func(d batch.SurveyDef) error {
		sv, err := survey.Parse(d.ID+".json", d.Body)
		if err != nil {
			return fmt.Errorf("%w: survey %s version %d in the batch does not parse: %v", batch.ErrRecord, d.ID, d.Version, err)
		}
		surveys[d.SHA256] = sv
		return nil
	}); err != nil {
		return b.Manifest, err
	}
	line := 0
	err = b.Responses(func(r batch.Response) error {
		line++
		_, err := OpenResponse(ids, &r, surveys[r.SurveySHA256])
		if err != nil {
			return fmt.Errorf("responses.jsonl line %d: %w", line, err)
		}
		return nil
	})
	return b.Manifest, err
}

// Limits on a batch's numbers. A batch outside them is refused whole:
// sums of them must stay far from overflowing in csv and report.
const (
	// MaxDeclined is the most "no thanks" one tally line may count.
	MaxDeclined = 1_000_000
	// MaxSeq is the highest batch number a device may reach.
	MaxSeq = 1_000_000_000
	// MaxOffset is the largest UTC offset, in minutes, a record may give.
	MaxOffset = 18 * 60
)

// checkRanges refuses a batch whose manifest numbers are out of range.
func checkRanges(b *batch.Batch) error {
	m := &b.Manifest
	if m.Seq < 1 || m.Seq > MaxSeq {
		return fmt.Errorf("%w: manifest.json: batch number %d is out of range (1 to %d)", batch.ErrRecord, m.Seq, MaxSeq)
	}
	for _, sv := range m.Surveys {
		if sv.Version < 1 || sv.Version > MaxSeq {
			return fmt.Errorf("%w: manifest.json: survey %s version %d is out of range (1 to %d)", batch.ErrRecord, sv.ID, sv.Version, MaxSeq)
		}
	}
	return nil
}

// checkOffset refuses a UTC offset no clock has.
func checkOffset(member string, line int, minutes int) error {
	if minutes < -MaxOffset || minutes > MaxOffset {
		return fmt.Errorf("%w: %s line %d: UTC offset %d minutes is out of range (-%d to %d)", batch.ErrRecord, member, line, minutes, MaxOffset, MaxOffset)
	}
	return nil
}

// checkEnrolled lets b through only if its signing key is enrolled and
// bound to the device id the batch gives (binding it at the key's first
// batch). A batch from any other key is quarantined: the key is recorded
// in the register, committed, and a [*NotEnrolledError] returned; nothing
// else is merged.
func (c *DB) checkEnrolled(ctx context.Context, tx *sql.Tx, b *batch.Batch) error {
	m := &b.Manifest
	fp := seal.Fingerprint(string(m.DevicePublicKey))
	reg, err := device(ctx, tx, fp)
	switch {
	case errors.Is(err, ErrUnknownDevice) || (err == nil && reg.Status == Quarantined):
		return c.quarantine(ctx, tx, b, fp)
	case err != nil:
		return err
	case reg.Status == Retired:
		return fmt.Errorf("%w: %s %q was retired on %s; its batches are not merged", ErrRetired, fp, reg.Name, reg.ChangedAt)
	case reg.DeviceID == "":
		other, err := deviceByID(ctx, tx, m.DeviceID)
		if err == nil {
			return fmt.Errorf("%w: key %s is enrolled, but its batch gives the device id %s of %s %q (%s); a reinstalled laptop must be set up as a new device",
				ErrKeyChanged, fp, batch.DeviceShort(m.DeviceID), other.Status, other.Name, other.Fingerprint)
		}
		if !errors.Is(err, ErrUnknownDevice) {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE enrolment SET device_id = ?, public_key = ?, claimed_name = ?, first_seen_at = ?,
			name = CASE name WHEN '' THEN ? ELSE name END WHERE fingerprint = ?`,
			m.DeviceID, []byte(m.DevicePublicKey), m.DeviceName, c.now(), m.DeviceName, fp)
		return err
	case reg.DeviceID != m.DeviceID:
		return fmt.Errorf("%w: key %s is enrolled for device %s, but this batch gives device id %s",
			ErrKeyChanged, fp, batch.DeviceShort(reg.DeviceID), batch.DeviceShort(m.DeviceID))
	}
	return nil
}

// quarantine records b's key in the register as quarantined and returns
// the error that says so.
func (c *DB) quarantine(ctx context.Context, tx *sql.Tx, b *batch.Batch, fp string) error {
	m := &b.Manifest
	qerr := &NotEnrolledError{Fingerprint: fp, DeviceID: m.DeviceID, Name: m.DeviceName}
	if other, err := deviceByID(ctx, tx, m.DeviceID); err == nil {
		qerr.Claims = fmt.Sprintf("it gives the device id of %s %q (%s), whose key is another: a copy of that laptop, or a forgery",
			other.Status, other.Name, other.Fingerprint)
	} else if !errors.Is(err, ErrUnknownDevice) {
		return err
	} else {
		var name, ofp string
		err := tx.QueryRowContext(ctx, `SELECT name, fingerprint FROM enrolment WHERE status = 'enrolled' AND (name = ? OR claimed_name = ?) LIMIT 1`,
			m.DeviceName, m.DeviceName).Scan(&name, &ofp)
		if err == nil {
			qerr.Claims = fmt.Sprintf("it has the name of enrolled device %q (%s), whose key is another", name, ofp)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	now := c.now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO enrolment (fingerprint, status, name, device_id, public_key, claimed_name,
		first_seen_at, last_file, quarantined, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
		ON CONFLICT (fingerprint) DO UPDATE SET last_file = excluded.last_file, quarantined = quarantined + 1`,
		fp, Quarantined, m.DeviceName, m.DeviceID, []byte(m.DevicePublicKey), m.DeviceName, now, filepath.Base(b.Path), now); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return qerr
}
