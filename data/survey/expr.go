package survey

import (
	"fmt"
	"math"
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
	OpOr       Op = iota + 1 // a or b
	OpAnd                    // a and b
	OpNot                    // not(a)
	OpEq                     // a = b
	OpNe                     // a != b
	OpLt                     // a < b
	OpLe                     // a <= b
	OpGt                     // a > b
	OpGe                     // a >= b
	OpSelected               // selected(ref, 'code')
	OpCount                  // count-selected(ref)
	OpRef                    // ${id}: an earlier answer
	OpSelf                   // .: the answer being checked, in a constraint
	OpString                 // 'text' or "text"
	OpNumber                 // 12, -3.5
	OpTrue                   // true()
	OpFalse                  // false()
)

var opText = map[Op]string{
	OpOr: "or", OpAnd: "and", OpNot: "not", OpEq: "=", OpNe: "!=", OpLt: "<", OpLe: "<=",
	OpGt: ">", OpGe: ">=", OpSelected: "selected", OpCount: "count-selected",
}

// Expr is one node of a parsed expression. Which fields are used depends on
// Op: Args for operators and functions, Ref for OpRef (and for OpSelected
// and OpCount, the question they look at, "" for "."), Str for OpString and
// OpSelected's code, Num for OpNumber.
type Expr struct {
	Op   Op
	Args []*Expr
	Ref  string
	Str  string
	Num  float64
	Pos  int // byte offset in the source, for messages
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
	if !e.boolean() {
		return nil, &ExprError{Pos: e.Pos, Msg: "this is a value, not a condition; compare it, e.g. ${q} = 'yes' or ${q} != ''"}
	}
	return e, nil
}

// boolean reports whether e is true or false rather than a value.
func (e *Expr) boolean() bool {
	switch e.Op {
	case OpOr, OpAnd, OpNot, OpEq, OpNe, OpLt, OpLe, OpGt, OpGe, OpSelected, OpTrue, OpFalse:
		return true
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

// Refs returns the question ids e looks at, each once, in order.
func (e *Expr) Refs() []string {
	var out []string
	seen := map[string]bool{}
	e.Walk(func(n *Expr) {
		if (n.Op == OpRef || n.Op == OpSelected || n.Op == OpCount) && n.Ref != "" && !seen[n.Ref] {
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
	prec := map[Op]int{OpOr: 1, OpAnd: 2}[e.Op]
	switch e.Op {
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
		e.Args[0].write(b, 3)
		b.WriteString(" " + opText[e.Op] + " ")
		e.Args[1].write(b, 3)
	case OpSelected:
		b.WriteString("selected(" + refText(e.Ref) + ", " + quote(e.Str) + ")")
	case OpCount:
		b.WriteString("count-selected(" + refText(e.Ref) + ")")
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

type tokKind int

const (
	tEOF tokKind = iota
	tRef         // ${id}
	tDot         // .
	tLParen
	tRParen
	tComma
	tString
	tNumber
	tName // and, or, not, selected, count-selected, true, false
	tOp   // = != < <= > >=
)

type token struct {
	kind tokKind
	pos  int
	text string // the id, string, name or operator
	num  float64
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of the expression"
	case tRef:
		return "${" + t.text + "}"
	case tString:
		return "text " + quote(t.text)
	case tNumber:
		return "number " + t.text
	case tName, tOp:
		return "\"" + t.text + "\""
	}
	return "\"" + map[tokKind]string{tDot: ".", tLParen: "(", tRParen: ")", tComma: ","}[t.kind] + "\""
}

type parser struct {
	src   string
	off   int
	tok   token
	depth int
	nodes int
	err   *ExprError
}

func (p *parser) fail(pos int, msg string) {
	if p.err == nil {
		p.err = &ExprError{Pos: pos, Msg: msg}
	}
	p.tok = token{kind: tEOF, pos: len(p.src)}
	p.off = len(p.src)
}

func isNameByte(c byte, first bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		return true
	case c >= '0' && c <= '9', c == '-', c == '.':
		return !first
	}
	return false
}

// next reads the next token into p.tok.
func (p *parser) next() {
	if p.err != nil {
		return
	}
	s := p.src
	for p.off < len(s) && strings.IndexByte(" \t\r\n", s[p.off]) >= 0 {
		p.off++
	}
	start := p.off
	if start >= len(s) {
		p.tok = token{kind: tEOF, pos: start}
		return
	}
	c := s[start]
	one := func(k tokKind) { p.tok = token{kind: k, pos: start}; p.off++ }
	switch {
	case c == '$':
		if start+1 >= len(s) || s[start+1] != '{' {
			p.fail(start, "write a reference to an answer as ${id}")
			return
		}
		end := strings.IndexByte(s[start:], '}')
		if end < 0 {
			p.fail(start, "${ has no closing }")
			return
		}
		id := s[start+2 : start+end]
		if !validRef(id) {
			p.fail(start, fmt.Sprintf("%q is not a question id", id))
			return
		}
		p.tok = token{kind: tRef, pos: start, text: id}
		p.off = start + end + 1
	case c == '.' && (start+1 >= len(s) || s[start+1] < '0' || s[start+1] > '9'):
		one(tDot)
	case c == '(':
		one(tLParen)
	case c == ')':
		one(tRParen)
	case c == ',':
		one(tComma)
	case c == '\'' || c == '"':
		end := strings.IndexByte(s[start+1:], c)
		if end < 0 {
			p.fail(start, "text in quotes has no closing quote")
			return
		}
		p.tok = token{kind: tString, pos: start, text: s[start+1 : start+1+end]}
		p.off = start + end + 2
	case c >= '0' && c <= '9' || c == '.' || (c == '-' && start+1 < len(s) && (s[start+1] >= '0' && s[start+1] <= '9' || s[start+1] == '.')):
		end := start + 1
		for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
			end++
		}
		text := s[start:end]
		n, err := strconv.ParseFloat(text, 64)
		if err != nil || end-start > 30 || math.IsInf(n, 0) {
			p.fail(start, fmt.Sprintf("%q is not a number", text))
			return
		}
		p.tok = token{kind: tNumber, pos: start, text: text, num: n}
		p.off = end
	case c == '=' || c == '<' || c == '>' || c == '!':
		end := start + 1
		if end < len(s) && s[end] == '=' {
			end++
		}
		op := s[start:end]
		if op == "!" {
			p.fail(start, "write not equal as !=, and not as not(...)")
			return
		}
		p.tok = token{kind: tOp, pos: start, text: op}
		p.off = end
	case isNameByte(c, true):
		end := start + 1
		for end < len(s) && isNameByte(s[end], false) {
			end++
		}
		p.tok = token{kind: tName, pos: start, text: s[start:end]}
		p.off = end
	default:
		r, _ := utf8.DecodeRuneInString(s[start:])
		p.fail(start, fmt.Sprintf("unexpected %q", r))
	}
}

// node counts a new node against MaxExprNodes.
func (p *parser) node(e *Expr) *Expr {
	p.nodes++
	if p.nodes > MaxExprNodes {
		p.fail(e.Pos, fmt.Sprintf("more than %d parts; split the logic over groups or questions", MaxExprNodes))
	}
	return e
}

func (p *parser) enter(pos int) bool {
	p.depth++
	if p.depth > MaxExprDepth {
		p.fail(pos, fmt.Sprintf("nested more than %d deep", MaxExprDepth))
		return false
	}
	return true
}

// or reads a or b or ...
func (p *parser) or() *Expr {
	return p.chain(OpOr, "or", p.and)
}

func (p *parser) and() *Expr {
	return p.chain(OpAnd, "and", p.compare)
}

// chain reads operands joined by word into one node with them all.
func (p *parser) chain(op Op, word string, operand func() *Expr) *Expr {
	first := operand()
	if p.err != nil || p.tok.kind != tName || p.tok.text != word {
		return first
	}
	e := p.node(&Expr{Op: op, Pos: p.tok.pos, Args: []*Expr{first}})
	for p.err == nil && p.tok.kind == tName && p.tok.text == word {
		pos := p.tok.pos
		p.next()
		a := operand()
		if p.err != nil {
			break
		}
		e.Args = append(e.Args, a)
		for _, x := range e.Args {
			if !x.boolean() {
				p.fail(pos, fmt.Sprintf("%s joins conditions, and %s is a value; compare it, e.g. ${q} = 'yes'", word, x.String()))
				break
			}
		}
	}
	return e
}

var compareOps = map[string]Op{"=": OpEq, "!=": OpNe, "<": OpLt, "<=": OpLe, ">": OpGt, ">=": OpGe}

func (p *parser) compare() *Expr {
	left := p.primary()
	if p.err != nil || p.tok.kind != tOp {
		return left
	}
	op, pos := compareOps[p.tok.text], p.tok.pos
	p.next()
	right := p.primary()
	if p.err != nil {
		return left
	}
	for _, x := range []*Expr{left, right} {
		if x.boolean() {
			p.fail(pos, fmt.Sprintf("%s compares values, and %s is a condition", opText[op], x.String()))
			return left
		}
	}
	if p.tok.kind == tOp {
		p.fail(p.tok.pos, "one comparison at a time; join comparisons with and or or")
		return left
	}
	return p.node(&Expr{Op: op, Pos: pos, Args: []*Expr{left, right}})
}

// expect reads a token of kind k or fails with msg.
func (p *parser) expect(k tokKind, msg string) bool {
	if p.err != nil {
		return false
	}
	if p.tok.kind != k {
		p.fail(p.tok.pos, fmt.Sprintf("%s, not %s", msg, p.tok.describe()))
		return false
	}
	p.next()
	return true
}

func (p *parser) primary() *Expr {
	t := p.tok
	if p.err != nil {
		return &Expr{Op: OpFalse}
	}
	switch t.kind {
	case tLParen:
		if !p.enter(t.pos) {
			return &Expr{Op: OpFalse}
		}
		p.next()
		e := p.or()
		p.expect(tRParen, "expected )")
		p.depth--
		return e
	case tRef:
		p.next()
		return p.node(&Expr{Op: OpRef, Pos: t.pos, Ref: t.text})
	case tDot:
		p.next()
		return p.node(&Expr{Op: OpSelf, Pos: t.pos})
	case tString:
		p.next()
		return p.node(&Expr{Op: OpString, Pos: t.pos, Str: t.text})
	case tNumber:
		p.next()
		return p.node(&Expr{Op: OpNumber, Pos: t.pos, Num: t.num})
	case tName:
		return p.call(t)
	}
	p.fail(t.pos, fmt.Sprintf("expected an answer, text, number or condition, not %s", t.describe()))
	return &Expr{Op: OpFalse}
}

// call reads a function call or the word that begins one.
func (p *parser) call(t token) *Expr {
	p.next()
	if p.tok.kind != tLParen {
		switch t.text {
		case "and", "or":
			p.fail(t.pos, fmt.Sprintf("%q needs a condition on each side", t.text))
		default:
			p.fail(t.pos, fmt.Sprintf("unknown word %q; put text in quotes ('%s') and answers in ${}", t.text, t.text))
		}
		return &Expr{Op: OpFalse}
	}
	if !p.enter(p.tok.pos) {
		return &Expr{Op: OpFalse}
	}
	defer func() { p.depth-- }()
	p.next()
	ref := func() (string, bool) {
		switch p.tok.kind {
		case tRef:
			id := p.tok.text
			p.next()
			return id, true
		case tDot:
			p.next()
			return "", true
		}
		p.fail(p.tok.pos, fmt.Sprintf("%s looks at an answer, ${id} or ., not %s", t.text, p.tok.describe()))
		return "", false
	}
	var e *Expr
	switch t.text {
	case "not":
		a := p.or()
		if p.err == nil && !a.boolean() {
			p.fail(a.Pos, fmt.Sprintf("not takes a condition, and %s is a value", a.String()))
		}
		e = &Expr{Op: OpNot, Pos: t.pos, Args: []*Expr{a}}
	case "selected":
		id, ok := ref()
		if !ok || !p.expect(tComma, "selected takes an answer and an option code") {
			return &Expr{Op: OpFalse}
		}
		if p.tok.kind != tString {
			p.fail(p.tok.pos, fmt.Sprintf("the option code goes in quotes, e.g. 'yes', not %s", p.tok.describe()))
			return &Expr{Op: OpFalse}
		}
		e = &Expr{Op: OpSelected, Pos: t.pos, Ref: id, Str: strings.TrimSpace(p.tok.text)}
		p.next()
	case "count-selected":
		id, ok := ref()
		if !ok {
			return &Expr{Op: OpFalse}
		}
		e = &Expr{Op: OpCount, Pos: t.pos, Ref: id}
	case "true", "false":
		e = &Expr{Op: map[string]Op{"true": OpTrue, "false": OpFalse}[t.text], Pos: t.pos}
	default:
		p.fail(t.pos, fmt.Sprintf("unknown function %q; Chorus knows not, selected, count-selected, true and false", t.text))
		return &Expr{Op: OpFalse}
	}
	if !p.expect(tRParen, fmt.Sprintf("%s(...) needs a closing )", t.text)) {
		return &Expr{Op: OpFalse}
	}
	return p.node(e)
}

// validRef reports whether id can be a question id in ${id}.
func validRef(id string) bool {
	return qidPattern.MatchString(id)
}

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
