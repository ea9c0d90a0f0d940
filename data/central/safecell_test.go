package central_test

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"

	"chorus/data/central"
)

var number = regexp.MustCompile(`^[-+]?[0-9]+(\.[0-9]+)?$`)

// safeCellCases are cells and what SafeCell makes of them.
var safeCellCases = []struct{ in, want string }{
	// A formula start right after a separator some spreadsheet splits on.
	{"ok;=1+1", "ok;'=1+1"},
	{"a,@SUM(1)", "a,'@SUM(1)"},
	{"x\t=1", "x\t'=1"},
	{"line\n=1", "line\n'=1"},
	{"line\r\n+1", "line\r\n'+1"},
	{"old\r-cmd", "old\r'-cmd"},
	{"a; =HYPERLINK(\"x\")", "a; '=HYPERLINK(\"x\")"},
	{"=1;=2", "'=1;'=2"},
	{"a;-", "a;'-"},
	{"one,two;+44 29 2000", "one,two;'+44 29 2000"},
	{"\r=1", "'\r'=1"},
	// At the start, as before.
	{"=1+2", "'=1+2"}, {"+44 29 2000", "'+44 29 2000"}, {"-", "'-"}, {"@SUM(A1)", "'@SUM(A1)"}, {"\tx", "'\tx"}, {"\rx", "'\rx"},
	{" =1", " '=1"},
	// A number after a separator too: in a spreadsheet that splits there,
	// the next cell's text runs on after it.
	{"1;-2", "1;'-2"}, {"a;-3.5", "a;'-3.5"}, {"a, -3", "a, '-3"}, {"-3;x", "'-3;x"},
	// Plain numbers and ordinary text are left alone.
	{"-3", "-3"}, {"+5", "+5"}, {"2.5", "2.5"}, {"-3.5", "-3.5"}, {"1;2", "1;2"},
	{"plain", "plain"}, {"", ""}, {"a=b", "a=b"}, {"a=b;c=d", "a=b;c=d"}, {"3-4", "3-4"}, {"e-mail", "e-mail"},
	{"Hello, world", "Hello, world"}, {"yes;no", "yes;no"}, {"x;", "x;"}, {";", ";"}, {"a\n\nb", "a\n\nb"},
	{"Diolch 👍", "Diolch 👍"}, {"a - b", "a - b"}, {"a;\tb", "a;\tb"},
}

func TestSafeCellGuardsEveryPart(t *testing.T) {
	for _, c := range safeCellCases {
		if got := central.SafeCell(c.in); got != c.want {
			t.Errorf("SafeCell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A CSV file of safe cells, read back as a spreadsheet would with a
// comma, a semicolon or a tab as the list separator, or line by line
// ignoring quotes, has no cell that starts a formula.
func TestSafeCellsSplitAnyWay(t *testing.T) {
	var row []string
	for _, c := range safeCellCases {
		row = append(row, central.SafeCell(c.in))
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(row); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	check := func(how, cell string) {
		s := strings.TrimLeft(cell, " \"")
		if s != "" && strings.ContainsRune("=+-@", rune(s[0])) && !number.MatchString(s) {
			t.Errorf("split by %s: cell %q starts a formula", how, cell)
		}
	}
	for _, sep := range []rune{',', ';', '\t'} {
		r := csv.NewReader(bytes.NewReader(buf.Bytes()))
		r.Comma, r.LazyQuotes, r.FieldsPerRecord = sep, true, -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("split by %q: %v", sep, err)
		}
		for _, rec := range recs {
			for _, cell := range rec {
				check(strings.ReplaceAll(string(sep), "\t", "tab"), cell)
			}
		}
	}
	for _, line := range strings.FieldsFunc(buf.String(), func(r rune) bool { return r == '\n' || r == '\r' }) {
		for _, cell := range strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune(",;\t", r) }) {
			check("lines, quotes ignored", cell)
		}
	}
}
