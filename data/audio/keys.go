package audio

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"chorus/data/survey"
	"chorus/translations"
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
	"question.date_help",
	"answer.yes", "answer.no",
	"question.postcode_bad", "question.bad_text", "question.try_again",
	"question.date_bad", "question.decimal_bad", "question.number_bad",
	"review.title", "review.intro", "review.change", "review.skipped", "review.typed", "review.send",
	"review.save_failed",
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

// QuestionRequired is the key of a question's own required_message.
func QuestionRequired(id string) string { return "q." + id + ".required_message" }

// QuestionConstraint is the key of a question's own constraint_message.
func QuestionConstraint(id string) string { return "q." + id + ".constraint_message" }

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
		add(QuestionRequired(q.ID), q.RequiredMessage)
		add(QuestionConstraint(q.ID), q.ConstraintMessage)
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
// the survey's texts, the messages about one question's answer, the
// progress line's pieces and numbers, the app's words, then the receipt
// code's characters.
func Keys(sv *survey.Survey, lang string) []string {
	var out []string
	for _, t := range SurveyTexts(sv, lang) {
		out = append(out, t.Key)
	}
	for _, p := range QuestionProblems(sv) {
		out = append(out, p.Key)
	}
	out = append(out, ProgressKeys(sv, lang)...)
	for _, k := range AppKeys {
		out = append(out, App(k))
	}
	for _, c := range survey.ReceiptAlphabet {
		out = append(out, Spell(c))
	}
	return out
}

// Spell is the key of the clip that names one character of a receipt
// code, "spell.K": the letter or digit said the way the language names it.
// The kiosk spells a code with one clip per character.
func Spell(c rune) string { return "spell." + string(c) }

// SpellKeys are the clips that spell code, one per character, leaving out
// the dashes (the player's pause between clips stands for them).
func SpellKeys(code string) []string {
	var out []string
	for _, c := range code {
		if strings.ContainsRune(survey.ReceiptAlphabet, c) {
			out = append(out, Spell(c))
		}
	}
	return out
}

// QuestionProblem is a message about one question's answer whose words depend on the
// question (its range or its length limit): its clip is made for that
// question, with the numbers in place.
type QuestionProblem struct {
	Key   string // "q.age.number_range"
	MsgID string // the app's translation key: "question.number_range"
	// Count is the plural count, for a message with plural forms; Data
	// fills its placeholders.
	Count int
	Data  map[string]any
}

// NumberRange is the key of a number question's "type a number from Min
// to Max" message.
func NumberRange(qid string) string { return "q." + qid + ".number_range" }

// TooLong is the key of a text question's "too long" message.
func TooLong(qid string) string { return "q." + qid + ".too_long" }

// QuestionProblems lists the messages about one question's answer that
// sv's questions can show, in question order.
func QuestionProblems(sv *survey.Survey) []QuestionProblem {
	var out []QuestionProblem
	for i := range sv.Questions {
		q := &sv.Questions[i]
		switch {
		case q.Type == survey.Number && q.Min != nil && q.Max != nil:
			out = append(out, QuestionProblem{Key: NumberRange(q.ID), MsgID: "question.number_range",
				Data: map[string]any{"Min": *q.Min, "Max": *q.Max}})
		case q.Type == survey.Free && q.Input != survey.PostcodeOutward:
			out = append(out, QuestionProblem{Key: TooLong(q.ID), MsgID: "question.too_long",
				Count: q.Limit(), Data: map[string]any{"Count": q.Limit()}})
		}
	}
	return out
}

// The progress line ("Question 3 of 8") is read from pieces, in the order
// the language's own template puts them: its words between the numbers
// ("progress.text.0" is "Question ", "progress.text.1" is " of "), and one
// clip per number in each place ("progress.N.3", "progress.Total.8"). A
// language that says the total first (Urdu "8 میں سے سوال 3") is read in
// its own order, as is one with words after the last number (Chinese
// "第 3 题，共 8 题"); direction plays no part, since sound follows the
// logical order of the text, not its place on screen. The two numbers
// have clips of their own because some languages say them differently
// (Polish "z ośmiu", "of eight" in the genitive): a person recording a
// language says each in the form its place needs.

// ProgressPart is one piece of the progress line: words (Text) or a
// number's place (Slot, "N" or "Total").
type ProgressPart struct {
	Text, Slot string
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// SplitTemplate splits a translation template into words and places, in
// order, leaving out words that are only spaces and punctuation.
func SplitTemplate(tmpl string) []ProgressPart {
	var out []ProgressPart
	last := 0
	addText := func(s string) {
		if strings.TrimFunc(s, notWord) != "" {
			out = append(out, ProgressPart{Text: strings.TrimSpace(s)})
		}
	}
	for _, m := range placeholder.FindAllStringSubmatchIndex(tmpl, -1) {
		addText(tmpl[last:m[0]])
		out = append(out, ProgressPart{Slot: tmpl[m[2]:m[3]]})
		last = m[1]
	}
	addText(tmpl[last:])
	return out
}

func notWord(r rune) bool {
	return strings.ContainsRune(" \t\n.,:;!?-–—()[]，。：、؛،", r)
}

// ProgressText is the key of the i-th run of words of the progress line.
func ProgressText(i int) string { return "progress.text." + strconv.Itoa(i) }

// ProgressNumber is the key of number n in the progress line's place
// slot ("N" or "Total").
func ProgressNumber(slot string, n int) string { return "progress." + slot + "." + strconv.Itoa(n) }

// ProgressTexts is the progress line's template in lang, as the words to
// say, keyed, and its parts in order.
func ProgressTexts(lang string) ([]Text, []ProgressPart) {
	parts := SplitTemplate(AppWord(lang, "question.progress"))
	var texts []Text
	for _, p := range parts {
		if p.Slot == "" {
			texts = append(texts, Text{ProgressText(len(texts)), p.Text})
		}
	}
	return texts, parts
}

// ProgressKeys are the clips that can read sv's progress line in lang:
// its words, then each number 1 to the count of questions that take an
// answer, in each place.
func ProgressKeys(sv *survey.Survey, lang string) []string {
	texts, parts := ProgressTexts(lang)
	var out []string
	for _, t := range texts {
		out = append(out, t.Key)
	}
	n := 0
	for i := range sv.Questions {
		if sv.Questions[i].Answerable() {
			n++
		}
	}
	for _, p := range parts {
		if p.Slot == "" {
			continue
		}
		for i := 1; i <= n; i++ {
			out = append(out, ProgressNumber(p.Slot, i))
		}
	}
	return out
}

// ProgressSay is the clips that read "question n of total" in lang, in the
// language's order.
func ProgressSay(lang string, n, total int) []string {
	_, parts := ProgressTexts(lang)
	var out []string
	t := 0
	for _, p := range parts {
		switch p.Slot {
		case "":
			out = append(out, ProgressText(t))
			t++
		case "N":
			out = append(out, ProgressNumber("N", n))
		case "Total":
			out = append(out, ProgressNumber("Total", total))
		}
	}
	return out
}

var (
	wordsMu sync.Mutex
	words   = map[string]map[string]json.RawMessage{}
)

// AppWord is the app's translation of key in lang from the built-in
// translation files, "" for a key it lacks or a message with plural forms.
func AppWord(lang, key string) string {
	wordsMu.Lock()
	defer wordsMu.Unlock()
	m, ok := words[lang]
	if !ok {
		b, err := fs.ReadFile(translations.FS(), lang+".json")
		if err == nil {
			_ = json.Unmarshal(b, &m)
		}
		words[lang] = m
	}
	var s string
	_ = json.Unmarshal(m[key], &s)
	return s
}
