package survey

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
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
	today  func() string // YYYY-MM-DD; asked only by an expression with today()
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
	case OpIf:
		switch e.Args[0].eval(en) {
		case yes:
			return e.Args[1].eval(en)
		case no:
			return e.Args[2].eval(en)
		}
		return unknown
	case OpRegex:
		v := e.subject(en)
		if !v.known {
			return unknown
		}
		if e.re != nil && e.re.MatchString(v.s) {
			return yes
		}
		return no
	case OpSelected:
		v := e.subject(en)
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
		v := e.subject(en)
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
		v := e.subject(en)
		n := float64(utf8.RuneCountInString(v.s))
		return value{s: strconv.Itoa(int(n)), n: n, isNum: true, known: v.known}
	case OpCount:
		v := en.lookup(e.Ref)
		n := float64(len(strings.Fields(v.s)))
		return value{s: strconv.Itoa(int(n)), n: n, isNum: true, known: v.known}
	case OpIf:
		switch e.Args[0].eval(en) {
		case yes:
			return e.Args[1].value(en)
		case no:
			return e.Args[2].value(en)
		}
		return value{}
	case OpCoalesce:
		a := e.Args[0].value(en)
		if !a.known || a.s != "" {
			return a
		}
		return e.Args[1].value(en)
	case OpConcat:
		var b strings.Builder
		for _, a := range e.Args {
			v := a.value(en)
			if !v.known {
				return value{}
			}
			b.WriteString(v.s)
		}
		return value{s: b.String(), known: true}
	case OpToday:
		if en.today == nil {
			return value{}
		}
		return value{s: en.today(), known: true}
	case OpFormatDate:
		v := e.Args[0].value(en)
		if !v.known {
			return value{}
		}
		d, ok := v.day()
		if !ok {
			return value{s: "", known: true}
		}
		return value{s: formatDay(d, e.Str), known: true}
	case OpDate:
		v := e.Args[0].value(en)
		if !v.known {
			return value{}
		}
		d, ok := v.day()
		if !ok {
			return value{s: "", known: true}
		}
		return value{s: time.Unix(int64(d)*86400, 0).UTC().Format(time.DateOnly), known: true}
	case OpInt, OpNum, OpFloor, OpRound, OpDayNum, OpAdd, OpSub, OpMul, OpDiv, OpMod:
		return e.arith(en)
	}
	return value{known: true}
}

// subject is the value a function looks at: its argument, or the answer.
func (e *Expr) subject(en *env) value {
	if len(e.Args) > 0 {
		return e.Args[0].value(en)
	}
	return en.lookup(e.Ref)
}

// arith works out a node whose value is a number. A value that is not a
// number makes NaN, as in XPath; NaN is neither equal to, more nor less than
// anything.
func (e *Expr) arith(en *env) value {
	xs := make([]float64, len(e.Args))
	for i, a := range e.Args {
		v := a.value(en)
		if !v.known {
			return value{}
		}
		n, ok := v.number()
		if e.Op == OpDayNum {
			var d int
			d, ok = v.day()
			n = float64(d)
		}
		if !ok {
			n = math.NaN()
		}
		xs[i] = n
	}
	var n float64
	switch e.Op {
	case OpInt:
		n = math.Trunc(xs[0])
	case OpNum, OpDayNum:
		n = xs[0]
	case OpFloor:
		n = math.Floor(xs[0])
	case OpRound:
		if len(xs) == 2 && !math.IsNaN(xs[1]) {
			p := math.Pow(10, math.Max(-15, math.Min(15, math.Trunc(xs[1]))))
			n = math.Round(xs[0]*p) / p
		} else {
			n = math.Floor(xs[0] + 0.5)
		}
	case OpAdd:
		n = xs[0] + xs[1]
	case OpSub:
		n = xs[0] - xs[1]
	case OpMul:
		n = xs[0] * xs[1]
	case OpDiv:
		n = xs[0] / xs[1]
	case OpMod:
		n = math.Mod(xs[0], xs[1])
	}
	return value{s: strconv.FormatFloat(n, 'f', -1, 64), n: n, isNum: true, known: true}
}

// day reads v as a day: days since 1970-01-01, from a date YYYY-MM-DD (or
// the start of a date and time) or a number of days.
func (v value) day() (int, bool) {
	if !v.isNum && len(v.s) >= 10 {
		if t, err := time.Parse(time.DateOnly, v.s[:10]); err == nil {
			return int(t.Unix() / 86400), true
		}
	}
	n, ok := v.number()
	if !ok || math.Abs(n) > 3e6 { // about 8,000 years either side of 1970
		return 0, false
	}
	return int(math.Floor(n)), true
}

var monthAbbr = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// formatDay writes day d with a format-date-time pattern: %Y, %y, %m, %n,
// %d, %e and %b; any other character is written as it is.
func formatDay(d int, f string) string {
	t := time.Unix(int64(d)*86400, 0).UTC()
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 'Y':
			b.WriteString(strconv.Itoa(t.Year()))
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'n':
			b.WriteString(strconv.Itoa(int(t.Month())))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'e':
			b.WriteString(strconv.Itoa(t.Day()))
		case 'b':
			b.WriteString(monthAbbr[t.Month()-1])
		default:
			b.WriteByte('%')
			b.WriteByte(f[i])
		}
	}
	return b.String()
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
	if (a.isNum && math.IsNaN(a.n)) || (b.isNum && math.IsNaN(b.n)) {
		return op == OpNe // NaN equals nothing
	}
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
