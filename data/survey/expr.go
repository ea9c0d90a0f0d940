package survey

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is the expression language of show_if and constraint: a small
// part of XLSForm's (XPath) syntax, read into a tree and walked, never run
// as code.
//
//	${age} >= 16 and (selected(${devices}, 'phone') or count-selected(${devices}) > 2)
//	not(${name} = '')
//	. <= ${age}                       (constraint: "." is the answer being checked)

// Limits on one expression, so that reading and walking it take time and
// memory in proportion to a small, fixed size.
const (
	// MaxExprLen is the longest expression, in bytes.
	MaxExprLen = 2000
	// MaxExprDepth is how deeply parentheses and functions may nest.
	MaxExprDepth = 20
	// MaxExprNodes is the most operators, functions, references and
	// literals an expression may have.
	MaxExprNodes = 200
)

// Op is the kind of an [Expr] node.
type Op int

// The operators, functions and leaves of an expression.
const (
	OpOr         Op = iota + 1 // a or b
	OpAnd                      // a and b
	OpNot                      // not(a)
	OpEq                       // a = b
	OpNe                       // a != b
	OpLt                       // a < b
	OpLe                       // a <= b
	OpGt                       // a > b
	OpGe                       // a >= b
	OpSelected                 // selected(ref, 'code')
	OpCount                    // count-selected(ref)
	OpRef                      // ${id}: an earlier answer
	OpSelf                     // .: the answer being checked, in a constraint
	OpString                   // 'text' or "text"
	OpNumber                   // 12, -3.5
	OpTrue                     // true()
	OpFalse                    // false()
	OpContains                 // contains(ref, 'text')
	OpLength                   // string-length(ref)
	OpIf                       // if(condition, a, b)
	OpCoalesce                 // coalesce(a, b): a unless it is empty
	OpInt                      // int(a): the whole-number part
	OpNum                      // number(a)
	OpAdd                      // a + b
	OpSub                      // a - b
	OpMul                      // a * b
	OpDiv                      // a div b
	OpMod                      // a mod b
	OpRegex                    // regex(ref, 'pattern')
	OpConcat                   // concat(a, b, ...)
	OpToday                    // today(), now(): the date, YYYY-MM-DD
	OpDayNum                   // decimal-date-time(a): days since 1970-01-01
	OpDate                     // date-time(a): the date a day number is
	OpFormatDate               // format-date-time(a, '%Y-%m-%d')
	OpFloor                    // floor(a)
	OpRound                    // round(a) or round(a, digits)
)

// MaxRegexLen is the longest pattern regex() may have, in bytes. Go's
// regexp (RE2) matches in time linear in the text, whatever the pattern.
const MaxRegexLen = 200

var opText = map[Op]string{
	OpOr: "or", OpAnd: "and", OpNot: "not", OpEq: "=", OpNe: "!=", OpLt: "<", OpLe: "<=",
	OpGt: ">", OpGe: ">=", OpSelected: "selected", OpCount: "count-selected",
	OpContains: "contains", OpLength: "string-length",
	OpIf: "if", OpCoalesce: "coalesce", OpInt: "int", OpNum: "number", OpAdd: "+", OpSub: "-",
	OpMul: "*", OpDiv: "div", OpMod: "mod", OpRegex: "regex", OpConcat: "concat", OpToday: "today",
	OpDayNum: "decimal-date-time", OpDate: "date-time", OpFormatDate: "format-date-time",
	OpFloor: "floor", OpRound: "round",
}

// Expr is one node of a parsed expression. Which fields are used depends on
// Op: Args for operators and functions, Ref for the answer OpRef,
// OpSelected, OpCount, OpContains, OpLength and OpRegex look at ("" for
// "."), Str for OpString, OpSelected's code, OpContains's text, OpRegex's
// pattern and OpFormatDate's format, Num for OpNumber. OpSelected,
// OpContains, OpLength and OpRegex look at Args[0] instead of Ref when
// they have an argument that is not a plain answer (an if(), say).
type Expr struct {
	Op   Op
	Args []*Expr
	Ref  string
	Str  string
	Num  float64
	Pos  int // byte offset in the source, for messages
	re   *regexp.Regexp
}

// ExprError is a problem with an expression, at a byte offset in it.
type ExprError struct {
	Pos int
	Msg string
}

func (e *ExprError) Error() string { return fmt.Sprintf("at character %d: %s", e.Pos+1, e.Msg) }

// ParseExpr reads a condition: an expression that is true or false. It
// never panics; a bad expression gives an [*ExprError].
func ParseExpr(src string) (*Expr, error) {
	e, err := parseAny(src)
	if err != nil {
		return nil, err
	}
	if !e.boolean() {
		return nil, &ExprError{Pos: e.Pos, Msg: "this is a value, not a condition; compare it, e.g. ${q} = 'yes' or ${q} != ''"}
	}
	return e, nil
}

// ParseValue reads an expression that is a value (an XLSForm calculation,
// say) or a condition, within the same limits as [ParseExpr].
func ParseValue(src string) (*Expr, error) {
	return parseAny(src)
}

// IsCondition reports whether e is true or false rather than a value.
func (e *Expr) IsCondition() bool { return e.boolean() }

func parseAny(src string) (*Expr, error) {
	if len(src) > MaxExprLen {
		return nil, &ExprError{Pos: MaxExprLen, Msg: fmt.Sprintf("longer than %d characters; split the logic over groups or questions", MaxExprLen)}
	}
	if !utf8.ValidString(src) {
		return nil, &ExprError{Msg: "not valid UTF-8 text"}
	}
	p := &parser{src: src}
	p.next()
	if p.err != nil {
		return nil, p.err
	}
	if p.tok.kind == tEOF {
		return nil, &ExprError{Msg: "empty; write a condition such as ${q} = 'yes'"}
	}
	e := p.or()
	if p.err == nil && p.tok.kind != tEOF {
		p.fail(p.tok.pos, fmt.Sprintf("unexpected %s; join conditions with and or or", p.tok.describe()))
	}
	if p.err != nil {
		return nil, p.err
	}
	return e, nil
}

// boolean reports whether e is true or false rather than a value.
func (e *Expr) boolean() bool {
	switch e.Op {
	case OpOr, OpAnd, OpNot, OpEq, OpNe, OpLt, OpLe, OpGt, OpGe, OpSelected, OpTrue, OpFalse, OpContains, OpRegex:
		return true
	case OpIf:
		return e.Args[1].boolean()
	}
	return false
}

// Walk calls f for e and every node below it, parents first.
func (e *Expr) Walk(f func(*Expr)) {
	f(e)
	for _, a := range e.Args {
		a.Walk(f)
	}
}

// LooksAt reports whether e is a node that looks at an answer, in Ref.
func (e *Expr) LooksAt() bool {
	switch e.Op {
	case OpRef, OpCount:
		return true
	case OpSelected, OpContains, OpLength, OpRegex:
		return len(e.Args) == 0
	}
	return false
}

// Refs returns the question ids e looks at, each once, in order.
func (e *Expr) Refs() []string {
	var out []string
	seen := map[string]bool{}
	e.Walk(func(n *Expr) {
		if n.LooksAt() && n.Ref != "" && !seen[n.Ref] {
			seen[n.Ref] = true
			out = append(out, n.Ref)
		}
	})
	return out
}

// String writes e back in the expression language, with the parentheses it
// needs; ParseExpr(e.String()) gives the same tree.
func (e *Expr) String() string {
	var b strings.Builder
	e.write(&b, 0)
	return b.String()
}

func (e *Expr) write(b *strings.Builder, outer int) {
	prec := map[Op]int{OpOr: 1, OpAnd: 2, OpAdd: 4, OpSub: 4, OpMul: 5, OpDiv: 5, OpMod: 5}[e.Op]
	subject := func() string {
		if len(e.Args) > 0 {
			return e.Args[0].String()
		}
		return refText(e.Ref)
	}
	switch e.Op {
	case OpAdd, OpSub, OpMul, OpDiv, OpMod:
		if prec < outer {
			b.WriteByte('(')
		}
		e.Args[0].write(b, prec)
		b.WriteString(" " + opText[e.Op] + " ")
		e.Args[1].write(b, prec+1)
		if prec < outer {
			b.WriteByte(')')
		}
	case OpIf, OpCoalesce, OpInt, OpNum, OpConcat, OpDayNum, OpDate, OpFloor, OpRound:
		b.WriteString(opText[e.Op] + "(")
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			a.write(b, 0)
		}
		b.WriteByte(')')
	case OpToday:
		b.WriteString("today()")
	case OpFormatDate:
		b.WriteString("format-date-time(" + e.Args[0].String() + ", " + quote(e.Str) + ")")
	case OpRegex:
		b.WriteString("regex(" + subject() + ", " + quote(e.Str) + ")")
	case OpOr, OpAnd:
		if prec < outer {
			b.WriteByte('(')
		}
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(" " + opText[e.Op] + " ")
			}
			a.write(b, prec+1)
		}
		if prec < outer {
			b.WriteByte(')')
		}
	case OpNot:
		b.WriteString("not(")
		e.Args[0].write(b, 0)
		b.WriteByte(')')
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
		e.Args[0].write(b, 4)
		b.WriteString(" " + opText[e.Op] + " ")
		e.Args[1].write(b, 4)
	case OpSelected:
		b.WriteString("selected(" + subject() + ", " + quote(e.Str) + ")")
	case OpCount, OpLength:
		b.WriteString(opText[e.Op] + "(" + subject() + ")")
	case OpContains:
		b.WriteString("contains(" + subject() + ", " + quote(e.Str) + ")")
	case OpRef:
		b.WriteString(refText(e.Ref))
	case OpSelf:
		b.WriteByte('.')
	case OpString:
		b.WriteString(quote(e.Str))
	case OpNumber:
		b.WriteString(strconv.FormatFloat(e.Num, 'f', -1, 64))
	case OpTrue:
		b.WriteString("true()")
	case OpFalse:
		b.WriteString("false()")
	}
}

func refText(id string) string {
	if id == "" {
		return "."
	}
	return "${" + id + "}"
}

// quote writes s as a string literal: in single quotes unless it holds
// one (the language has no escapes, as XPath has none).
func quote(s string) string {
	if strings.Contains(s, "'") {
		return `"` + s + `"`
	}
	return "'" + s + "'"
}
