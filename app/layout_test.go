package app

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// layoutSizes are the kiosk screens Chorus must work on (P22): a netbook,
// an old 4:3 panel, the common laptop and a full-HD touch screen.
var layoutSizes = []fyne.Size{
	fyne.NewSize(1024, 600), fyne.NewSize(1024, 768), fyne.NewSize(1366, 768), fyne.NewSize(1920, 1080),
}

// TestEveryScreenFitsEveryWindow lays out every participant screen of the
// built-in survey (welcome, consent, each question, review, thank-you and
// the no-thanks screen) in all 12 languages, in every window of
// layoutSizes, at 100%, 150% and 200% text, and checks in each layout
// (WCAG 1.4.10, 2.4.11, 3.3.1; P22):
//   - nothing is wider than the window (every text wraps);
//   - the screen's main action (Next, Agree, Send, Finish) is wholly on
//     screen;
//   - the display controls (A, A+, A++, contrast) are wholly on screen;
//   - every answer (option, text box, language, Change) is on screen, or
//     is brought on screen by tapping a control that is (Show more); an
//     answer taller than the view counts when it fills the view;
//   - after Next without a required answer, or with a number that is not
//     one, the error shows on screen.
//
// With -short only English, Arabic and Punjabi are laid out.
func TestEveryScreenFitsEveryWindow(t *testing.T) {
	langs := []string{"en", "cy", "pl", "ro", "pt", "pa", "ur", "bn", "gu", "ar", "so", "zh-Hans"}
	if testing.Short() {
		langs = []string{"en", "ar", "pa"}
	}
	layouts, failed := 0, 0
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			n, f := walkLayouts(t, lang, false)
			layouts += n
			failed += f
		})
	}
	t.Logf("%d layouts, %d with a problem", layouts, failed)
}

// TestEveryScreenFitsWithReadAloud is TestEveryScreenFitsEveryWindow with
// the built-in survey's recordings: the header's Listen and "Always read
// aloud", and a speaker beside every option, in a left-to-right and both
// right-to-left languages.
func TestEveryScreenFitsWithReadAloud(t *testing.T) {
	langs := []string{"en", "ar", "ur"}
	if testing.Short() {
		langs = []string{"en"}
	}
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			n, f := walkLayouts(t, lang, true)
			t.Logf("%d layouts, %d with a problem", n, f)
		})
	}
}

// walkLayouts goes through the survey in lang, checking every screen in
// every size and scale; it returns the layouts checked and how many failed.
//
// withAudio gives the kiosk the survey's audio pack, so the Listen and
// "Always read aloud" controls and every option's speaker are laid out too.
func walkLayouts(t *testing.T, lang string, withAudio bool) (layouts, failed int) {
	r := newRig(t, "../assets/surveys/digital-inclusion.json")
	k := r.k
	if withAudio {
		k.SetAudio(AudioLoader(os.DirFS("../assets/audio"))(r.sv))
		k.Start()
	}
	clk := &manualClock{t: k.cfg.Clock()}
	k.cfg.Clock = clk.now
	reported := 0
	scales := slices.Clone(TextScales)
	check := func(screen string, tryError func() bool) {
		t.Helper()
		// Each screen starts at the text size the last one ended at: a
		// change of text size reloads the theme, the test's slowest step.
		if k.theme.Scale != scales[0] {
			slices.Reverse(scales)
		}
		for _, scale := range scales {
			for _, size := range layoutSizes {
				layouts++
				problems := layoutAt(r, size, scale)
				if tryError != nil && tryError() {
					settleLayout(r.win, size)
					if !anyWhollyShown(r.win, errorViews(k)) {
						problems = append(problems, "after Next without a good answer, no error message is on screen")
					}
				}
				if len(problems) == 0 {
					continue
				}
				failed++
				for _, p := range problems {
					if reported < 400 {
						t.Errorf("%s, %s, %.0f×%.0f at %.0f%%: %s", lang, screen, size.Width, size.Height, scale*100, p)
					}
					reported++
				}
			}
		}
	}
	check("welcome", nil)
	r.tap(clk, k.welcome.langs[lang])
	check("consent", nil)
	r.tap(clk, k.consent.agree)
	if k.intro != nil {
		check("intro", nil)
		r.tap(clk, k.intro.start)
	}
	for k.question != nil {
		id := k.question.q.ID
		check("question "+id, func() bool { return failNext(r, clk) })
		q := k.question
		switch {
		case q.q.Type == survey.Number:
			q.entry.SetText("")
			test.Type(q.entry, "3")
		case q.q.Input == survey.PostcodeOutward:
			q.entry.SetText("")
			test.Type(q.entry, "CF10 1AA")
		case q.entry != nil:
			test.Type(q.entry, "Fine")
		case len(q.choices) > 0 && opener(k.cfg.Survey, q.q.ID) != "":
			// The answer that opens the questions that depend on this
			// one (devices, about you, ethnic group), so they are laid
			// out too.
			for i, o := range q.q.Options {
				if o.Code == opener(k.cfg.Survey, q.q.ID) {
					r.tap(clk, q.choices[i])
				}
			}
		case len(q.choices) > 0 && q.q.Required:
			r.tap(clk, q.choices[0])
		}
		r.tap(clk, q.next)
		if k.question != nil && k.question.q.ID == id {
			t.Fatalf("stuck on question %s", id)
		}
	}
	check("review", nil)
	r.tap(clk, k.review.submit)
	waitFor(t, "the thank-you screen", func() bool { return k.thanks != nil })
	check("thanks", nil)
	r.tap(clk, k.thanks.finish)
	r.tap(clk, k.welcome.langs[lang])
	r.tap(clk, k.consent.decline)
	check("no thanks", nil)
	if failed > 0 {
		t.Errorf("%s: %d of %d layouts have a problem (%d problems)", lang, failed, layouts, reported)
	}
	return layouts, failed
}

// opener is the answer to question id that the first question shown only
// after it asks for, or "".
func opener(sv *survey.Survey, id string) string {
	for _, q := range sv.Questions {
		if c := q.ShowIf; c != nil && c.Question == id {
			if c.Equals != "" {
				return c.Equals
			}
			if len(c.AnyOf) > 0 {
				return c.AnyOf[0]
			}
		}
	}
	return ""
}

// failNext taps Next on the question on show without a good answer, when
// that must be refused, and reports whether it did.
func failNext(r *rig, clk *manualClock) bool {
	q := r.k.question
	switch {
	case q.q.Type == survey.Number, q.q.Input == survey.PostcodeOutward:
		q.entry.SetText("")
		test.Type(q.entry, "lots")
	case q.q.Required && r.k.flow.Answers[q.q.ID].Empty():
	default:
		return false
	}
	r.tap(clk, q.next)
	return true
}

// layoutAt shows the current screen in a window of size at text scale and
// returns what is wrong with its layout.
func layoutAt(r *rig, size fyne.Size, scale float32) []string {
	k := r.k
	r.win.Resize(size)
	if k.theme.Scale != scale {
		k.display.setScale(scale) // redraws the screen too
	} else {
		k.redraw() // for the new size
	}
	settleLayout(r.win, size)
	var problems []string
	boxes := layoutBoxes(r.win)
	for _, b := range boxes {
		if b.pos.X < -0.5 || b.pos.X+b.size.Width > size.Width+0.5 {
			problems = append(problems, fmt.Sprintf("%s is wider than the window (x %.0f to %.0f)", describe(b.obj), b.pos.X, b.pos.X+b.size.Width))
			break // one is enough: its parents are wider too
		}
	}
	if k.primary != nil && !whollyShown(boxes, k.primary) {
		problems = append(problems, fmt.Sprintf("the main action %s is not wholly on screen", describe(k.primary)))
	}
	for _, b := range k.display.sizes {
		if !whollyShown(boxes, b) {
			problems = append(problems, fmt.Sprintf("the text size control %s is not wholly on screen", describe(b)))
		}
	}
	if !whollyShown(boxes, k.display.contrast) {
		problems = append(problems, "the contrast switch is not wholly on screen")
	}
	answers := answerViews(k)
	for i := 0; i < 40; i++ {
		var hidden []fyne.CanvasObject
		for _, a := range answers {
			if !reachable(boxes, a) {
				hidden = append(hidden, a)
			}
		}
		answers = hidden
		if len(answers) == 0 {
			break
		}
		more := moreControl(k)
		if more == nil || !whollyShown(boxes, more.(fyne.CanvasObject)) {
			break
		}
		test.Tap(more)
		boxes = layoutBoxes(r.win)
	}
	for _, a := range answers {
		problems = append(problems, fmt.Sprintf("the answer %s cannot be reached by touch", describe(a)))
	}
	return problems
}

// settleLayout lays the window out twice, as Fyne's real driver does when a
// wrapped text's height changes with its width.
func settleLayout(win fyne.Window, size fyne.Size) {
	win.Resize(size.Subtract(fyne.NewSize(1, 0)))
	win.Resize(size)
}

// answerViews are the things a participant must be able to reach on the
// screen on show: languages, options, text boxes, Change buttons.
func answerViews(k *Kiosk) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	switch {
	case k.welcome != nil:
		for _, tag := range k.cfg.Survey.Languages {
			out = append(out, k.welcome.langs[tag])
		}
	case k.consent != nil:
		for _, p := range k.cfg.Survey.Consent.Purposes {
			if c, ok := k.consent.options[p.ID]; ok {
				out = append(out, c)
			}
		}
	case k.question != nil:
		for _, c := range k.question.choices {
			out = append(out, c)
		}
		if k.question.box != nil {
			out = append(out, k.question.box)
		} else if k.question.entry != nil {
			out = append(out, k.question.entry)
		}
	case k.review != nil:
		for _, i := range k.cfg.Survey.Path(k.flow.Answers) {
			if b, ok := k.review.change[k.cfg.Survey.Questions[i].ID]; ok {
				out = append(out, b)
			}
		}
	}
	return out
}

// box is an object's place in the window and the part of the window it
// can be seen in (its scroll containers' view, within the window).
type box struct {
	obj       fyne.CanvasObject
	pos       fyne.Position
	size      fyne.Size
	clipPos   fyne.Position
	clipSize  fyne.Size
	clipEmpty bool
}

// layoutBoxes lists every visible object in win with its absolute place
// and clip, as Fyne's drivers walk the tree.
func layoutBoxes(win fyne.Window) []box {
	var out []box
	var walk func(o fyne.CanvasObject, off, clipPos fyne.Position, clipSize fyne.Size)
	walk = func(o fyne.CanvasObject, off, clipPos fyne.Position, clipSize fyne.Size) {
		if o == nil || !o.Visible() {
			return
		}
		pos := o.Position().Add(off)
		if _, ok := o.(fyne.Scrollable); ok {
			// The view of a scroll container, within its parents' view.
			x0, y0 := max(clipPos.X, pos.X), max(clipPos.Y, pos.Y)
			x1 := min(clipPos.X+clipSize.Width, pos.X+o.Size().Width)
			y1 := min(clipPos.Y+clipSize.Height, pos.Y+o.Size().Height)
			clipPos, clipSize = fyne.NewPos(x0, y0), fyne.NewSize(max(0, x1-x0), max(0, y1-y0))
		}
		out = append(out, box{obj: o, pos: pos, size: o.Size(), clipPos: clipPos, clipSize: clipSize})
		switch w := o.(type) {
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c, pos, clipPos, clipSize)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c, pos, clipPos, clipSize)
			}
		}
	}
	walk(win.Canvas().Content(), fyne.Position{}, fyne.Position{}, win.Canvas().Size())
	return out
}

// whollyShown reports whether o is laid out, visible and wholly inside the
// part of the window it can be seen in.
func whollyShown(boxes []box, o fyne.CanvasObject) bool {
	for _, b := range boxes {
		if b.obj != o {
			continue
		}
		const tol = 0.5
		return b.size.Width > 0 && b.size.Height > 0 &&
			b.pos.X >= b.clipPos.X-tol && b.pos.Y >= b.clipPos.Y-tol &&
			b.pos.X+b.size.Width <= b.clipPos.X+b.clipSize.Width+tol &&
			b.pos.Y+b.size.Height <= b.clipPos.Y+b.clipSize.Height+tol
	}
	return false
}

// reachable reports whether a finger can tap o: it is wholly shown, or,
// taller than the view it is in (a long answer in a tall script at 200%
// on a small screen), it fills that view from top to bottom.
func reachable(boxes []box, o fyne.CanvasObject) bool {
	if whollyShown(boxes, o) {
		return true
	}
	for _, b := range boxes {
		if b.obj == o {
			const tol = 0.5
			return b.size.Height > b.clipSize.Height && b.clipSize.Height > MinTarget &&
				b.pos.X >= b.clipPos.X-tol && b.pos.X+b.size.Width <= b.clipPos.X+b.clipSize.Width+tol &&
				b.pos.Y <= b.clipPos.Y+tol && b.pos.Y+b.size.Height >= b.clipPos.Y+b.clipSize.Height-tol
		}
	}
	return false
}

// anyWhollyShown reports whether one of objs is wholly on screen in win.
func anyWhollyShown(win fyne.Window, objs []fyne.CanvasObject) bool {
	boxes := layoutBoxes(win)
	for _, o := range objs {
		if whollyShown(boxes, o) {
			return true
		}
	}
	return false
}

// describe names an object for a failure message.
func describe(o fyne.CanvasObject) string {
	switch w := o.(type) {
	case *Button:
		return fmt.Sprintf("button %q", w.Text)
	case *Choice:
		return fmt.Sprintf("option %q", w.Label)
	case *widget.Label:
		return fmt.Sprintf("text %q", w.Text)
	case *widget.Entry:
		return "text box"
	case *answerBox:
		return "text box"
	}
	if s, ok := o.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T", o)
}
