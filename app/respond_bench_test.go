package app

import (
	"slices"
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
// ratio of medians (Chorus / minimal; goal ≤ 1.5) and both medians in ms.
//
//	go test -tags ci -run '^$' -bench TapToScreen -benchtime 5x ./app
func BenchmarkTapToScreen(b *testing.B) {
	chorus := map[string][]time.Duration{}
	minimal := map[string][]time.Duration{}
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
			chorus[name] = append(chorus[name], took)
			content := sameAmount(r.win.Canvas().Content())
			start = time.Now()
			base.SetContent(content)
			base.Canvas().Capture()
			minimal[name] = append(minimal[name], time.Since(start))
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
		c, m := median(chorus[n]), median(minimal[n])
		ratio := float64(c) / float64(m)
		worst = max(worst, ratio)
		b.ReportMetric(ratio, n+"-ratio")
		b.ReportMetric(float64(c.Microseconds())/1000, n+"-ms")
		b.ReportMetric(float64(m.Microseconds())/1000, n+"-minimal-ms")
	}
	b.ReportMetric(worst, "worst-ratio")
}

// median is the middle of ds (the mean of the two middle ones for an even
// count): a noisy machine's odd slow frame does not move it.
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
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

// sameAmount is plain Fyne content with as much in it as o, drawn the
// same way: each label again with its size and style, each rich text's
// segments, a button for each tappable thing (with its words, colour and
// icon; a choice's face as the button's icon), an entry for each text box,
// each image again, in a scrolling column.
func sameAmount(o fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox()
	for _, c := range allObjects(o) {
		if !c.Visible() {
			continue
		}
		switch w := c.(type) {
		case *widget.Label:
			l := widget.NewLabel(w.Text)
			l.Wrapping, l.TextStyle, l.SizeName, l.Importance = fyne.TextWrapWord, w.TextStyle, w.SizeName, w.Importance
			box.Add(l)
		case *widget.RichText:
			segs := make([]widget.RichTextSegment, 0, len(w.Segments))
			for _, sg := range w.Segments {
				if t, ok := sg.(*widget.TextSegment); ok {
					segs = append(segs, &widget.TextSegment{Text: t.Text, Style: t.Style})
				}
			}
			rt := widget.NewRichText(segs...)
			rt.Wrapping = fyne.TextWrapWord
			box.Add(rt)
		case *Button:
			nb := widget.NewButtonWithIcon(w.Text, w.Icon, func() {})
			nb.Importance = w.Importance
			box.Add(nb)
		case *Choice:
			box.Add(widget.NewButtonWithIcon(w.Label, w.Picture, func() {}))
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
