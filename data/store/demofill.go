package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"chorus/data/seal"
	"chorus/data/survey"

	"github.com/google/uuid"
)

// ErrNotDemo is returned by [Store.DemoFill] for a folder holding real
// data.
var ErrNotDemo = errors.New("this data folder holds real data; demo-fill only fills demo folders")

// DemoFillResult counts what [Store.DemoFill] added.
type DemoFillResult struct {
	Responses, Declined, WithdrawnHere, WithdrawnQueued int
}

// demoVenues are the demo sessions' venues.
var demoVenues = []string{"Demo: Central Library", "Demo: Riverside Community Centre", "Demo: Castle Street Surgery"}

// demoTexts are free-text answers per language. Some are awkward on
// purpose: a formula, a line break, emoji, right-to-left text.
var demoTexts = map[string][]string{
	"en": {"The receptionist helped me book online.", "I can't get through on the phone in the morning.",
		"=HYPERLINK(\"http://example.invalid\")", "My grandson sets things up for me.\nBut he lives far away now.",
		"Video calls are fine 👍", "Fy meddyg teulu — my GP — is kind.", "نعم، أستخدم الهاتف"},
	"cy": {"Mae'r dderbynfa'n garedig iawn.", "Dw i ddim yn hoffi ffonio.", "Mae'n anodd cael apwyntiad.",
		"+44 dim signal yn y pentref", "Rwy'n defnyddio fy ffôn bob dydd."},
}

// DemoFill adds n synthetic responses to a demo folder, sealed for real
// to the folder's recipients, in varied languages and modes, with about
// one person in twelve declining and a few withdrawals: of new responses
// (deleted here) and, when earlier ones were exported, of those (queued for
// the next batch). sv (with its file body) is recorded as the survey.
// seed makes the data repeatable. Responses are sealed on every CPU and
// committed a thousand to a transaction.
func (s *Store) DemoFill(ctx context.Context, sv *survey.Survey, body []byte, n int, seed uint64) (DemoFillResult, error) {
	var res DemoFillResult
	dev, err := s.Device()
	if errors.Is(err, ErrNoDevice) {
		dev, err = s.InitDevice("demo", true)
	}
	if err != nil {
		return res, err
	}
	if !dev.Demo {
		return res, fmt.Errorf("%s: %w", s.dir, ErrNotDemo)
	}
	rs, err := s.Recipients()
	if err != nil {
		return res, err
	}
	if err := s.AddSurvey(sv, body); err != nil {
		return res, err
	}
	sessions, err := s.demoSessions(ctx, sv)
	if err != nil {
		return res, err
	}
	rng := rand.New(rand.NewPCG(seed, uint64(n)))

	// Withdraw some responses that were exported earlier.
	exported, err := s.exportedConsents(ctx, max(1, n/100), rng)
	if err != nil {
		return res, err
	}

	const chunk = 1000
	for start := 0; start < n; start += chunk {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		m := min(chunk, n-start)
		subs := make([]Submission, 0, m)
		var declines []demoDecline
		for range m {
			sub := demoSubmission(rng, sv, dev, sessions, s.clock())
			if rng.IntN(12) == 0 {
				declines = append(declines, demoDecline{language: sub.Language, session: sub.SessionID})
				continue
			}
			subs = append(subs, sub)
		}
		sealed, err := sealAll(rs, subs)
		if err != nil {
			return res, err
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return res, err
		}
		for i, sub := range subs {
			if err := s.insertTx(ctx, tx, sealed[i].id, sub, sealed[i].sealed); err != nil {
				tx.Rollback()
				return res, err
			}
		}
		for _, d := range declines {
			if _, err := tx.ExecContext(ctx, `INSERT INTO declined (survey_id, survey_version, language, session_id, day)
				VALUES (?, ?, ?, ?, ?)`, sv.ID, sv.Version, d.language, nullable(d.session), s.clock().Format(time.DateOnly)); err != nil {
				tx.Rollback()
				return res, err
			}
		}
		// About one new response in two hundred is withdrawn again.
		for _, sub := range subs {
			if rng.IntN(200) == 0 {
				if _, err := s.withdrawConsent(ctx, tx, sub.Consent.ID, sql.NullInt64{}, sub.Consent.ReceiptHash, "Demo coordinator"); err != nil {
					tx.Rollback()
					return res, err
				}
				res.WithdrawnHere++
			}
		}
		if start == 0 {
			for _, c := range exported {
				if _, err := s.withdrawConsent(ctx, tx, c.id, sql.NullInt64{Int64: c.batch, Valid: true}, c.receipt, "Demo coordinator"); err != nil {
					tx.Rollback()
					return res, err
				}
				res.WithdrawnQueued++
			}
		}
		if err := tx.Commit(); err != nil {
			return res, err
		}
		res.Responses += len(subs)
		res.Declined += len(declines)
	}
	res.Responses -= res.WithdrawnHere
	if res.WithdrawnHere+res.WithdrawnQueued > 0 {
		if err := s.Checkpoint(); err != nil {
			return res, err
		}
	}
	return res, s.Audit(ctx, "demo-fill", "demo.filled", fmt.Sprintf("%d synthetic responses added", res.Responses))
}

type demoDecline struct{ language, session string }

type exportedConsent struct {
	id, receipt string
	batch       int64
}

// exportedConsents picks up to n consent records that went out in a batch.
func (s *Store) exportedConsents(ctx context.Context, n int, rng *rand.Rand) ([]exportedConsent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, receipt_hash, batch_seq FROM consents
		WHERE batch_seq IS NOT NULL ORDER BY seq LIMIT ?`, n*10)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []exportedConsent
	for rows.Next() {
		var c exportedConsent
		if err := rows.Scan(&c.id, &c.receipt, &c.batch); err != nil {
			return nil, err
		}
		all = append(all, c)
	}
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	return all[:min(n, len(all))], rows.Err()
}

// demoSessions opens (or finds) one demo session per demo venue.
func (s *Store) demoSessions(ctx context.Context, sv *survey.Survey) ([]string, error) {
	var out []string
	for i, venue := range demoVenues {
		id := fmt.Sprintf("demo-session-%d", i+1)
		now := s.clock()
		if _, err := s.db.ExecContext(ctx, `INSERT INTO sessions (id, venue, worker, survey_sha256, opened_at, opened_offset)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`, id, venue, "Demo worker", sv.SHA256, utc(now), offset(now)); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// demoSubmission makes one varied, valid submission.
func demoSubmission(rng *rand.Rand, sv *survey.Survey, dev Device, sessions []string, now time.Time) Submission {
	lang := sv.Languages[0]
	if len(sv.Languages) > 1 && rng.IntN(3) == 0 {
		lang = sv.Languages[1+rng.IntN(len(sv.Languages)-1)]
	}
	mode, how, staff, interp := survey.ModeSelf, survey.GivenTap, "", ""
	switch r := rng.IntN(20); {
	case r < 5:
		mode, staff = survey.ModeAssisted, "Demo worker"
		if rng.IntN(4) == 0 {
			interp = []string{"pl", "ar", "ur", "ro"}[rng.IntN(4)]
		}
	case r < 8:
		mode, how, staff = survey.ModeWorker, survey.GivenVerbal, "Demo worker"
	}
	purposes := map[string]bool{}
	for _, p := range sv.Consent.Purposes {
		purposes[p.ID] = p.Required || rng.IntN(2) == 0
	}
	status := survey.Complete
	partial := rng.IntN(25) == 0
	if partial {
		status = survey.Partial
	}
	ans := survey.Answers{}
	for i := sv.Next(-1, ans); i >= 0; i = sv.Next(i, ans) {
		q := &sv.Questions[i]
		if partial && rng.IntN(3) == 0 {
			break
		}
		if !q.Answerable() || (!q.Required && rng.IntN(8) == 0) {
			continue
		}
		ans[q.ID] = demoAnswer(rng, q, lang)
	}
	return Submission{
		Survey: sv,
		Consent: survey.ConsentRecord{
			ID:            uuid.Must(uuid.NewV7()).String(),
			ReceiptHash:   survey.HashReceipt(survey.NewReceipt()),
			SurveyID:      sv.ID,
			SurveyVersion: sv.Version,
			TextVersion:   sv.Consent.Version,
			TextSHA256:    sv.ConsentSHA256(lang),
			Language:      lang,
			Format:        survey.FormatStandard,
			Purposes:      purposes,
			HowGiven:      how,
			Mode:          mode,
			Staff:         staff,
			At:            now,
			DeviceID:      dev.ID,
		},
		Answers:             ans,
		Language:            lang,
		Mode:                mode,
		InterpreterLanguage: interp,
		SessionID:           sessions[rng.IntN(len(sessions))],
		Status:              status,
		StartedAt:           now.Add(-time.Duration(2+rng.IntN(15)) * time.Minute),
	}
}

func demoAnswer(rng *rand.Rand, q *survey.Question, lang string) survey.Answer {
	switch q.Type {
	case survey.Multi:
		a := survey.Answer{}
		for range 1 + rng.IntN(3) {
			a = q.Toggle(a, q.Options[rng.IntN(len(q.Options))].Code)
		}
		if len(a.Choices) == 0 {
			a = q.Toggle(a, q.Options[0].Code)
		}
		return a
	case survey.Free:
		texts := demoTexts[lang]
		if len(texts) == 0 {
			texts = demoTexts["en"]
		}
		t := []rune(texts[rng.IntN(len(texts))])
		if q.Limit() < 20 {
			t = []rune(fmt.Sprintf("CF%d %dAB", 1+rng.IntN(99), rng.IntN(10)))
		}
		return survey.Answer{Text: string(t[:min(len(t), q.Limit())])}
	case survey.Number:
		n := *q.Min + rng.IntN(*q.Max-*q.Min+1)
		return survey.Answer{Number: &n}
	default:
		return survey.Answer{Choice: q.Options[rng.IntN(len(q.Options))].Code}
	}
}

type sealedSub struct {
	id     string
	sealed []byte
}

// sealAll checks and seals subs on every CPU, keeping their order.
func sealAll(rs []seal.Recipient, subs []Submission) ([]sealedSub, error) {
	out := make([]sealedSub, len(subs))
	errs := make([]error, len(subs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				out[i].id, out[i].sealed, errs[i] = prepare(rs, subs[i])
			}
		})
	}
	for i := range subs {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err // the first is enough: the others are alike
		}
	}
	return out, nil
}
