package xlsform

import (
	"chorus/data/survey"
	"fmt"
	"math"
	"slices"
	"strings"
)

// This file maps relevant and constraint expressions.

// check parses an expression and checks what it looks at against the
// questions mapped so far; self is the question a constraint is on. It
// returns the parse tree, or a reason it cannot be mapped.
func (im *importer) check(src string, self *survey.Question) (*survey.Expr, string) {
	e, err := survey.ParseExpr(im.paths(src))
	if err != nil {
		return nil, err.Error()
	}
	e, why := im.inline(e, 0, nil)
	if why != "" {
		return nil, why
	}
	if text := e.String(); len(text) > survey.MaxExprLen {
		return nil, fmt.Sprintf("with the calculations it uses worked in, it is longer than %d characters", survey.MaxExprLen)
	} else if e, err = survey.ParseExpr(text); err != nil {
		return nil, "with the calculations it uses worked in: " + err.Error()
	}
	e.Walk(func(n *survey.Expr) {
		if why != "" {
			return
		}
		if n.Op == survey.OpSelf && self == nil {
			why = "\".\" is only for constraints"
			return
		}
		if !n.LooksAt() {
			return
		}
		ref := self
		if n.Ref != "" && (self == nil || n.Ref != self.ID) {
			m, ok := im.byID[n.Ref]
			if !ok {
				why = fmt.Sprintf("it looks at ${%s}, which is not an earlier question Chorus has", n.Ref)
				return
			}
			ref = m.q
		}
		if ref == nil {
			why = "\".\" is only for constraints"
			return
		}
		if !ref.Answerable() {
			why = fmt.Sprintf("${%s} is a note", ref.ID)
			return
		}
		if n.Op == survey.OpSelected || n.Op == survey.OpCount {
			if !ref.Choice() {
				why = fmt.Sprintf("${%s} is not a select question", ref.ID)
				return
			}
			if _, ok := ref.Option(n.Str); n.Op == survey.OpSelected && !ok {
				why = fmt.Sprintf("${%s} has no choice %q", ref.ID, n.Str)
			}
		}
	})
	if why != "" {
		return nil, why
	}
	return e, ""
}

// relevant maps a question's relevant; before says whether the format
// before issue 20 could say it (one answer equal to, one of, or given).
func (im *importer) relevant(s *sheet, r row, src string) (*survey.Condition, bool, bool) {
	c, ok := im.condition(s, r, src, nil)
	if !ok {
		return nil, false, false
	}
	before := c.Expr == ""
	if before {
		m := im.byID[c.Question]
		before = m != nil && m.before
	}
	return c, before, true
}

// condition maps a relevant to a condition, in the object form where that
// says it (so a survey exported and imported again is the same).
func (im *importer) condition(s *sheet, r row, src string, self *survey.Question) (*survey.Condition, bool) {
	e, why := im.check(src, self)
	if e == nil {
		im.rep.add(s.name, r.num, "relevant %q cannot be mapped: %s", src, why)
		return nil, false
	}
	if c := legacy(e); c != nil {
		return c, true
	}
	return &survey.Condition{Expr: im.exprText(src, e)}, true
}

// exprText is the text a mapped expression is kept as: as written (with
// paths as ${}), unless calculations were worked into it.
func (im *importer) exprText(src string, e *survey.Expr) string {
	text := im.paths(src)
	if orig, err := survey.ParseExpr(text); err == nil && orig.String() == e.String() {
		return text
	}
	return e.String()
}

// legacy returns the object-form condition e means, if there is one.
func legacy(e *survey.Expr) *survey.Condition {
	switch e.Op {
	case survey.OpSelected:
		if e.Ref != "" {
			return &survey.Condition{Question: e.Ref, Equals: e.Str}
		}
	case survey.OpEq:
		a, b := e.Args[0], e.Args[1]
		if a.Op == survey.OpRef && b.Op == survey.OpString && b.Str != "" {
			return &survey.Condition{Question: a.Ref, Equals: b.Str}
		}
	case survey.OpNe:
		a, b := e.Args[0], e.Args[1]
		if a.Op == survey.OpRef && b.Op == survey.OpString && b.Str == "" {
			return &survey.Condition{Question: a.Ref, Answered: true}
		}
	case survey.OpOr:
		c := &survey.Condition{}
		for _, a := range e.Args {
			if a.Op != survey.OpSelected || a.Ref == "" || (c.Question != "" && a.Ref != c.Question) || slices.Contains(c.AnyOf, a.Str) {
				return nil
			}
			c.Question = a.Ref
			c.AnyOf = append(c.AnyOf, a.Str)
		}
		return c
	}
	return nil
}

// constraint maps a constraint and its messages, and takes min and max
// from it where it bounds the answer with whole numbers.
func (im *importer) constraint(s *sheet, r row, q *survey.Question, src string) {
	if !q.Answerable() {
		im.rep.add(s.name, r.num, "%s: a note takes no answer, so its constraint is left out", q.ID)
		return
	}
	e, why := im.check(src, q)
	if e == nil {
		im.rep.add(s.name, r.num, "%s: constraint %q is left out: %s", q.ID, src, why)
		return
	}
	q.Constraint = im.exprText(src, e)
	if m := im.text(s, r, "constraint_message"); len(m) > 0 {
		q.ConstraintMessage = im.fill(m, s.name, "constraint_message", r.num)
	} else if m := im.text(s, r, "jr:constraintmsg"); len(m) > 0 {
		q.ConstraintMessage = im.fill(m, s.name, "jr:constraintMsg", r.num)
	}
	if q.Type == survey.Number || q.Type == survey.Decimal {
		bounds(e, q)
	}
}

// bounds sets q's min and max from a constraint that is . >= n, . <= n or
// both joined with and, with whole numbers n.
func bounds(e *survey.Expr, q *survey.Question) {
	parts := []*survey.Expr{e}
	if e.Op == survey.OpAnd {
		parts = e.Args
	}
	for _, p := range parts {
		if len(p.Args) != 2 || p.Args[0].Op != survey.OpSelf || p.Args[1].Op != survey.OpNumber {
			continue
		}
		n := p.Args[1].Num
		if n != math.Trunc(n) || math.Abs(n) > 1e9 {
			continue
		}
		v := int(n)
		switch p.Op {
		case survey.OpGe:
			q.Min = &v
		case survey.OpGt:
			v++
			q.Min = &v
		case survey.OpLe:
			q.Max = &v
		case survey.OpLt:
			v--
			q.Max = &v
		}
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		q.Min, q.Max = nil, nil
	}
}

// paths rewrites XPath references to questions (../age, ./age,
// /data/group/age), which forms written for CHT and older ODK tools use,
// as ${age}: the row the path leads to from the row being mapped, else
// the row with the last step's name when only one row has it. Data from
// outside the form, instance('...')/..., is empty text: a kiosk has no
// earlier visits. Text in quotes is left alone.
func (im *importer) paths(src string) string {
	if !strings.ContainsAny(src, "/") {
		return src
	}
	src = instanceRef.ReplaceAllString(src, "''")
	var b strings.Builder
	isPath := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-./:", c) >= 0
	}
	for i := 0; i < len(src); {
		c := src[i]
		if c == '\'' || c == '"' {
			end := strings.IndexByte(src[i+1:], c)
			if end < 0 {
				b.WriteString(src[i:])
				break
			}
			b.WriteString(src[i : i+end+2])
			i += end + 2
			continue
		}
		start := strings.HasPrefix(src[i:], "../") || strings.HasPrefix(src[i:], "./") ||
			(c == '/' && i+1 < len(src) && (src[i+1] >= 'a' && src[i+1] <= 'z' || src[i+1] >= 'A' && src[i+1] <= 'Z' || src[i+1] == '_'))
		if start && (i == 0 || !isPath(src[i-1])) {
			j := i
			for j < len(src) && isPath(src[j]) {
				j++
			}
			if ref := im.resolve(src[i:j], im.at); ref != "" {
				b.WriteString("${" + ref + "}")
				i = j
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}
