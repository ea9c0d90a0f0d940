package app

import (
	"time"

	"chorus/data/store"
	"chorus/data/survey"

	"github.com/google/uuid"
)

// Flow is one participant's visit, held only in memory: their language,
// consent choices and answers. It is dropped whole when they finish, decline
// or walk away, so nothing of theirs reaches the next person.
type Flow struct {
	Lang      string
	Started   time.Time
	ConsentAt time.Time
	ConsentID string
	Receipt   string
	Purposes  map[string]bool
	Answers   survey.Answers
	Index     int // current question; -1 before the first
	// ConsentLang is the language consent was given in; Lang may change
	// afterwards (the language switch), and is the response's language.
	ConsentLang string
	// changing holds the questions that were on the path when "Change"
	// on check answers was tapped: Next passes over them back to check
	// answers, stopping only at questions the change newly opens.
	changing map[int]bool
	// EasyRead is true when the participant chose the easy-read consent,
	// Listened when the consent screen was read aloud to them.
	EasyRead, Listened bool
}

// NewFlow starts a visit in language lang.
func NewFlow(lang string, now time.Time) *Flow {
	return &Flow{Lang: lang, Started: now, Purposes: map[string]bool{}, Answers: survey.Answers{}, Index: -1}
}

// Consent records the participant's yes to the required purposes and their
// choice for each optional one, and gives them a receipt code.
func (f *Flow) Consent(sv *survey.Survey, optional map[string]bool, now time.Time) {
	f.Purposes = map[string]bool{}
	for _, p := range sv.Consent.Purposes {
		f.Purposes[p.ID] = p.Required || optional[p.ID]
	}
	f.ConsentAt = now
	f.ConsentLang = f.Lang
	if f.ConsentID == "" {
		f.ConsentID = uuid.Must(uuid.NewV7()).String()
		f.Receipt = newReceipt()
	}
}

// Submission turns the visit into what the store saves: the answers, the
// consent record, and v, who answered and how (consent given aloud when
// v.Verbal).
func (f *Flow) Submission(sv *survey.Survey, dev store.Device, v Visit, status survey.Status) store.Submission {
	mode := v.Mode
	if mode == "" {
		mode = survey.ModeSelf
	}
	how := survey.GivenTap
	if v.Verbal {
		how = survey.GivenVerbal
	}
	format := survey.FormatStandard
	if f.EasyRead && sv.Consent.EasyRead != nil {
		format = survey.FormatEasyRead
	}
	consentLang := f.ConsentLang
	if consentLang == "" {
		consentLang = f.Lang
	}
	return store.Submission{
		Survey: sv,
		Consent: survey.ConsentRecord{
			ID:            f.ConsentID,
			ReceiptHash:   survey.HashReceipt(f.Receipt),
			SurveyID:      sv.ID,
			SurveyVersion: sv.Version,
			TextVersion:   sv.Consent.Version,
			TextSHA256:    sv.ConsentSHA256(consentLang),
			Language:      consentLang,
			Format:        format,
			Listened:      f.Listened,
			Purposes:      f.Purposes,
			HowGiven:      how,
			Mode:          mode,
			Staff:         v.Staff,
			At:            f.ConsentAt,
			DeviceID:      dev.ID,
		},
		Answers:             f.Answers,
		Language:            f.Lang,
		Mode:                mode,
		InterpreterLanguage: v.Interpreter,
		SessionID:           v.SessionID,
		Status:              status,
		StartedAt:           f.Started,
	}
}

// StartChange remembers the questions on the path now, before question i
// is changed from check answers.
func (f *Flow) StartChange(sv *survey.Survey) {
	f.changing = map[int]bool{}
	for _, i := range sv.Path(f.Answers) {
		f.changing[i] = true
	}
}

// NextAfter is the question to show after question i: the survey's next
// one, or while changing an answer from check answers, the next one the
// change newly opened; -1 means check answers.
func (f *Flow) NextAfter(sv *survey.Survey, i int) int {
	n := sv.Next(i, f.Answers)
	for f.changing != nil && n >= 0 && f.changing[n] {
		n = sv.Next(n, f.Answers)
	}
	return n
}
