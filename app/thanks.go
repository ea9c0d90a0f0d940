package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// thanksScreen says the answers are saved, gives the receipt code for
// withdrawal, and says what happens next and who to contact, from the
// survey file (next_steps, contact). Finish goes back to the welcome screen.
type thanksScreen struct {
	k       *Kiosk
	l       *Localizer
	receipt string
	shown   time.Time // when the receipt first showed
	root    fyne.CanvasObject
	code    *widget.RichText
	finish  *Button
}

func (s *thanksScreen) build() fyne.CanvasObject {
	l := s.l
	s.code = widget.NewRichText(&widget.TextSegment{ // Latin letters and digits, always left to right
		Text: s.receipt,
		Style: widget.RichTextStyle{Alignment: fyne.TextAlignCenter, SizeName: sizeNameReceipt,
			TextStyle: fyne.TextStyle{Bold: true, Monospace: true}},
	})
	s.finish = s.k.button(l, l.T("thanks.finish"), true, s.onFinish)
	// The code comes first, under the title: at 200% text on a small
	// screen it must be seen without scrolling (it is what a person
	// photographs or writes down), so "saved and locked" follows it.
	body := container.NewVBox(
		heading(l, l.T("thanks.title")),
		para(l, l.T("thanks.receipt_intro"), theme.SizeNameText, true),
		s.code,
		para(l, l.T("thanks.receipt_use"), theme.SizeNameText, false),
		para(l, l.T("thanks.saved"), theme.SizeNameText, false),
	)
	sv := s.k.cfg.Survey
	for _, part := range []struct{ title, text string }{
		{l.T("thanks.next_steps"), sv.NextSteps.In(l.Lang.Tag)},
		{l.T("thanks.contact"), sv.Contact.In(l.Lang.Tag)},
	} {
		if part.text != "" {
			body.Add(para(l, part.title, theme.SizeNameText, true))
			body.Add(para(l, part.text, theme.SizeNameText, false))
		}
	}
	s.root = s.k.newPage(l, body, nil, s.finish).root
	return s.root
}

// onFinish ends the visit, unless the receipt showed less than
// receiptHold ago: taps meant for Send must not take it away unread.
func (s *thanksScreen) onFinish() {
	if s.k.cfg.Clock().Sub(s.shown) < receiptHold {
		return
	}
	s.k.finish()
}

// declinedScreen thanks someone who said no; nothing of theirs is kept.
type declinedScreen struct {
	k      *Kiosk
	l      *Localizer
	root   fyne.CanvasObject
	finish *Button
}

func (s *declinedScreen) build() fyne.CanvasObject {
	l := s.l
	s.finish = s.k.button(l, l.T("thanks.finish"), true, s.k.finish)
	body := container.NewVBox(
		heading(l, l.T("declined.title")),
		para(l, l.T("declined.body"), theme.SizeNameText, false),
	)
	s.root = s.k.newPage(l, body, nil, s.finish).root
	return s.root
}
