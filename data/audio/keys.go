package audio

import (
	"chorus/data/survey"
)

// AppKeys are the translation keys of the app's own words that a
// participant sees and that have no variable parts, in screen order. Their
// clips are named "app." and the key, e.g. "app.nav.next".
var AppKeys = []string{
	"welcome.title", "welcome.choose", "audio.always",
	"consent.title", "consent.agreeing_means", "consent.optional", "consent.agree", "consent.decline",
	"consent.easy_read", "consent.standard",
	"intro.start",
	"nav.back", "nav.next", "nav.skip",
	"question.choose_any", "question.required", "question.required_mark", "question.postcode_help",
	"answer.yes", "answer.no",
	"review.title", "review.intro", "review.change", "review.skipped", "review.send",
	"thanks.title", "thanks.saved", "thanks.receipt_intro", "thanks.receipt_use",
	"thanks.next_steps", "thanks.contact", "thanks.finish",
	"declined.title", "declined.body",
	"idle.title", "idle.more_time",
}

// Key names of a survey's own texts.
const (
	KeyTitle        = "survey.title"
	KeyIntro        = "survey.intro"
	KeyNextSteps    = "survey.next_steps"
	KeyContact      = "survey.contact"
	KeyConsentText  = "consent.text"
	KeyConsentEasy  = "consent.easy_read"
	purposePrefix   = "consent.purpose."
	easyPurposePref = "consent.easy_purpose."
)

// App is the key of the app's own words with translation key k.
func App(k string) string { return "app." + k }

// Purpose is the key of a consent purpose's label.
func Purpose(id string) string { return purposePrefix + id }

// EasyPurpose is the key of a consent purpose's easy-read label.
func EasyPurpose(id string) string { return easyPurposePref + id }

// QuestionText is the key of a question's text.
func QuestionText(id string) string { return "q." + id + ".text" }

// QuestionHelp is the key of a question's help.
func QuestionHelp(id string) string { return "q." + id + ".help" }

// OptionLabel is the key of a question's option label. A yes/no question
// whose options have no words of their own uses [App]("answer.yes") and
// [App]("answer.no") instead; see [OptionKey].
func OptionLabel(qid, code string) string { return "q." + qid + ".option." + code }

// OptionKey is the key whose clip reads option o of question q.
func OptionKey(q *survey.Question, o survey.Option) string {
	if len(o.Label) == 0 {
		return App("answer." + o.Code)
	}
	return OptionLabel(q.ID, o.Code)
}

// Text is one text a clip reads: its key and its words.
type Text struct {
	Key  string
	Text string
}

// SurveyTexts lists every text of sv a participant can see in language
// lang, with its key, in the order the screens show them. Texts the survey
// leaves out (no help, no intro) are not listed.
func SurveyTexts(sv *survey.Survey, lang string) []Text {
	var out []Text
	add := func(key string, t survey.Text) {
		if s := t.In(lang); s != "" {
			out = append(out, Text{key, s})
		}
	}
	add(KeyTitle, sv.Title)
	add(KeyConsentText, sv.Consent.Text)
	for _, p := range sv.Consent.Purposes {
		add(Purpose(p.ID), p.Label)
	}
	if e := sv.Consent.EasyRead; e != nil {
		add(KeyConsentEasy, e.Text)
		for _, p := range e.Purposes {
			add(EasyPurpose(p.ID), p.Label)
		}
	}
	add(KeyIntro, sv.Intro)
	for i := range sv.Questions {
		q := &sv.Questions[i]
		add(QuestionText(q.ID), q.Text)
		add(QuestionHelp(q.ID), q.Help)
		for _, o := range q.Options {
			if len(o.Label) > 0 {
				add(OptionLabel(q.ID, o.Code), o.Label)
			}
		}
	}
	add(KeyNextSteps, sv.NextSteps)
	add(KeyContact, sv.Contact)
	return out
}

// Keys lists every clip key a complete pack has for sv in one language:
// the survey's texts, then the app's words.
func Keys(sv *survey.Survey, lang string) []string {
	var out []string
	for _, t := range SurveyTexts(sv, lang) {
		out = append(out, t.Key)
	}
	for _, k := range AppKeys {
		out = append(out, App(k))
	}
	return out
}
