package survey

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
)

// Format is the value of the "format" field of a version 1 survey file.
const Format = "chorus-survey/1"

// Type is the kind of a question, which decides how it is answered.
type Type string

// The question types.
const (
	Single Type = "single" // one option from a list
	Multi  Type = "multi"  // any number of options from a list
	Faces4 Type = "faces4" // four faces, no neutral middle
	Scale5 Type = "scale5" // a five-point scale
	YesNo  Type = "yesno"  // yes or no
	Free   Type = "text"   // free text up to MaxLength characters
	Number Type = "number" // a whole number between Min and Max
	Info   Type = "info"   // a screen of information, not answered
	// Date is a calendar date, answered as text YYYY-MM-DD.
	Date Type = "date"
	// Decimal is a number that may have a fraction, answered as text such
	// as 36.6, between Min and Max when they are set.
	Decimal Type = "decimal"
)

var types = []Type{Single, Multi, Faces4, Scale5, YesNo, Free, Number, Info, Date, Decimal}

// Text is a visible text in every language the survey declares, keyed by
// BCP 47 tag.
type Text map[string]string

// In returns the text in language tag, or "" when there is none.
func (t Text) In(tag string) string { return t[tag] }

// Survey is a parsed and validated survey definition.
type Survey struct {
	Format    string   `json:"format"`
	ID        string   `json:"id"`
	Version   int      `json:"version"`
	Languages []string `json:"languages"`
	Title     Text     `json:"title"`
	Intro     Text     `json:"intro,omitempty"`
	// NextSteps says what happens to the answers after they are sent, and
	// Contact who to ask about the survey or to take answers back; the
	// thank-you screen shows both. Both are optional.
	NextSteps Text       `json:"next_steps,omitempty"`
	Contact   Text       `json:"contact,omitempty"`
	Consent   Consent    `json:"consent"`
	Questions []Question `json:"questions"`
	// Audio names the survey's audio pack, if it has one. See [AudioRef].
	Audio *AudioRef `json:"audio,omitempty"`
	// Groups are runs of questions shown or hidden together; a question
	// names its group in [Question.Group]. Optional.
	Groups []Group `json:"groups,omitempty"`
	// KeepPartial says whether a response that is left unfinished at an idle
	// kiosk, after consent, is kept (sealed, status partial) or discarded.
	KeepPartial bool `json:"keep_partial,omitempty"`

	// SHA256 is the hex SHA-256 of the file the survey was parsed from.
	SHA256 string `json:"-"`
	// File is the name the survey was parsed from, for messages.
	File string `json:"-"`
	// Clock gives the time today() means in expressions; nil is the
	// system clock. The kiosk sets its own clock here.
	Clock func() time.Time `json:"-"`

	index  map[string]int
	groups map[string]int // index of each group in Groups
}

// Group is a run of questions, one after another, that a condition shows or
// hides as a whole: the questions whose [Question.Group] is its id, or the
// id of a group inside it.
type Group struct {
	ID string `json:"id"`
	// In is the group this group is inside, or "".
	In     string     `json:"in,omitempty"`
	ShowIf *Condition `json:"show_if,omitempty"`
}

// Consent is a survey's consent block.
type Consent struct {
	// Version names this wording of the consent text, e.g. "2026-11-1".
	// Change it whenever the text changes.
	Version  string    `json:"version"`
	Text     Text      `json:"text"`
	Purposes []Purpose `json:"purposes"`
	// EasyRead is an easy-read version of the consent text a participant
	// may choose instead: short sentences, one idea per line. Optional.
	EasyRead *EasyRead `json:"easy_read,omitempty"`
}

// EasyRead is the easy-read version of a survey's consent: the text and
// one line per purpose, each purpose with an optional picture.
type EasyRead struct {
	Text     Text          `json:"text"`
	Purposes []EasyPurpose `json:"purposes"`
}

// EasyPurpose is the easy-read wording of one purpose, by its id.
type EasyPurpose struct {
	ID    string `json:"id"`
	Label Text   `json:"label"`
	// Picture is the file name of a PNG picture beside the survey file,
	// carried in the survey's audio pack (see chorus/data/audio), or "".
	Picture string `json:"picture,omitempty"`
}

// Purpose returns the easy-read wording of purpose id.
func (e *EasyRead) Purpose(id string) (EasyPurpose, bool) {
	for _, p := range e.Purposes {
		if p.ID == id {
			return p, true
		}
	}
	return EasyPurpose{}, false
}

// AudioRef names a survey's audio pack: a folder beside the survey file
// and the hex SHA-256 of the exact bytes of its manifest.json. Because the
// survey file carries the manifest's hash and the manifest every clip's,
// the survey's own SHA-256 (which every response records) names every
// recording a participant could have heard.
type AudioRef struct {
	Pack   string `json:"pack"`
	SHA256 string `json:"sha256"`
}

// Purpose is one thing a participant may agree to.
type Purpose struct {
	ID       string `json:"id"`
	Label    Text   `json:"label"`
	Required bool   `json:"required,omitempty"`
}

// Question is one screen of the survey.
type Question struct {
	ID        string   `json:"id"`
	Type      Type     `json:"type"`
	Text      Text     `json:"text"`
	Help      Text     `json:"help,omitempty"`
	Required  bool     `json:"required,omitempty"`
	Options   []Option `json:"options,omitempty"`
	Min       *int     `json:"min,omitempty"`
	Max       *int     `json:"max,omitempty"`
	MaxLength int      `json:"max_length,omitempty"`
	// Input says how a text question's answer is read: "" for free text,
	// or [PostcodeOutward].
	Input  string     `json:"input,omitempty"`
	ShowIf *Condition `json:"show_if,omitempty"`
	// Section groups questions for analysts, e.g. "about_you".
	Section string `json:"section,omitempty"`
	// Group is the id of the innermost [Group] the question is in, or "".
	Group string `json:"group,omitempty"`
	// Constraint is a condition a non-empty answer must meet, in the
	// expression language ("." is the answer), e.g. ". <= ${age}";
	// ConstraintMessage says what to do when it does not.
	Constraint        string `json:"constraint,omitempty"`
	ConstraintMessage Text   `json:"constraint_message,omitempty"`
	// RequiredMessage says, in the question's own words, what to do when
	// a required question is left unanswered ("Choose the face that shows
	// how you feel"), as GOV.UK's error messages do; without it the kiosk
	// says "Please choose an answer to go on."
	RequiredMessage Text `json:"required_message,omitempty"`

	constraint *Expr
}

// Option is one answer a participant can choose.
type Option struct {
	Code  string `json:"code"`
	Label Text   `json:"label"`
	// Exclusive options ("prefer not to say", "none of these") clear every
	// other choice of a multiple-choice question.
	Exclusive bool `json:"exclusive,omitempty"`
}

// Condition shows a question only when earlier answers match. In a survey
// file it is an object that looks at one earlier answer (exactly one of
// Equals, AnyOf and Answered is set), or a string in the expression
// language (see [ParseExpr]), which is kept in Expr.
type Condition struct {
	Question string   `json:"question"`
	Equals   string   `json:"equals,omitempty"`
	AnyOf    []string `json:"any_of,omitempty"`
	Answered bool     `json:"answered,omitempty"`
	// Expr is the condition as an expression, e.g. "${age} >= 16 and
	// selected(${devices}, 'phone')", or "" for the object form.
	Expr string `json:"-"`

	expr *Expr
}

// conditionObject is Condition without its methods, as the object form
// is written.
type conditionObject Condition

// UnmarshalJSON reads either form of a condition.
func (c *Condition) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = Condition{Expr: s}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var o conditionObject
	if err := dec.Decode(&o); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &conditionError{err}
		}
		return err
	}
	*c = Condition(o)
	c.Expr = ""
	return nil
}

// MarshalJSON writes the condition in the form it was read in.
func (c Condition) MarshalJSON() ([]byte, error) {
	if c.Expr != "" {
		return json.Marshal(c.Expr)
	}
	return json.Marshal(conditionObject(c))
}

// String gives the condition in the expression language.
func (c *Condition) String() string {
	switch {
	case c.Expr != "":
		return c.Expr
	case c.Answered:
		return "${" + c.Question + "} != ''"
	case c.Equals != "":
		return "selected(${" + c.Question + "}, " + quote(c.Equals) + ")"
	}
	parts := make([]string, len(c.AnyOf))
	for i, code := range c.AnyOf {
		parts[i] = "selected(${" + c.Question + "}, " + quote(code) + ")"
	}
	return strings.Join(parts, " or ")
}

// PostcodeOutward is the input of a text question that asks for the first
// part of a UK postcode, the outward code (SW1A, M1, CF10). The box takes a
// whole postcode; the answer keeps only the outward code, see
// [OutwardCode].
const PostcodeOutward = "postcode_outward"

// inputs are the values a question's input may have.
var inputs = []string{PostcodeOutward}

// postcodeTyped is how many characters a postcode_outward box takes: a
// whole postcode (SW1A 1AA) with room to spare.
const postcodeTyped = 10

// DefaultMaxLength is the longest free-text answer when a question sets none.
const DefaultMaxLength = 2000

// MaxMaxLength is the largest max_length a question may set.
const MaxMaxLength = 100_000

// Answerable reports whether the question takes an answer.
func (q *Question) Answerable() bool { return q.Type != Info }

// Choice reports whether the question is answered by choosing options.
func (q *Question) Choice() bool {
	switch q.Type {
	case Single, Multi, Faces4, Scale5, YesNo:
		return true
	}
	return false
}

// Limit is the longest free-text answer, in characters.
func (q *Question) Limit() int {
	if q.Input == PostcodeOutward {
		return postcodeTyped
	}
	if q.MaxLength > 0 {
		return q.MaxLength
	}
	return DefaultMaxLength
}

// MarshalJSON writes q as a survey file has it: the yes and no options
// that [Parse] gives a yesno question are implied there, not written, and a
// file that lists them does not parse.
func (q Question) MarshalJSON() ([]byte, error) {
	type plain Question // without this method
	p := plain(q)
	if q.Type == YesNo && len(q.Options) == 2 && len(q.Options[0].Label) == 0 {
		p.Options = nil // the implied yes and no
	}
	return json.Marshal(p)
}

// Option returns the option with code, if the question has one.
func (q *Question) Option(code string) (Option, bool) {
	for _, o := range q.Options {
		if o.Code == code {
			return o, true
		}
	}
	return Option{}, false
}

// Question returns the question with id.
func (s *Survey) Question(id string) (*Question, bool) {
	i, ok := s.index[id]
	if !ok {
		return nil, false
	}
	return &s.Questions[i], true
}

// HasLanguage reports whether the survey, its consent text included, exists
// in language tag.
func (s *Survey) HasLanguage(tag string) bool { return slices.Contains(s.Languages, tag) }

// ConsentSHA256 is the hex SHA-256 of the exact consent text shown in tag,
// purposes included, so a consent record names the words the participant saw.
// Where the consent has an easy-read version, the hash covers both
// versions (and the pictures' names); the record's format says which one
// was shown.
func (s *Survey) ConsentSHA256(tag string) string {
	h := sha256.New()
	h.Write([]byte(s.Consent.Version))
	h.Write([]byte{0})
	h.Write([]byte(s.Consent.Text[tag]))
	for _, p := range s.Consent.Purposes {
		h.Write([]byte{0})
		h.Write([]byte(p.ID))
		h.Write([]byte{0})
		h.Write([]byte(p.Label[tag]))
	}
	if e := s.Consent.EasyRead; e != nil {
		// Only a survey with an easy-read version hashes it, so the
		// hashes of surveys without one stay as they were.
		h.Write([]byte{0, 'e'})
		h.Write([]byte(e.Text[tag]))
		for _, p := range e.Purposes {
			h.Write([]byte{0})
			h.Write([]byte(p.ID))
			h.Write([]byte{0})
			h.Write([]byte(p.Label[tag]))
			h.Write([]byte{0})
			h.Write([]byte(p.Picture))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
