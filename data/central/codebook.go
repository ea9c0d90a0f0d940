package central

import (
	"slices"
	"strconv"
	"strings"

	"chorus/data/survey"
)

// writeCodebook writes codebook.csv: one row per option (per question
// without options) of every version, oldest first; see [DB.WriteCSV].
func writeCodebook(versions []*survey.Survey, lang string, put func(string, []string) error) error {
	if err := put(CodebookCSV, []string{"survey_id", "survey_version", "position", "question", "section", "type", "required",
		"shown_if", "language", "question_text", "option_code", "option_label", "score", "ordinal", "exclusive", "missing_codes"}); err != nil {
		return err
	}
	for i := len(versions) - 1; i >= 0; i-- {
		sv := versions[i]
		l := lang
		if l == "" || !sv.HasLanguage(l) {
			l = "en"
			if !sv.HasLanguage(l) {
				l = sv.Languages[0]
			}
		}
		for pos, q := range sv.Questions {
			if !q.Answerable() {
				continue
			}
			row := []string{sv.ID, strconv.Itoa(sv.Version), strconv.Itoa(pos + 1), q.ID, q.Section, string(q.Type),
				strconv.FormatBool(q.Required), shownIf(q.ShowIf), l, text(q.Text, l)}
			ordinal := strconv.FormatBool(q.Type == survey.Scale5 || q.Type == survey.Faces4)
			if len(q.Options) == 0 {
				if err := put(CodebookCSV, append(row, "", "", "", ordinal, "", missingCodes)); err != nil {
					return err
				}
				continue
			}
			for k, o := range q.Options {
				label := text(o.Label, l)
				if q.Type == survey.YesNo && label == "" {
					label = o.Code
				}
				score := ""
				if ordinal == "true" {
					score = strconv.Itoa(k + 1)
				}
				if err := put(CodebookCSV, append(slices.Clone(row), o.Code, label, score, ordinal,
					strconv.FormatBool(o.Exclusive), missingCodes)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func shownIf(c *survey.Condition) string {
	switch {
	case c == nil:
		return ""
	case c.Expr != "":
		return c.Expr // an expression (issue 20) reads as it is written
	case c.Answered:
		return c.Question + " answered"
	case c.Equals != "":
		return c.Question + " = " + c.Equals
	}
	return c.Question + " in " + strings.Join(c.AnyOf, "|")
}
