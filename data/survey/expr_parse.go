package survey

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file reads an expression: tokens, then a recursive descent that
// counts depth and nodes as it goes.

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
	tName  // and, or, not, selected, count-selected, true, false
	tOp    // = != < <= > >=
	tArith // + - *
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
	case tName, tOp, tArith:
		return "\"" + t.text + "\""
	}
	return "\"" + map[tokKind]string{tDot: ".", tLParen: "(", tRParen: ")", tComma: ","}[t.kind] + "\""
}

type parser struct {
	src   string
	off   int
	tok   token
	prev  tokKind // the kind of the token before tok
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
	p.prev = p.tok.kind
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
	case c == '+' || c == '*' || (c == '-' && p.afterValue()):
		p.tok = token{kind: tArith, pos: start, text: string(c)}
		p.off++
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

// afterValue reports whether the token just read ends a value, so that a
// "-" after it subtracts rather than starting a negative number.
func (p *parser) afterValue() bool {
	switch p.prev {
	case tRef, tDot, tRParen, tString, tNumber:
		return true
	}
	return false
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
	left := p.additive()
	if p.err != nil || p.tok.kind != tOp {
		return left
	}
	op, pos := compareOps[p.tok.text], p.tok.pos
	p.next()
	right := p.additive()
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

// additive reads a + b - c ..., multiplicative a * b div c mod d ...: both
// join values, left to right.
func (p *parser) additive() *Expr {
	return p.arith(map[string]Op{"+": OpAdd, "-": OpSub}, p.multiplicative)
}

func (p *parser) multiplicative() *Expr {
	return p.arith(map[string]Op{"*": OpMul, "div": OpDiv, "mod": OpMod}, p.primary)
}

func (p *parser) arith(ops map[string]Op, operand func() *Expr) *Expr {
	left := operand()
	for p.err == nil && (p.tok.kind == tArith || p.tok.kind == tName) {
		op, ok := ops[p.tok.text]
		if !ok {
			break
		}
		pos := p.tok.pos
		p.next()
		right := operand()
		if p.err != nil {
			break
		}
		for _, x := range []*Expr{left, right} {
			if x.boolean() {
				p.fail(pos, fmt.Sprintf("%s works on numbers, and %s is a condition", opText[op], x.String()))
				return left
			}
		}
		left = p.node(&Expr{Op: op, Pos: pos, Args: []*Expr{left, right}})
	}
	return left
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
	// value reads an argument that is a value, not a condition.
	value := func() *Expr {
		a := p.or()
		if p.err == nil && a.boolean() {
			p.fail(a.Pos, fmt.Sprintf("%s takes a value here, and %s is a condition", t.text, a.String()))
		}
		return a
	}
	// subject reads the answer or value a function looks at into e.
	subject := func(e *Expr) bool {
		a := value()
		if p.err != nil {
			return false
		}
		switch a.Op {
		case OpRef:
			e.Ref = a.Ref
		case OpSelf:
		default:
			e.Args = []*Expr{a}
		}
		return true
	}
	quoted := func(what string) (string, bool) {
		if !p.expect(tComma, t.text+" takes an answer and "+what) {
			return "", false
		}
		if p.tok.kind != tString {
			p.fail(p.tok.pos, fmt.Sprintf("%s goes in quotes, e.g. 'yes', not %s", what, p.tok.describe()))
			return "", false
		}
		s := p.tok.text
		p.next()
		return s, true
	}
	// args reads n values (or up to max, at least n, when max > n).
	args := func(e *Expr, n, max int) bool {
		for i := 0; p.err == nil; i++ {
			if i > 0 {
				if p.tok.kind != tComma || i >= max {
					if i < n {
						p.fail(p.tok.pos, fmt.Sprintf("%s takes %d values, not %s", t.text, n, p.tok.describe()))
					}
					break
				}
				p.next()
			}
			e.Args = append(e.Args, value())
		}
		return p.err == nil
	}
	e := &Expr{Pos: t.pos}
	switch t.text {
	case "not":
		a := p.or()
		if p.err == nil && !a.boolean() {
			p.fail(a.Pos, fmt.Sprintf("not takes a condition, and %s is a value", a.String()))
		}
		e = &Expr{Op: OpNot, Pos: t.pos, Args: []*Expr{a}}
	case "selected", "contains", "regex":
		what := map[string]string{"selected": "an option code", "contains": "a text", "regex": "a pattern"}[t.text]
		e.Op = map[string]Op{"selected": OpSelected, "contains": OpContains, "regex": OpRegex}[t.text]
		if !subject(e) {
			return &Expr{Op: OpFalse}
		}
		str, ok := quoted(what)
		if !ok {
			return &Expr{Op: OpFalse}
		}
		e.Str = str
		switch e.Op {
		case OpSelected:
			e.Str = strings.TrimSpace(str)
		case OpRegex:
			if len(str) > MaxRegexLen {
				p.fail(t.pos, fmt.Sprintf("the pattern is longer than %d characters", MaxRegexLen))
				return &Expr{Op: OpFalse}
			}
			re, err := regexp.Compile(str)
			if err != nil {
				p.fail(t.pos, fmt.Sprintf("the pattern %s cannot be read: %v", quote(str), err))
				return &Expr{Op: OpFalse}
			}
			e.re = re
		}
	case "count-selected", "string-length":
		e.Op = map[string]Op{"count-selected": OpCount, "string-length": OpLength}[t.text]
		if t.text == "count-selected" {
			switch p.tok.kind {
			case tRef:
				e.Ref = p.tok.text
				p.next()
			case tDot:
				p.next()
			default:
				p.fail(p.tok.pos, fmt.Sprintf("%s looks at an answer, ${id} or ., not %s", t.text, p.tok.describe()))
				return &Expr{Op: OpFalse}
			}
		} else if !subject(e) {
			return &Expr{Op: OpFalse}
		}
	case "if":
		e.Op = OpIf
		c := p.or()
		if p.err == nil && !c.boolean() {
			p.fail(c.Pos, fmt.Sprintf("if takes a condition first, and %s is a value", c.String()))
		}
		if !p.expect(tComma, "if takes a condition, a value if it is true and one if not") {
			return &Expr{Op: OpFalse}
		}
		a := p.or()
		if !p.expect(tComma, "if takes a condition, a value if it is true and one if not") {
			return &Expr{Op: OpFalse}
		}
		b := p.or()
		if p.err == nil && a.boolean() != b.boolean() {
			p.fail(b.Pos, "if gives a condition on one side and a value on the other")
		}
		e.Args = []*Expr{c, a, b}
	case "coalesce":
		e.Op = OpCoalesce
		if !args(e, 2, 2) {
			return &Expr{Op: OpFalse}
		}
	case "concat":
		e.Op = OpConcat
		if !args(e, 1, 10) {
			return &Expr{Op: OpFalse}
		}
	case "int", "number", "decimal-date-time", "date-time", "floor", "date":
		e.Op = map[string]Op{"int": OpInt, "number": OpNum, "decimal-date-time": OpDayNum, "date-time": OpDate, "date": OpDate, "floor": OpFloor}[t.text]
		if !args(e, 1, 1) {
			return &Expr{Op: OpFalse}
		}
	case "round":
		e.Op = OpRound
		if !args(e, 1, 2) {
			return &Expr{Op: OpFalse}
		}
	case "format-date-time", "format-date":
		e.Op = OpFormatDate
		if !args(e, 1, 1) {
			return &Expr{Op: OpFalse}
		}
		f, ok := quoted("a format")
		if !ok {
			return &Expr{Op: OpFalse}
		}
		e.Str = f
	case "today", "now":
		e.Op = OpToday
	case "true", "false":
		e.Op = map[string]Op{"true": OpTrue, "false": OpFalse}[t.text]
	default:
		p.fail(t.pos, fmt.Sprintf("unknown function %q; Chorus knows %s", t.text, knownFunctions))
		return &Expr{Op: OpFalse}
	}
	if !p.expect(tRParen, fmt.Sprintf("%s(...) needs a closing )", t.text)) {
		return &Expr{Op: OpFalse}
	}
	return p.node(e)
}

// knownFunctions lists the functions of the expression language, for
// messages.
const knownFunctions = "not, selected, count-selected, contains, string-length, regex, if, coalesce, concat, int, number, floor, round, today, decimal-date-time, date-time, format-date-time, true and false"

// validRef reports whether id can be a question id in ${id}.
func validRef(id string) bool {
	return qidPattern.MatchString(id)
}
