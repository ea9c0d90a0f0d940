package survey

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// This file is the skip logic beyond one earlier answer: conditions in the
// expression language, groups shown or hidden together, and constraints.

// ErrConstraint is an answer that does not meet its question's constraint.
var ErrConstraint = errors.New("answer does not meet the question's constraint")

// compile turns an object-form condition into the expression it means:
// a hidden or unanswered question has the empty answer, so "equals" is
// selected(), "any_of" is selected() or ..., "answered" is != ”.
func (c *Condition) compile() *Expr {
	switch {
	case c.Answered:
		return &Expr{Op: OpNe, Args: []*Expr{{Op: OpRef, Ref: c.Question}, {Op: OpString}}}
	case c.Equals != "":
		return &Expr{Op: OpSelected, Ref: c.Question, Str: c.Equals}
	}
	e := &Expr{Op: OpOr}
	for _, code := range c.AnyOf {
		e.Args = append(e.Args, &Expr{Op: OpSelected, Ref: c.Question, Str: code})
	}
	return e
}

// expr parses and checks an expression in field. Every answer it looks at
// must come before question before (for a constraint, self is the
// question, which "." stands for and which it may also name).
func (v *validator) expr(field, src string, before int, self *Question) *Expr {
	e, err := ParseExpr(src)
	if err != nil {
		v.add(field, "%v", err)
		return nil
	}
	s := v.s
	ok := true
	e.Walk(func(n *Expr) {
		if !ok {
			return
		}
		var ref *Question
		switch n.Op {
		case OpSelf:
			if self == nil {
				v.add(field, "\".\" is the answer a constraint checks; in show_if name the question, ${id}")
				ok = false
			}
			return
		case OpRef, OpSelected, OpCount, OpContains, OpLength, OpRegex:
			if !n.LooksAt() {
				return // it looks at its argument, which the walk reaches
			}
			if n.Ref == "" || (self != nil && n.Ref == self.ID) {
				if self == nil {
					v.add(field, "\".\" is the answer a constraint checks; in show_if name the question, ${id}")
					ok = false
					return
				}
				ref = self
				break
			}
			j, known := s.index[n.Ref]
			switch {
			case !known:
				v.add(field, "unknown question %q", n.Ref)
				ok = false
				return
			case j >= before:
				v.add(field, "%q comes after this; skip logic can only look at earlier answers", n.Ref)
				ok = false
				return
			}
			ref = &s.Questions[j]
			if !ref.Answerable() {
				v.add(field, "%q is an info screen and has no answer", n.Ref)
				ok = false
				return
			}
		default:
			return
		}
		if n.Op == OpSelected || n.Op == OpCount {
			if !ref.Choice() {
				v.add(field, "%s looks at the options chosen, and %q is a %s question", opText[n.Op], ref.ID, ref.Type)
				ok = false
				return
			}
			if n.Op == OpSelected {
				if _, has := ref.Option(n.Str); !has {
					v.add(field, "%q has no option %q", ref.ID, n.Str)
					ok = false
				}
			}
		}
	})
	if !ok {
		return nil
	}
	return e
}

// constraint checks question i's constraint and its message.
func (v *validator) constraint(i int) {
	q := &v.s.Questions[i]
	field := fmt.Sprintf("questions[%d]", i)
	v.text(field+".required_message", q.RequiredMessage, false)
	if len(q.RequiredMessage) > 0 && !q.Required {
		v.add(field+".required_message", "the question is not required, so this message is never shown")
	}
	v.text(field+".constraint_message", q.ConstraintMessage, false)
	if q.Constraint == "" {
		if len(q.ConstraintMessage) > 0 {
			v.add(field+".constraint_message", "there is no constraint for this message")
		}
		return
	}
	if !q.Answerable() {
		v.add(field+".constraint", "an info screen takes no answer, so it has no constraint")
		return
	}
	q.constraint = v.expr(field+".constraint", q.Constraint, i, q)
}

// groupList checks the groups: ids, nesting, conditions, and that each is
// one run of questions.
func (v *validator) groupList() {
	s := v.s
	s.groups = map[string]int{}
	for k := range s.Groups {
		g := &s.Groups[k]
		field := fmt.Sprintf("groups[%d]", k)
		switch {
		case !qidPattern.MatchString(g.ID):
			v.add(field+".id", "must be 1-64 letters, digits, _ - or . and start with a letter or _, not %q", g.ID)
		case hasKey(s.groups, g.ID):
			v.add(field+".id", "%q is already the id of groups[%d]", g.ID, s.groups[g.ID])
		default:
			s.groups[g.ID] = k
		}
		if g.In != "" {
			if p, ok := s.groups[g.In]; !ok || p >= k {
				v.add(field+".in", "%q is not a group listed before this one", g.In)
				g.In = ""
			}
		}
	}
	// first, last and count of the questions in each group, nested ones
	// included.
	n := len(s.Groups)
	first, last, count := make([]int, n), make([]int, n), make([]int, n)
	for k := range first {
		first[k] = -1
	}
	for i := range s.Questions {
		q := &s.Questions[i]
		if q.Group == "" {
			continue
		}
		k, ok := s.groups[q.Group]
		if !ok {
			v.add(fmt.Sprintf("questions[%d].group", i), "unknown group %q", q.Group)
			q.Group = ""
			continue
		}
		for depth := 0; k >= 0 && depth <= n; depth++ {
			if first[k] < 0 {
				first[k] = i
			}
			last[k] = i
			count[k]++
			k = s.parent(k)
		}
	}
	for k := range s.Groups {
		g := &s.Groups[k]
		field := fmt.Sprintf("groups[%d]", k)
		switch {
		case first[k] < 0:
			v.add(field, "group %q has no questions", g.ID)
			continue
		case last[k]-first[k]+1 != count[k]:
			v.add(field, "the questions of group %q must come one after another; %q, between them, is not in it", g.ID, s.Questions[first[k]+firstGap(s, k, first[k])].ID)
		}
		if g.ShowIf == nil {
			continue
		}
		c := g.ShowIf
		src := c.Expr
		if src == "" {
			// The object form, checked as the expression it means.
			if c.Question == "" || len(c.AnyOf) > MaxExprNodes/2 {
				v.add(field+".show_if", "give the condition as an expression, e.g. \"${q} = 'yes'\"")
				continue
			}
			src = c.compile().String()
		}
		c.expr = v.expr(field+".show_if", src, first[k], nil)
	}
}

// firstGap returns the offset from first of the first question in the
// run of group k that is not in it.
func firstGap(s *Survey, k, first int) int {
	for i := first; i < len(s.Questions); i++ {
		if !s.inGroup(i, k) {
			return i - first
		}
	}
	return 0
}

// parent returns the group group k is in, or -1.
func (s *Survey) parent(k int) int {
	if in := s.Groups[k].In; in != "" {
		if p, ok := s.groups[in]; ok && p < k {
			return p
		}
	}
	return -1
}

// inGroup reports whether question i is in group k or a group inside it.
func (s *Survey) inGroup(i, k int) bool {
	g, ok := s.groups[s.Questions[i].Group]
	for ok && g >= 0 {
		if g == k {
			return true
		}
		g = s.parent(g)
	}
	return false
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

// complex reports whether question i's visibility needs the general
// logic: an expression, or a group with a condition.
func (s *Survey) complex(i int) bool {
	q := &s.Questions[i]
	if q.ShowIf != nil && q.ShowIf.Expr != "" {
		return true
	}
	g, ok := s.groups[q.Group]
	for ok && g >= 0 {
		if s.Groups[g].ShowIf != nil {
			return true
		}
		g = s.parent(g)
	}
	return false
}

// pass works out which of the first n questions are shown with ans. The
// answers to questions from cut on are taken as not known yet, so a
// question may be shown, hidden or not yet known (unknown).
func (s *Survey) pass(ans Answers, n, cut int) []tri {
	n = min(n, len(s.Questions))
	vis := make([]tri, max(n, 0))
	groups := make([]tri, len(s.Groups))
	done := make([]bool, len(s.Groups))
	en := &env{today: s.today, answer: func(id string) (Answer, *Question, bool) {
		j, ok := s.index[id]
		if !ok || j >= len(vis) {
			return Answer{}, nil, true
		}
		q := &s.Questions[j]
		switch {
		case j >= cut:
			return Answer{}, q, false
		case vis[j] != yes:
			return Answer{}, q, true // hidden: no answer
		}
		return ans[id], q, true
	}}
	var group func(k int) tri
	group = func(k int) tri {
		if done[k] {
			return groups[k]
		}
		done[k] = true
		out := yes
		if p := s.parent(k); p >= 0 {
			out = group(p)
		}
		if c := s.Groups[k].ShowIf; c != nil && out != no {
			out = and(out, evalCond(c, en))
		}
		groups[k] = out
		return out
	}
	for i := range vis {
		q := &s.Questions[i]
		out := yes
		if k, ok := s.groups[q.Group]; ok {
			out = group(k)
		}
		if q.ShowIf != nil && out != no {
			out = and(out, evalCond(q.ShowIf, en))
		}
		vis[i] = out
	}
	return vis
}

// today is the date today() means, YYYY-MM-DD in local time.
func (s *Survey) today() string {
	now := time.Now
	if s.Clock != nil {
		now = s.Clock
	}
	return now().Format(time.DateOnly)
}

// evalCond works out a checked condition; one that did not check (only in
// a survey that did not come from Parse) is false.
func evalCond(c *Condition, en *env) tri {
	if c.expr == nil {
		return no
	}
	return c.expr.eval(en)
}

func and(a, b tri) tri {
	switch {
	case a == no || b == no:
		return no
	case a == unknown || b == unknown:
		return unknown
	}
	return yes
}

// Check reports whether the answer to question i meets the question's
// constraint, given the other answers: nil when it does or when there is
// no answer or no constraint, else an error wrapping [ErrConstraint].
func (s *Survey) Check(i int, ans Answers) error {
	q := &s.Questions[i]
	a := ans[q.ID]
	if q.constraint == nil || a.Empty() {
		return nil
	}
	vis := s.pass(ans, len(s.Questions), len(s.Questions))
	en := &env{self: a, selfQ: q, today: s.today, answer: func(id string) (Answer, *Question, bool) {
		j, ok := s.index[id]
		if !ok {
			return Answer{}, nil, true
		}
		if j == i {
			return a, q, true
		}
		if vis[j] != yes {
			return Answer{}, &s.Questions[j], true
		}
		return ans[id], &s.Questions[j], true
	}}
	if q.constraint.eval(en) != yes {
		return fmt.Errorf("%s: %w", q.ID, ErrConstraint)
	}
	return nil
}

var (
	datePattern    = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	decimalPattern = regexp.MustCompile(`^-?[0-9]{1,15}(\.[0-9]{1,10})?$`)
)

// Errors for date and decimal answers.
var (
	ErrDate    = errors.New("not a date YYYY-MM-DD")
	ErrDecimal = errors.New("not a number")
)

// normalizeDecimal returns a decimal answer as typed, trimmed, with a
// decimal comma read as a point and a leading + dropped.
func normalizeDecimal(s string) (string, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "+")
	s = strings.Replace(s, ",", ".", 1)
	if !decimalPattern.MatchString(s) {
		return "", ErrDecimal
	}
	return s, nil
}
