package central

import (
	"testing"

	"chorus/data/survey"
)

// A show_if written as an expression (issue 20) reads in the codebook as
// it is written, and the object form as before.
func TestShownIfExpression(t *testing.T) {
	for c, want := range map[*survey.Condition]string{
		{Expr: "${age} >= 16 and selected(${q}, 'x')"}: "${age} >= 16 and selected(${q}, 'x')",
		{Question: "online", Equals: "yes"}:            "online = yes",
		{Question: "ease", AnyOf: []string{"1", "2"}}:  "ease in 1|2",
	} {
		if got := shownIf(c); got != want {
			t.Errorf("shownIf(%+v) = %q, want %q", *c, got, want)
		}
	}
}
