package survey

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file works an expression out over answers, as true, false or not
// known yet.

// tri is a truth value that may be unknown, for working out which
// questions can still be shown before every answer is in.
type tri int8

const (
	no tri = iota
	yes
	unknown
)

// value is what an answer, literal or count is in a comparison.
type value struct {
	s       string
	n       float64
	isNum   bool // n holds it; s is its text
	known   bool
	literal bool // a number written in the expression
}

// env gives an expression the answers it looks at: the answer to a question
// by id (the empty answer for a hidden or unanswered one) and whether it is
// known yet. self is the answer "." stands for.
type env struct {
	answer func(id string) (Answer, *Question, bool)
	self   Answer
	selfQ  *Question
}

// eval works e out as true, false or unknown.
func (e *Expr) eval(en *env) tri {
	switch e.Op {
	case OpTrue:
		return yes
	case OpFalse:
		return no
	case OpNot:
		switch e.Args[0].eval(en) {
		case yes:
			return no
		case no:
			return yes
		}
		return unknown
	case OpAnd:
		out := yes
		for _, a := range e.Args {
			switch a.eval(en) {
			case no:
				return no
			case unknown:
				out = unknown
			}
		}
		return out
	case OpOr:
		out := no
		for _, a := range e.Args {
			switch a.eval(en) {
			case yes:
				return yes
			case unknown:
				out = unknown
			}
		}
		return out
	case OpSelected:
		v := en.lookup(e.Ref)
		if !v.known {
			return unknown
		}
		for _, code := range strings.Fields(v.s) {
			if code == e.Str {
				return yes
			}
		}
		return no
	case OpContains:
		v := en.lookup(e.Ref)
		if !v.known {
			return unknown
		}
		if strings.Contains(v.s, e.Str) {
			return yes
		}
		return no
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
		a, b := e.Args[0].value(en), e.Args[1].value(en)
		if !a.known || !b.known {
			return unknown
		}
		if compare(e.Op, a, b) {
			return yes
		}
		return no
	}
	return no
}

// value works out a value node.
func (e *Expr) value(en *env) value {
	switch e.Op {
	case OpRef:
		return en.lookup(e.Ref)
	case OpSelf:
		return en.lookup("")
	case OpString:
		return value{s: e.Str, known: true}
	case OpNumber:
		return value{s: strconv.FormatFloat(e.Num, 'f', -1, 64), n: e.Num, isNum: true, known: true, literal: true}
	case OpLength:
		v := en.lookup(e.Ref)
		n := float64(utf8.RuneCountInString(v.s))
		return value{s: strconv.Itoa(int(n)), n: n, isNum: true, known: v.known}
	case OpCount:
		v := en.lookup(e.Ref)
		n := float64(len(strings.Fields(v.s)))
		return value{s: strconv.Itoa(int(n)), n: n, isNum: true, known: v.known}
	}
	return value{known: true}
}

// lookup gives the value of the answer to question id ("" for self).
func (en *env) lookup(id string) value {
	a, q, known := en.self, en.selfQ, true
	if id != "" {
		a, q, known = en.answer(id)
	}
	if !known {
		return value{}
	}
	v := value{known: true}
	switch {
	case a.Number != nil:
		v.n, v.isNum, v.s = float64(*a.Number), true, strconv.Itoa(*a.Number)
	case a.Choice != "":
		v.s = a.Choice
	case len(a.Choices) > 0:
		v.s = strings.Join(a.Choices, " ")
	default:
		v.s = a.Text
		if q != nil && q.Type == Decimal && a.Text != "" {
			if n, err := strconv.ParseFloat(a.Text, 64); err == nil {
				v.n, v.isNum = n, true
			}
		}
	}
	return v
}

// number reads v as a number, if it is one.
func (v value) number() (float64, bool) {
	if v.isNum {
		return v.n, true
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(v.s), 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, false
	}
	return n, true
}

// compare compares two values as XLSForm does: as numbers when either is a
// number and both read as numbers; = and != compare the texts otherwise;
// <, <=, > and >= compare texts (dates as YYYY-MM-DD) when neither is a
// number, and are false when only one is.
func compare(op Op, a, b value) bool {
	x, okA := a.number()
	y, okB := b.number()
	numeric := okA && okB && (a.isNum || b.isNum)
	if op == OpEq || op == OpNe {
		eq := a.s == b.s
		if numeric {
			eq = x == y
		}
		return eq == (op == OpEq)
	}
	var c int
	switch {
	case numeric:
		c = cmpFloat(x, y)
	case a.isNum || b.isNum:
		return false // a number against text that is not one, or no answer
	case a.s == "" || b.s == "":
		return false // no answer is neither more nor less
	default:
		c = strings.Compare(a.s, b.s)
	}
	switch op {
	case OpLt:
		return c < 0
	case OpLe:
		return c <= 0
	case OpGt:
		return c > 0
	}
	return c >= 0
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
