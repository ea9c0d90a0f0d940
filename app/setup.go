package app

import (
	"context"
	"log/slog"
	"os"
	"strings"

	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// setupScreen is first-run setup for real data: the device's name, the
// first coordinator and their PIN, the analyst's key(s) with fingerprints
// to confirm, and the survey. Nothing is collected before it is done.
type setupScreen struct {
	sh          *Shell
	l           *Localizer
	root        fyne.CanvasObject
	device      *widget.Entry
	coordinator *widget.Entry
	pin, pin2   *widget.Entry
	recipients  *widget.Entry
	escrow      *widget.Entry
	fingerprint *widget.Label
	confirm     *widget.Check
	surveyPath  *widget.Entry
	finish      *Button
	message     *widget.Label
	problem     *fyne.Container // "There is a problem" and the message, at the top
	links       *fyne.Container // the summary's problems, each a link to its field
	// inline holds the message shown by each field that has a problem
	// (GOV.UK's error message, under the field's label).
	inline map[fyne.CanvasObject]*widget.Label
	scroll *container.Scroll
}

// fieldProblem is one problem of the form and the field it belongs to (nil
// for none).
type fieldProblem struct {
	field fyne.Focusable
	msg   string
}

func (sh *Shell) showSetup() {
	sh.setup = &setupScreen{sh: sh, l: sh.l}
	sh.swap(sh.setup.build())
}

func (s *setupScreen) build() fyne.CanvasObject {
	l, sh := s.l, s.sh
	s.device = widget.NewEntry()
	if h, err := os.Hostname(); err == nil {
		s.device.SetText(h)
	}
	s.coordinator = widget.NewEntry()
	s.pin = widget.NewPasswordEntry()
	s.pin2 = widget.NewPasswordEntry()
	s.recipients = widget.NewMultiLineEntry()
	s.recipients.SetPlaceHolder("age1...")
	s.recipients.SetMinRowsVisible(2)
	s.escrow = widget.NewEntry()
	s.escrow.SetPlaceHolder(l.T("setup.escrow_hint"))
	s.fingerprint = widget.NewLabel("")
	s.fingerprint.Wrapping = fyne.TextWrapWord
	s.fingerprint.TextStyle = fyne.TextStyle{Monospace: true}
	s.confirm = widget.NewCheck(l.T("setup.confirm_key"), nil)
	s.recipients.OnChanged = func(string) { s.showFingerprints() }
	s.escrow.OnChanged = func(string) { s.showFingerprints() }
	fromFile := NewButton(l.T("setup.key_from_file"), func() {
		dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			defer r.Close()
			b := make([]byte, 64<<10)
			n, _ := r.Read(b)
			s.recipients.SetText(string(b[:n]))
		}, sh.win)
	})
	s.surveyPath = widget.NewEntry()
	s.surveyPath.SetPlaceHolder(l.T("setup.survey_hint"))
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.message.Importance = widget.DangerImportance
	s.links = container.NewVBox()
	s.problem = container.NewVBox(heading(l, l.T("page.problem")), s.message, s.links)
	s.problem.Hide()
	s.inline = map[fyne.CanvasObject]*widget.Label{}
	// withMessage puts a field's own problem message above it.
	withMessage := func(field fyne.CanvasObject, focus fyne.CanvasObject) fyne.CanvasObject {
		m := widget.NewLabel("")
		m.Wrapping = fyne.TextWrapWord
		m.Importance = widget.DangerImportance
		m.TextStyle.Bold = true
		m.Hide()
		s.inline[focus] = m
		return container.NewVBox(m, field)
	}
	s.finish = NewButton(l.T("setup.finish"), s.onFinish)
	s.finish.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem(l.T("setup.device"), s.device),
		widget.NewFormItem(l.T("setup.coordinator"), s.coordinator),
		widget.NewFormItem(l.T("staff.pin"), withMessage(s.pin, s.pin)),
		widget.NewFormItem(l.T("staff.pin_again"), s.pin2),
		widget.NewFormItem(l.T("setup.key"), withMessage(container.NewBorder(nil, nil, nil, fromFile, s.recipients), s.recipients)),
		widget.NewFormItem(l.T("setup.escrow"), s.escrow),
		widget.NewFormItem("", s.fingerprint),
		widget.NewFormItem("", withMessage(s.confirm, s.confirm)),
		widget.NewFormItem(l.T("setup.survey"), withMessage(s.surveyPath, s.surveyPath)),
	)
	intro := para(l, l.T("setup.intro"), "", false)
	// Problems show at the top, GOV.UK's error summary, scrolled into view.
	s.scroll = container.NewVScroll(container.NewPadded(container.NewVBox(heading(l, l.T("setup.title")), s.problem, intro, form)))
	s.root = container.NewBorder(nil, navBar(false, nil, s.finish), nil, nil, s.scroll)
	return s.root
}

func (s *setupScreen) keyText() string {
	return strings.TrimSpace(s.recipients.Text) + "\n" + strings.TrimSpace(s.escrow.Text)
}

// showFingerprints shows each key's fingerprint for the coordinator to read
// to the analyst, and asks again for confirmation whenever the keys change.
func (s *setupScreen) showFingerprints() {
	s.confirm.SetChecked(false)
	rs, err := seal.ParseRecipients(s.keyText())
	if err != nil {
		s.fingerprint.SetText(s.l.T("setup.bad_key"))
		return
	}
	var lines []string
	for _, r := range rs {
		lines = append(lines, s.l.T("setup.fingerprint", map[string]any{"Fingerprint": r.Fingerprint(), "Kind": r.Kind()}))
	}
	if err := s.checkKeys(rs); err != nil {
		lines = append(lines, s.l.problem(err))
	}
	s.fingerprint.SetText(strings.Join(lines, "\n"))
}

// checkKeys refuses, for real data, the demo key: its private key ships
// with Chorus.
func (s *setupScreen) checkKeys(rs []seal.Recipient) error {
	if s.sh.cfg.Demo {
		return nil
	}
	return store.CheckRealRecipients(rs)
}

func (s *setupScreen) onFinish() {
	l, sh := s.l, s.sh
	var problems []fieldProblem
	pin := s.pin.Text
	if pin != s.pin2.Text {
		problems = append(problems, fieldProblem{s.pin, l.T("staff.pins_differ")})
	} else if err := seal.CheckPINStrength(pin); err != nil {
		problems = append(problems, fieldProblem{s.pin, l.T("staff.weak_pin")})
	}
	rs, err := seal.ParseRecipients(s.keyText())
	if err == nil {
		err = s.checkKeys(rs)
	}
	if err != nil {
		problems = append(problems, fieldProblem{s.recipients, s.keyProblem(err)})
	} else if !s.confirm.Checked {
		problems = append(problems, fieldProblem{s.confirm, l.T("setup.confirm_needed")})
	}
	name, body := sh.cfg.BuiltinSurvey()
	if p := strings.TrimSpace(s.surveyPath.Text); p != "" {
		name = p
		body, err = os.ReadFile(p)
		if err != nil {
			problems = append(problems, fieldProblem{s.surveyPath, l.T("staff.survey_bad") + "\n" + err.Error()})
		}
	}
	var sv *survey.Survey
	if body != nil {
		if sv, err = survey.Parse(name, body); err != nil {
			// The parser names file, line and field: the words to fix it.
			problems = append(problems, fieldProblem{s.surveyPath, l.T("staff.survey_bad") + "\n" + err.Error()})
		}
	}
	if len(problems) > 0 {
		s.showProblems(problems)
		return
	}
	user, err := sh.cfg.Store.Setup(context.Background(), store.SetupInput{
		DeviceName: s.device.Text, CoordinatorName: s.coordinator.Text, PIN: pin,
		Recipients: rs, Survey: sv, SurveyBody: body,
	}, sh.cfg.Demo)
	s.pin.SetText("")
	s.pin2.SetText("")
	if err != nil {
		s.showProblems([]fieldProblem{{nil, l.problem(err)}})
		return
	}
	if p := strings.TrimSpace(s.surveyPath.Text); p != "" {
		if err := sh.installAudio(sv, p); err != nil {
			slog.Warn("the survey's audio pack was not copied", "err", err)
		}
	}
	sh.startKiosk()
	sh.signedIn(user) // the coordinator goes on to add staff and open a session
}

// showProblems shows GOV.UK's error summary at the top of the form and
// scrolls there, so it is seen whatever the text size: each problem is a
// link that puts the focus on its field, and the same words stand by the
// field itself. A problem of no one field is said in the summary only.
func (s *setupScreen) showProblems(problems []fieldProblem) {
	for _, m := range s.inline {
		m.Hide()
	}
	s.message.SetText("")
	s.message.Hide()
	s.links.Objects = nil
	var loose []string
	for _, p := range problems {
		if p.field == nil {
			loose = append(loose, p.msg)
			continue
		}
		if m := s.inline[p.field.(fyne.CanvasObject)]; m != nil {
			m.SetText(p.msg)
			m.Show()
		}
		field := p.field
		link := NewButton(p.msg, func() { s.sh.win.Canvas().Focus(field) })
		link.Wrap = true
		link.Importance = widget.DangerImportance
		s.links.Add(link)
	}
	if len(loose) > 0 {
		s.message.SetText(strings.Join(loose, "\n"))
		s.message.Show()
	}
	s.problem.Show()
	s.problem.Refresh()
	s.scroll.ScrollToTop()
}

// keyProblem says in plain words what is wrong with the keys: the demo
// key's refusal says so itself; anything age cannot read gets one sentence
// instead of the parser's.
func (s *setupScreen) keyProblem(err error) string {
	if strings.TrimSpace(s.recipients.Text) == "" {
		return s.l.T("setup.bad_key")
	}
	if _, perr := seal.ParseRecipients(s.keyText()); perr != nil {
		return s.l.T("setup.bad_key")
	}
	return s.l.problem(err)
}
