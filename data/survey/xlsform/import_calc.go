package xlsform

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"chorus/data/survey"
)

// This file handles calculate rows and the paths between rows. A Chorus
// survey has no calculations of its own: a calculation that a relevant or
// constraint uses is worked into that expression (its text put in place of
// the reference), so the kiosk evaluates it with the answers and never
// shows it. A calculation nothing mapped uses is left out.

// maxInline is how deeply calculations that use calculations are worked in.
const maxInline = 8

// calc is a calculate, hidden or string row.
type calc struct {
	row  int // in the sheet
	key  int // the row's key (see row)
	copy int
	name string
	typ  string
	src  string       // the calculation, as written
	expr *survey.Expr // nil when it cannot be worked out
	why  string       // why not
	used bool
	// outside says it takes data from outside the form (instance(...)),
	// which is empty in a kiosk.
	outside bool
}

// instanceRef is data from outside the form: instance('contact-summary')/...,
// the earlier visits a CHT form is given.
var instanceRef = regexp.MustCompile(`instance\(\s*'[^']*'\s*\)(/[A-Za-z0-9_.:-]+)*`)

// rowPaths works out each survey row's path (/group/name) before the rows
// are mapped, so that relative references (../age) can be resolved.
func (im *importer) rowPaths(s *sheet) {
	im.rowPath = map[int]string{}
	im.pathRow = map[string]int{}
	var stack []string
	var repeats []bool
	for _, r := range s.rows {
		typ := strings.ToLower(strings.Join(strings.Fields(s.get(r, "type")), " "))
		name := s.get(r, "name")
		switch typ {
		case "begin group", "begin_group", "begin repeat", "begin_repeat":
			stack = append(stack, name)
			repeats = append(repeats, strings.Contains(typ, "repeat"))
			im.setPath(r.key, "/"+strings.Join(stack, "/"))
			continue
		case "end group", "end_group", "end repeat", "end_repeat":
			if len(stack) > 0 {
				stack, repeats = stack[:len(stack)-1], repeats[:len(repeats)-1]
			}
			continue
		}
		if name == "" {
			continue
		}
		im.setPath(r.key, "/"+strings.Join(append(slices.Clone(stack), name), "/"))
		base, _, _ := strings.Cut(typ, " ")
		if isCalc(base, s.get(r, "calculation")) && !slices.Contains(repeats, true) {
			im.addCalc(s, r, name+r.suffix, base)
		}
	}
}

func (im *importer) setPath(row int, p string) {
	im.rowPath[row] = p
	if _, dup := im.pathRow[p]; dup {
		im.pathRow[p] = -1
		return
	}
	im.pathRow[p] = row
}

// resolve gives the ${} reference a path from row at means, or "" when it
// names no one row: the question mapped from that row, the calculation on
// it, else the row's name when only one row has it.
func (im *importer) resolve(path string, at int) string {
	var abs []string
	steps := strings.Split(strings.TrimRight(path, "/"), "/")
	if strings.HasPrefix(path, "/") {
		steps = steps[1:] // "" before the first /
		if len(steps) > 0 {
			steps = steps[1:] // the form's root
		}
	} else if base, ok := im.rowPath[at]; ok {
		abs = strings.Split(strings.TrimPrefix(base, "/"), "/")
	} else {
		abs = []string{""} // unknown: only the name rule below can resolve it
	}
	for _, st := range steps {
		switch st {
		case ".", "":
		case "..":
			if len(abs) == 0 {
				return ""
			}
			abs = abs[:len(abs)-1]
		default:
			abs = append(abs, st)
		}
	}
	if len(abs) == 0 {
		return ""
	}
	if row, ok := im.pathRow["/"+strings.Join(abs, "/")]; ok && row > 0 && abs[0] != "" {
		if id, ok := im.rowID[row]; ok {
			return id
		}
		if c, ok := im.calcRow[row]; ok {
			return im.calcKey(c)
		}
	}
	if last := abs[len(abs)-1]; im.names[last] == 1 {
		return last
	}
	return ""
}

// calcKey is the name a calculation goes by in references: its name, or
// with its row when other rows have the name too.
func (im *importer) calcKey(c *calc) string {
	if im.names[c.name] == 1 {
		return c.name
	}
	return c.name + "__row" + strconv.Itoa(c.row)
}

// addCalc records a calculate, hidden or string row outside repeats.
func (im *importer) addCalc(s *sheet, r row, name, typ string) {
	c := &calc{row: r.num, key: r.key, copy: r.copy, name: name, typ: typ, src: s.get(r, "calculation")}
	c.outside = instanceRef.MatchString(c.src)
	im.calcRow[r.key] = c
	im.calcs[im.calcKey(c)] = c
	switch {
	case c.src == "":
		// A value the form is given (CHT's inputs): a kiosk has none.
		c.expr = &survey.Expr{Op: survey.OpString}
	case strings.Contains(c.src, "jr:choice-name"):
		c.why = "jr:choice-name gives a choice's label, which Chorus does not put into expressions"
	}
}

// parse reads a calculation when an expression first uses it, so that its
// paths resolve to the questions mapped by then.
func (im *importer) parse(c *calc) {
	if c.expr != nil || c.why != "" {
		return
	}
	at := im.at
	im.at = c.key
	e, err := survey.ParseValue(im.paths(c.src))
	im.at = at
	if err != nil {
		c.why = err.Error()
		return
	}
	// "." in a calculation is its own value, empty before it is worked out.
	c.expr = replaceSelf(e)
}

func replaceSelf(e *survey.Expr) *survey.Expr {
	if e.Op == survey.OpSelf {
		return &survey.Expr{Op: survey.OpString, Pos: e.Pos}
	}
	n := *e
	n.Args = nil
	for _, a := range e.Args {
		n.Args = append(n.Args, replaceSelf(a))
	}
	if len(e.Args) == 0 && e.Ref == "" && (e.Op == survey.OpSelected || e.Op == survey.OpContains || e.Op == survey.OpLength || e.Op == survey.OpRegex) {
		n.Args = []*survey.Expr{{Op: survey.OpString}}
	}
	return &n
}

// inline puts the calculations e uses in place of their references. It
// returns e itself when it uses none.
func (im *importer) inline(e *survey.Expr, depth int, seen []string) (*survey.Expr, string) {
	var why string
	var walk func(n *survey.Expr) *survey.Expr
	walk = func(n *survey.Expr) *survey.Expr {
		if why != "" {
			return n
		}
		c := im.calcs[n.Ref]
		if !n.LooksAt() || n.Ref == "" || c == nil || im.byID[n.Ref] != nil {
			out := *n
			out.Args = nil
			for _, a := range n.Args {
				out.Args = append(out.Args, walk(a))
			}
			return &out
		}
		im.parse(c)
		switch {
		case c.expr == nil:
			why = fmt.Sprintf("it uses the calculation %s (survey row %d), which cannot be worked out: %s", c.name, c.row, c.why)
			return n
		case slices.Contains(seen, n.Ref):
			why = fmt.Sprintf("the calculation %s uses itself", c.name)
			return n
		case depth >= maxInline:
			why = fmt.Sprintf("calculations use calculations more than %d deep", maxInline)
			return n
		}
		sub, w := im.inline(c.expr, depth+1, append(seen, n.Ref))
		if w != "" {
			why = w
			return n
		}
		c.used = true
		if n.Op == survey.OpRef {
			return sub
		}
		out := *n
		out.Ref = ""
		out.Args = []*survey.Expr{sub}
		if sub.Op == survey.OpRef {
			out.Ref, out.Args = sub.Ref, nil
		} else if n.Op == survey.OpCount {
			why = fmt.Sprintf("count-selected looks at a question's choices, and %s is a calculation", c.name)
		}
		return &out
	}
	out := walk(e)
	return out, why
}

// calcItems adds the report's line for each calculation.
func (im *importer) calcItems(sheetName string) {
	for _, c := range im.calcRow {
		if c.copy > 1 {
			continue // the report speaks of the first copy
		}
		if c.used {
			im.rep.Figures.CalculationsUsed++
		}
		switch {
		case c.used && c.src == "":
			im.rep.add(sheetName, c.row, "%s (%s): a value the form is given by another app (such as an earlier visit's data); a kiosk has none and never shows one participant's answers to another, so it is empty where the form uses it", c.name, c.typ)
		case c.used && c.outside:
			im.rep.add(sheetName, c.row, "%s (%s): not asked; worked into the relevant and constraint expressions that use it, with the data it takes from outside the form (instance(...)) empty: a kiosk has no earlier visits and never shows one participant's answers to another", c.name, c.typ)
		case c.used:
			im.rep.add(sheetName, c.row, "%s (%s): not asked; worked into the relevant and constraint expressions that use it, so the kiosk works it out from the answers", c.name, c.typ)
		case c.why != "":
			im.rep.add(sheetName, c.row, "%s (%s): left out: %q cannot be worked out: %s", c.name, c.typ, c.src, c.why)
		default:
			im.rep.add(sheetName, c.row, "%s (%s): %s; left out", c.name, c.typ, whyCalc)
		}
	}
}
