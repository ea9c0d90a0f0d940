// Package demo makes synthetic data for demo folders: varied, valid
// responses sealed for real to the folder's recipients, declined
// consents and withdrawals, for training and for tests and benchmarks
// that need many responses. [Fill] refuses a folder that holds real data.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"

	"github.com/google/uuid"
)

// ErrNotDemo is returned by [Fill] for a folder holding real data.
var ErrNotDemo = errors.New("this data folder holds real data; demo-fill only fills demo folders")

// Result counts what [Fill] added.
type Result struct {
	Responses, Declined, WithdrawnHere, WithdrawnQueued int
}

// venues are the demo sessions' venues.
var venues = []string{"Demo: Central Library", "Demo: Riverside Community Centre", "Demo: Castle Street Surgery"}

// freeTexts are free-text answers per language. Some are awkward on
// purpose: a formula, a line break, emoji, right-to-left text.
var freeTexts = map[string][]string{
	"en": {"The receptionist helped me book online.", "I can't get through on the phone in the morning.",
		"=HYPERLINK(\"http://example.invalid\")", "My grandson sets things up for me.\nBut he lives far away now.",
		"Video calls are fine 👍", "Fy meddyg teulu — my GP — is kind.", "نعم، أستخدم الهاتف"},
	"cy": {"Mae'r dderbynfa'n garedig iawn.", "Dw i ddim yn hoffi ffonio.", "Mae'n anodd cael apwyntiad.",
		"+44 dim signal yn y pentref", "Rwy'n defnyddio fy ffôn bob dydd."},
}

// Fill adds n synthetic responses to the demo folder st, sealed for real
// to the folder's recipients, in varied languages and modes, with about
// one person in twelve declining and a few withdrawals: of new responses
// (deleted here) and, when earlier ones were exported, of those (queued for
// the next batch). sv (with its file body) is recorded as the survey.
// seed makes the data repeatable. Responses are sealed on every CPU and
// committed a thousand to a transaction.
func Fill(ctx context.Context, st *store.Store, sv *survey.Survey, body []byte, n int, seed uint64) (Result, error) {
	var res Result
	dev, err := st.Device()
	if errors.Is(err, store.ErrNoDevice) {
		dev, err = st.InitDevice("demo", true)
	}
	if err != nil {
		return res, err
	}
	if !dev.Demo {
		return res, fmt.Errorf("%s: %w", st.Dir(), ErrNotDemo)
	}
	rs, err := st.Recipients()
	if err != nil {
		return res, err
	}
	if err := st.AddSurvey(sv, body); err != nil {
		return res, err
	}
	sessions, err := putSessions(ctx, st, sv)
	if err != nil {
		return res, err
	}
	rng := rand.New(rand.NewPCG(seed, uint64(n)))

	// Withdraw some responses that were exported earlier.
	exported, err := exportedConsents(ctx, st, max(1, n/100), rng)
	if err != nil {
		return res, err
	}

	const chunk = 1000
	for start := 0; start < n; start += chunk {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		m := min(chunk, n-start)
		subs := make([]store.Submission, 0, m)
		bulk := store.Bulk{Staff: "Demo coordinator"}
		for range m {
			sub := submission(rng, sv, dev, sessions, st.Now())
			if rng.IntN(12) == 0 {
				bulk.Declined = append(bulk.Declined, store.Declined{Survey: sv, Language: sub.Language, SessionID: sub.SessionID})
				continue
			}
			subs = append(subs, sub)
		}
		if bulk.Responses, err = sealAll(rs, subs); err != nil {
			return res, err
		}
		// About one new response in two hundred is withdrawn again.
		for _, sub := range subs {
			if rng.IntN(200) == 0 {
				bulk.Withdraw = append(bulk.Withdraw, store.Withdrawal{ConsentID: sub.Consent.ID, ReceiptHash: sub.Consent.ReceiptHash})
				res.WithdrawnHere++
			}
		}
		if start == 0 {
			bulk.Withdraw = append(bulk.Withdraw, exported...)
			res.WithdrawnQueued += len(exported)
		}
		if err := st.AddBulk(ctx, bulk); err != nil {
			return res, err
		}
		res.Responses += len(subs)
		res.Declined += len(bulk.Declined)
	}
	res.Responses -= res.WithdrawnHere
	if res.WithdrawnHere+res.WithdrawnQueued > 0 {
		if err := st.Checkpoint(); err != nil {
			return res, err
		}
	}
	return res, st.Audit(ctx, "demo-fill", "demo.filled", fmt.Sprintf("%d synthetic responses added", res.Responses))
}

// exportedConsents picks up to n consent records that went out in a batch.
func exportedConsents(ctx context.Context, st *store.Store, n int, rng *rand.Rand) ([]store.Withdrawal, error) {
	all, err := st.ExportedConsents(ctx, n*10)
	if err != nil {
		return nil, err
	}
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	return all[:min(n, len(all))], nil
}

// putSessions opens (or finds) one demo session per demo venue.
func putSessions(ctx context.Context, st *store.Store, sv *survey.Survey) ([]string, error) {
	var out []string
	for i, venue := range venues {
		id := fmt.Sprintf("demo-session-%d", i+1)
		if err := st.PutSession(ctx, id, venue, "Demo worker", sv); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// submission makes one varied, valid submission.
func submission(rng *rand.Rand, sv *survey.Survey, dev store.Device, sessions []string, now time.Time) store.Submission {
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
		ans[q.ID] = answer(rng, q, lang)
	}
	return store.Submission{
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

// answer makes an answer to q in language lang.
func answer(rng *rand.Rand, q *survey.Question, lang string) survey.Answer {
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
		texts := freeTexts[lang]
		if len(texts) == 0 {
			texts = freeTexts["en"]
		}
		t := []rune(texts[rng.IntN(len(texts))])
		if q.Limit() < 20 {
			t = []rune(fmt.Sprintf("CF%d %dAB", 1+rng.IntN(99), rng.IntN(10)))
		}
		return survey.Answer{Text: string(t[:min(len(t), q.Limit())])}
	case survey.Number:
		lo, hi := 0, 100 // a number question may leave min and max open
		if q.Min != nil {
			lo = *q.Min
		}
		if q.Max != nil {
			hi = *q.Max
		}
		if hi < lo {
			hi = lo
		}
		n := lo + rng.IntN(hi-lo+1)
		return survey.Answer{Number: &n}
	case survey.Date:
		return survey.Answer{Text: fmt.Sprintf("19%02d-%02d-%02d", 30+rng.IntN(70), 1+rng.IntN(12), 1+rng.IntN(28))}
	case survey.Decimal:
		return survey.Answer{Text: fmt.Sprintf("%d.%d", rng.IntN(100), rng.IntN(10))}
	case survey.Info:
		return survey.Answer{}
	default:
		return survey.Answer{Choice: q.Options[rng.IntN(len(q.Options))].Code}
	}
}

// sealAll checks and seals subs on every CPU, keeping their order.
func sealAll(rs []seal.Recipient, subs []store.Submission) ([]store.Sealed, error) {
	out := make([]store.Sealed, len(subs))
	errs := make([]error, len(subs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				out[i], errs[i] = store.Seal(rs, subs[i])
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
