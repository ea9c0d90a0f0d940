package report

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"testing"

	"chorus/data/survey"
)

// BenchmarkReport100k makes the report of 100,000 responses to the
// digital inclusion survey, written with SQL in one transaction.
func BenchmarkReport100k(b *testing.B) {
	const n = 100_000
	body, sv := repSurveyFile(b)
	db := repOpen(b)
	tx, err := db.SQL().Begin()
	if err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256(body)
	svSum := hex.EncodeToString(sum[:])
	must := func(_ any, err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(tx.Exec(`INSERT INTO surveys VALUES (?, ?, ?, ?)`, svSum, sv.ID, sv.Version, body))
	must(tx.Exec(`INSERT INTO devices VALUES ('d', x'00', 'kiosk', 0, '2026-11-24T08:00:00Z')`))
	for seq := 1; seq <= 100; seq++ {
		must(tx.Exec(`INSERT INTO batches VALUES ('d', ?, ?, ?, ?, '', x'00', x'00', 'f', '2026-11-30T18:00:00Z', '2026-12-01T09:00:00Z')`,
			seq, fmt.Sprint("b", seq), fmt.Sprint("m", seq), fmt.Sprint("m", seq-1)))
	}
	resp, err := tx.Prepare(`INSERT INTO responses VALUES (?, 'd', ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, 'complete', ?, ?, 0, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	cons, err := tx.Prepare(`INSERT INTO consents VALUES (?, 'd', ?, ?, ?, ?, '1', '', ?, 'standard', ?, 'tap', ?, '', ?, ?, ?, 0)`)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	modes := []string{"self", "self", "assisted", "worker"}
	venues := []string{"Central Library", "Riverside Community Centre", "Castle Street Surgery", "Mobile unit"}
	for i := range n {
		ans := survey.Answers{}
		for _, q := range sv.Questions {
			if !q.Answerable() || rng.IntN(10) == 0 {
				continue
			}
			switch q.Type {
			case survey.Multi:
				ans[q.ID] = survey.Answer{Choices: []string{q.Options[rng.IntN(len(q.Options))].Code}}
			case survey.Free:
				ans[q.ID] = survey.Answer{Text: fmt.Sprint("Answer number ", rng.IntN(1000))}
			case survey.Number:
				v := *q.Min + rng.IntN(*q.Max-*q.Min+1)
				ans[q.ID] = survey.Answer{Number: &v}
			default:
				ans[q.ID] = survey.Answer{Choice: q.Options[rng.IntN(len(q.Options))].Code}
			}
		}
		a, _ := json.Marshal(ans)
		id, lang, mode := fmt.Sprint("r", i), sv.Languages[rng.IntN(len(sv.Languages))], modes[rng.IntN(len(modes))]
		venue, session := venues[rng.IntN(len(venues))], fmt.Sprint("s", i/50)
		created := fmt.Sprintf("2026-11-%02dT10:00:00Z", 1+i%28)
		purposes := `{"quotes":false,"take_part":true}`
		if i%2 == 0 {
			purposes = `{"quotes":true,"take_part":true}`
		}
		seq := 1 + i/(n/100)
		must(cons.Exec("c"+id, seq, i, sv.ID, sv.Version, lang, purposes, mode, session, venue, created))
		must(resp.Exec(id, seq, i, sv.ID, sv.Version, svSum, lang, mode, session, venue, "c"+id, created, created, string(a)))
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	var res Result
	for b.Loop() {
		res, err = Write(context.Background(), db, io.Discard, Options{IncludeQuotes: true})
		if err != nil {
			b.Fatal(err)
		}
	}
	if res.Responses != n {
		b.Fatalf("report of %d responses", res.Responses)
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(secs, "s/report")
	fmt.Fprintf(os.Stderr, "report of %d responses (%d quotes listed): %.2f s (goal 10 s)\n", n, res.Quotes, secs)
}
