package central

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"chorus/data/batch"
	"chorus/data/survey"

	"filippo.io/age"
)

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
