package app

import (
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// BenchmarkTapToScreen is issue 15's responsiveness figure: the time from a
// participant's tap to the next screen drawn, for every screen type of the
// built-in survey's journey (welcome → consent → intro → each question
// type → check answers → thank-you → welcome), beside a minimal Fyne window
// that swaps in the same amount of content (a label for each of the new
// screen's texts, a button for each of its tappable things, an entry for
// each box, each image) in the same run, alternating, and drawing it the same way.
//
// "Drawn" is a full render of the window by Fyne's software painter
// (Canvas().Capture()): the same work for both sides, and what Fyne does
// on every frame after a content change. Each screen type reports its
// ratio (Chorus / minimal; goal ≤ 1.5) and Chorus's mean time in ms.
//
//	go test -tags ci -run '^$' -bench TapToScreen -benchtime 5x ./app
func BenchmarkTapToScreen(b *testing.B) {
	chorus := map[string]time.Duration{}
	minimal := map[string]time.Duration{}
	count := map[string]int{}
	for b.Loop() {
		b.StopTimer()
		r, clk := builtinRig(b)
		k := r.k
		base := test.NewTempWindow(b, widget.NewLabel("Hello"))
		base.Resize(r.win.Canvas().Size())
		c := &tapCounter{r: r, clk: clk}
		r.win.Canvas().Capture()
		// step times one tap on o to the new screen drawn, names the
		// screen, then times the minimal window swapping in as much.
		step := func(o fyne.Tappable) {
			clk.add(settleTime)
			if ch, ok := o.(*Choice); ok {
				ch.lastTap = time.Time{}
			}
			if k.thanks != nil && o == fyne.Tappable(k.thanks.finish) {
				clk.add(receiptHold)
			}
			start := time.Now()
			test.Tap(o)
			r.win.Canvas().Capture()
			took := time.Since(start)
			name := screenName(k)
			chorus[name] += took
			count[name]++
			content := sameAmount(r.win.Canvas().Content())
			start = time.Now()
			base.SetContent(content)
			base.Canvas().Capture()
			minimal[name] += time.Since(start)
		}
		step(k.welcome.langs["en"])
		step(k.consent.agree)
		step(k.intro.start)
		for steps := 0; k.question != nil; steps++ {
			if steps > 30 {
				b.Fatal("the survey does not end")
			}
			q := k.question
			switch {
			case q.q.ID == "about_you":
				for i, o := range q.q.Options {
					if o.Code == "skip" {
						c.tap(q.choices[i])
					}
				}
			case len(q.choices) > 0:
				c.tap(q.choices[0])
			case q.entry != nil:
				clk.add(settleTime)
				test.Type(q.entry, "Fine")
			}
			step(q.next)
		}
		step(k.review.submit)
		step(k.thanks.finish)
		if k.welcome == nil {
			b.Fatal("Finish did not return to the welcome screen")
		}
		b.StartTimer()
	}
	names := make([]string, 0, len(chorus))
	for n := range chorus {
		names = append(names, n)
	}
	sort.Strings(names)
	var worst float64
	for _, n := range names {
		ratio := float64(chorus[n]) / float64(minimal[n])
		worst = max(worst, ratio)
		b.ReportMetric(ratio, n+"-ratio")
		b.ReportMetric(float64(chorus[n].Microseconds())/1000/float64(count[n]), n+"-ms")
		b.ReportMetric(float64(minimal[n].Microseconds())/1000/float64(count[n]), n+"-minimal-ms")
	}
	b.ReportMetric(worst, "worst-ratio")
}

// screenName names the kind of participant screen on show.
func screenName(k *Kiosk) string {
	switch {
	case k.consent != nil:
		return "consent"
	case k.intro != nil:
		return "intro"
	case k.question != nil:
		return "question:" + strings.ToLower(string(k.question.q.Type))
	case k.review != nil:
		return "review"
	case k.thanks != nil:
		return "thanks"
	case k.welcome != nil:
		return "welcome"
	}
	return "other"
}

// sameAmount is plain Fyne content with as much in it as o: a wrapping
// label for each text, a button for each tappable thing (with its words),
// an entry for each text box, each image again, in a scrolling column.
func sameAmount(o fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox()
	for _, c := range allObjects(o) {
		if !c.Visible() {
			continue
		}
		switch w := c.(type) {
		case *widget.Label:
			l := widget.NewLabel(w.Text)
			l.Wrapping = fyne.TextWrapWord
			box.Add(l)
		case *widget.RichText:
			l := widget.NewLabel(w.String())
			l.Wrapping = fyne.TextWrapWord
			box.Add(l)
		case *Button:
			box.Add(widget.NewButton(w.Text, func() {}))
		case *Choice:
			box.Add(widget.NewButton(w.Label, func() {}))
		case *widget.Entry, *answerBox:
			box.Add(widget.NewMultiLineEntry())
		case *widget.Icon:
			box.Add(widget.NewIcon(w.Resource))
		case *canvas.Image:
			img := canvas.NewImageFromResource(w.Resource)
			img.SetMinSize(w.MinSize())
			box.Add(img)
		default:
			if _, ok := c.(fyne.Tappable); ok {
				box.Add(widget.NewButton("·", func() {}))
			}
		}
	}
	return container.NewVScroll(box)
}
