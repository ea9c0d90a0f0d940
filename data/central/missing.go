package central

import (
	"slices"

	"chorus/data/survey"
)

// Missing-value codes: a question without an answer has one of three codes
// in responses_wide.csv, in numeric and text columns alike, and a status in
// answers_long.csv. They follow the survey convention (SPSS, Stata, the UK
// data service) of distinct negative codes outside every scale, so that an
// analyst can tell routing from item non-response from break-off, and
// declare them missing in one go (pandas na_values, readr na, SPSS MISSING
// VALUES). Text columns use the same codes so one declaration covers the
// whole file; answers_long.csv's status column says which rows are
// answers, should a free-text answer ever be one of these strings.
const (
	// NotAsked is a question the participant was never shown: the
	// survey's skip logic (show_if) routed past it given their answers,
	// or the version they answered has no such question.
	NotAsked = "-97"
	// NotAnswered is a question on the participant's path that they left
	// blank: shown but not answered.
	NotAnswered = "-98"
	// NotReached is a question after the last answer of a partial
	// response: the participant stopped before reaching it.
	NotReached = "-99"
)

// Statuses of answers_long.csv rows.
const (
	StatusAnswered    = "answered"
	StatusNotAsked    = "not_asked"
	StatusNotAnswered = "not_answered"
	StatusNotReached  = "not_reached"
)

// missingCodes describes the codes for the codebook, as status=code|...
// (no text starts with - or follows a separator, so [SafeCell] leaves it).
const missingCodes = StatusNotAsked + "=" + NotAsked + "|" + StatusNotAnswered + "=" + NotAnswered + "|" + StatusNotReached + "=" + NotReached

var statusOf = map[string]string{NotAsked: StatusNotAsked, NotAnswered: StatusNotAnswered, NotReached: StatusNotReached}

// missingCode returns the code of question id, unanswered in a response
// with ans given to sv with status. sv may be nil when the response's
// version is unknown: the question is then taken as not answered.
func missingCode(sv *survey.Survey, id string, ans survey.Answers, status string) string {
	if sv == nil {
		return NotAnswered
	}
	i := slices.IndexFunc(sv.Questions, func(q survey.Question) bool { return q.ID == id })
	if i < 0 {
		return NotAsked
	}
	if status == string(survey.Partial) {
		last := -1
		for j, q := range sv.Questions {
			if a, ok := ans[q.ID]; ok && !a.Empty() {
				last = j
			}
		}
		if i > last {
			return NotReached
		}
	}
	if !sv.Visible(i, ans) {
		return NotAsked
	}
	return NotAnswered
}
