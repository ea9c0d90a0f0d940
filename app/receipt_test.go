package app

import (
	"context"
	"testing"

	"chorus/data/store"
	"chorus/data/survey"

	"fyne.io/fyne/v2"
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

// TestReceiptCodeSeenWithoutScrolling: at 200% text on a 1024×768 screen
// under the demo banner (1024×690 for the kiosk), in a left-to-right and a
// right-to-left language, the receipt code is wholly in view as the
// thank-you screen opens.
func TestReceiptCodeSeenWithoutScrolling(t *testing.T) {
	for _, lang := range []string{"en", "ar", "pa"} {
		t.Run(lang, func(t *testing.T) {
			r, clk := builtinRig(t)
			k := r.k
			size := fyne.NewSize(1024, 690)
			r.win.Resize(size)
			c := &tapCounter{r: r, clk: clk}
			c.tap(k.welcome.langs[lang])
			k.display.setScale(2)
			c.tap(k.consent.agree)
			c.tap(k.intro.start)
			c.answerToReview(t)
			c.tap(k.review.submit)
			if k.thanks == nil {
				t.Fatal("no thank-you screen")
			}
			settleLayout(r.win, size)
			sc := k.page.scroll
			at, ok := positionIn(sc.Content, k.thanks.code)
			if !ok {
				t.Fatal("the code is not on the page")
			}
			if bottom := at.Y + k.thanks.code.Size().Height; bottom > sc.Offset.Y+sc.Size().Height || at.Y < sc.Offset.Y {
				t.Errorf("the code is at %.0f-%.0f; the view shows %.0f-%.0f", at.Y, bottom, sc.Offset.Y, sc.Offset.Y+sc.Size().Height)
			}
		})
	}
}
