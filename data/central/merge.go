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
		out[d.SHA256] = sv
		_, err = tx.ExecContext(ctx, `INSERT INTO surveys (sha256, survey_id, version, body) VALUES (?, ?, ?, ?)
			ON CONFLICT (sha256) DO NOTHING`, d.SHA256, d.ID, d.Version, d.Body)
		return err
	})
	return out, err
}

func (c *DB) mergeWithdrawals(ctx context.Context, tx *sql.Tx, b *batch.Batch, res *MergeResult) error {
	m := &b.Manifest
	return b.Withdrawals(func(w batch.Withdrawal) error {
		res.Withdrawals++
		if _, err := tx.ExecContext(ctx, `INSERT INTO withdrawals (response_id, consent_id, id, device_id, batch_seq, staff,
			created_at, created_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (response_id) DO NOTHING`,
			w.ResponseID, w.ConsentID, w.ID, m.DeviceID, m.Seq, w.Staff, w.CreatedAt, w.CreatedOffset); err != nil {
			return err
		}
		r, err := tx.ExecContext(ctx, `DELETE FROM responses WHERE id = ?`, w.ResponseID)
		if err != nil {
			return err
		}
		n, _ := r.RowsAffected()
		res.WithdrawalsApplied += n
		_, err = tx.ExecContext(ctx, `DELETE FROM consents WHERE id = ?`, w.ConsentID)
		return err
	})
}

// mergeResponses inserts the batch's responses, opened with ids as they go
// or, when opened is not nil, opened already.
func mergeResponses(ctx context.Context, tx *sql.Tx, b *batch.Batch, ids []age.Identity, surveys map[string]*survey.Survey,
	opened []*openJob, res *MergeResult) error {
	m := &b.Manifest
	withdrawn, err := tx.PrepareContext(ctx, `SELECT EXISTS (SELECT 1 FROM withdrawals WHERE response_id = ?)`)
	if err != nil {
		return err
	}
	defer withdrawn.Close()
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
		var gone bool
		if err := withdrawn.QueryRowContext(ctx, r.ID).Scan(&gone); err != nil {
			return err
		}
		if gone {
			res.SkippedWithdrawn++
			return nil
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

// mergeRest merges consents, the declined tally and audit events.
func mergeRest(ctx context.Context, tx *sql.Tx, b *batch.Batch, res *MergeResult) error {
	m := &b.Manifest
	// Prepared once for the batch's consents, not once a record.
	withdrawn, err := tx.PrepareContext(ctx, `SELECT EXISTS (SELECT 1 FROM withdrawals WHERE consent_id = ?)`)
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
	line := 0
	err = b.Consents(func(cr batch.Consent) error {
		line++
		res.Consents++
		var gone bool
		if err := withdrawn.QueryRowContext(ctx, cr.ID).Scan(&gone); err != nil {
			return err
		}
		if gone {
			return nil
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
	if err != nil {
		return err
	}
	line = 0
	err = b.Declined(func(d batch.Declined) error {
		line++
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
	rows, err := c.db.QueryContext(ctx, `SELECT device_id, seq, manifest_sha256, prev_manifest_sha256 FROM batches ORDER BY device_id, seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type row struct {
		dev       string
		seq       int64
		sum, prev string
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.dev, &r.seq, &r.sum, &r.prev); err != nil {
			return nil, err
		}
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Problem
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].dev == all[i].dev {
			j++
		}
		dev := all[i:j:j]
		var missing []string
		next := int64(1)
		for k, r := range dev {
			switch {
			case next == r.seq-1:
				missing = append(missing, fmt.Sprint(next))
			case next < r.seq:
				missing = append(missing, fmt.Sprintf("%d-%d", next, r.seq-1))
			}
			next = r.seq + 1
			if k > 0 && dev[k-1].seq == r.seq-1 && dev[k-1].sum != r.prev {
				out = append(out, Problem{r.dev, fmt.Sprintf("batch %d does not follow batch %d: its prev_manifest_sha256 names another manifest", r.seq, r.seq-1)})
			}
		}
		if len(missing) > 0 {
			word := "batch"
			if len(missing) > 1 || strings.Contains(missing[0], "-") {
				word = "batches"
			}
			out = append(out, Problem{dev[0].dev, fmt.Sprintf("%s %s missing (highest merged: %d); ask the coordinator for them",
				word, strings.Join(missing, ", "), dev[len(dev)-1].seq)})
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
