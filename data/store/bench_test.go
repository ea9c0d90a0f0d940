package store

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"chorus/data/seal"
	"chorus/data/survey"

	"github.com/google/uuid"
)

// BenchmarkSubmit measures a real submission: seal to the demo analyst key
// and a durable (synchronous=FULL) commit of consent + response.
func BenchmarkSubmit(b *testing.B) {
	st, dev, rs := openTest(b)
	sv := testSurvey(b)
	sub := submission(sv, dev, "The receptionist helped me book online.")
	b.ReportAllocs()
	for b.Loop() {
		sub.Consent.ID = uuid.Must(uuid.NewV7()).String()
		sub.Consent.ReceiptHash = survey.HashReceipt(survey.NewReceipt())
		if _, err := st.Submit(context.Background(), rs, sub); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawInsert is Submit's baseline: the same DSN, the same two rows
// and the same payload size, but no sealing, validation or JSON.
func BenchmarkRawInsert(b *testing.B) {
	st, dev, rs := openTest(b)
	sv := testSurvey(b)
	sub := submission(sv, dev, "The receptionist helped me book online.")
	sealed, err := seal.Seal(rs, []byte(`{"format":"chorus-answers/1","response_id":"0193a8c4-0000-7000-8000-000000000000","survey_id":"all_types","survey_version":3,"language":"cy","answers":{"age":{"number":42},"confidence":{"choice":"happy"},"devices":{"choices":["phone"]},"online":{"choice":"yes"},"story":{"text":"The receptionist helped me book online."}}}`))
	if err != nil {
		b.Fatal(err)
	}
	payload := make([]byte, len(sealed))
	rand.Read(payload)
	b.ReportAllocs()
	for b.Loop() {
		sub.Consent.ID = uuid.Must(uuid.NewV7()).String()
		sub.Consent.ReceiptHash = survey.HashReceipt(survey.NewReceipt())
		sub.Consent.At = time.Now()
		if err := st.insert(context.Background(), uuid.Must(uuid.NewV7()).String(), sub, payload); err != nil {
			b.Fatal(err)
		}
	}
}
