package app

import (
	"context"
	"testing"

	"chorus/data/store"
	"chorus/data/survey"

	"fyne.io/fyne/v2/test"
)

// Two visits that draw the same receipt code: the second is saved with a
// new code, and the thank-you screen shows the code that was saved, so a
// withdrawal by it takes that response and no other. (Before: the second
// visit could not be saved at all, however often Send was pressed.)
func TestASecondVisitWithTheSameReceiptGetsANewOne(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	r.signOut(t)
	same := survey.NewReceipt()
	draws := 0
	newReceipt = func() string {
		draws++
		if draws <= 2 {
			return same
		}
		return survey.NewReceipt()
	}
	t.Cleanup(func() { newReceipt = survey.NewReceipt })

	first := answerAll(t, r.sh.kiosk, "en")
	test.Tap(r.sh.kiosk.thanks.finish)
	second := answerAll(t, r.sh.kiosk, "en")
	if first != same || second == same || second == "" {
		t.Fatalf("receipts %q then %q (the drawn code was %q): the second visit should get a new code", first, second, same)
	}
	var n int
	r.st.DB().QueryRow(`SELECT count(*) FROM responses`).Scan(&n)
	if n != 2 {
		t.Fatalf("%d responses saved, want 2", n)
	}
	res, err := r.st.Withdraw(context.Background(), second, "test")
	if err != nil || res != store.WithdrawnHere {
		t.Fatalf("withdrawing by the code shown: %v %v", res, err)
	}
	r.st.DB().QueryRow(`SELECT count(*) FROM responses`).Scan(&n)
	if n != 1 {
		t.Fatalf("withdrawing by the second code left %d responses, want 1 (the first visit's)", n)
	}
}
