package store

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
)

// Two visits that drew the same receipt code: the second is refused with
// ErrReceiptTaken, which says what happened (so the kiosk can draw a new
// code), and nothing of it is stored. One code must never name two
// responses: a withdrawal by that code would take both.
func TestSameReceiptTwiceIsErrReceiptTaken(t *testing.T) {
	st, dev, rs := openTest(t)
	sv := testSurvey(t)
	first := submission(sv, dev, "first")
	if _, err := st.Submit(context.Background(), rs, first); err != nil {
		t.Fatal(err)
	}
	second := submission(sv, dev, "second")
	second.Consent.ID = uuid.Must(uuid.NewV7()).String()
	second.Consent.ReceiptHash = first.Consent.ReceiptHash
	_, err := st.Submit(context.Background(), rs, second)
	if !errors.Is(err, ErrReceiptTaken) {
		t.Fatalf("the same receipt twice: %v, want ErrReceiptTaken", err)
	}
	c, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Responses != 1 {
		t.Errorf("%d responses stored, want 1", c.Responses)
	}
}
