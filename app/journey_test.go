package app

import (
	"testing"

	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// tapCounter drives the kiosk and counts every tap and typing the
// participant does.
type tapCounter struct {
	r   *rig
	clk *manualClock
	n   int
}

func (c *tapCounter) tap(o fyne.Tappable) {
	c.n++
	c.r.tap(c.clk, o)
}

func (c *tapCounter) typeInto(e fyne.Focusable, text string) {
	c.n++ // one answer typed counts as one step, however long
	c.clk.add(settleTime)
	test.Type(e, text)
}

// tapsToThanks answers every core question of the built-in survey with its
// first option (or a short text), skips the questions about you, sends, and
// returns the number of taps from the welcome screen to the thank-you
// screen.
func tapsToThanks(t *testing.T) int {
	t.Helper()
	r, clk := builtinRig(t)
	k := r.k
	c := &tapCounter{r: r, clk: clk}
	c.tap(k.welcome.langs["en"])
	c.tap(k.consent.agree)
	if k.intro != nil {
		c.tap(k.intro.start)
	}
	for steps := 0; k.question != nil; steps++ {
		if steps > 30 {
			t.Fatal("the survey does not end")
		}
		q := k.question
		switch {
		case q.q.ID == "about_you":
			for i, o := range q.q.Options {
				if o.Code == "skip" {
					c.tap(q.choices[i])
				}
			}
		case q.q.Type == survey.Free:
			c.typeInto(q.entry, "Fine")
		case len(q.choices) > 0:
			c.tap(q.choices[0])
		}
		if k.question == q { // the answer did not move on by itself
			c.tap(q.next)
		}
	}
	if k.review == nil {
		t.Fatal("the questions did not end at check answers")
	}
	c.tap(k.review.submit)
	if k.thanks == nil {
		t.Fatal("Send did not show the thank-you screen")
	}
	return c.n
}

// TestTapCountToThanks is the tap-count figure: welcome to
// thank-you, answering every core question and skipping those about you.
// 22 on h-layout (language, agree, intro, two taps for each of the eight
// core questions and the "about you" gate, Send).
func TestTapCountToThanks(t *testing.T) {
	const want = 22
	if got := tapsToThanks(t); got != want {
		t.Errorf("%d taps from welcome to thank-you; the figure on record is %d", got, want)
	}
}
