package survey

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/assets"
)

func TestParseExpr(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`${a} = 'yes'`, `${a} = 'yes'`},
		{`not(selected(${skip_to_end}, 'yes'))`, `not(selected(${skip_to_end}, 'yes'))`},
		{`${age}>=16 and(selected(${d},'x')or count-selected(${d})>2)`, `${age} >= 16 and (selected(${d}, 'x') or count-selected(${d}) > 2)`},
		{`not(selected(., 'yes') and selected (., 'no'))`, `not(selected(., 'yes') and selected(., 'no'))`},
		{`. <= ${a_integer}`, `. <= ${a_integer}`},
		{`${Id10002} != "it's" or true() or false()`, `${Id10002} != "it's" or true() or false()`},
		{`${x} > -1.5 and ${y} < .5`, `${x} > -1.5 and ${y} < 0.5`},
		{`(${a} = 1 or ${b} = 2) and ${c} = 3`, `(${a} = 1 or ${b} = 2) and ${c} = 3`},
		{`contains(${n}, "a'b") and string-length(.) <= 100`, `contains(${n}, "a'b") and string-length(.) <= 100`},
		{`${a} - 1 > ${b}-${c}*2 div 3 mod 4`, `${a} - 1 > ${b} - ${c} * 2 div 3 mod 4`},
		{`(${a} - (${b} - 1)) * (${c} + 1) = 6`, `(${a} - (${b} - 1)) * (${c} + 1) = 6`},
		{`if(selected(${a}, 'x') or ${b} > 2, 'yes', 'no') = 'yes'`, `if(selected(${a}, 'x') or ${b} > 2, 'yes', 'no') = 'yes'`},
		{`selected(if(${a} = '', 'n', ${a}), 'y')`, `selected(if(${a} = '', 'n', ${a}), 'y')`},
		{`regex(., '^[0-9]{3}$') and regex(${e}, '@')`, `regex(., '^[0-9]{3}$') and regex(${e}, '@')`},
		{`coalesce(${a}, ${b}) != '' and int(${c}) = number('3')`, `coalesce(${a}, ${b}) != '' and int(${c}) = number('3')`},
		{`floor(decimal-date-time(today()) - decimal-date-time(.)) <= 365`, `floor(decimal-date-time(today()) - decimal-date-time(.)) <= 365`},
		{`. <= now() and . >= date-time(decimal-date-time(today()) - 30)`, `. <= today() and . >= date-time(decimal-date-time(today()) - 30)`},
		{`round(${w} div 7, 2) > 12 and format-date-time(${d}, "%e %b, %Y") != ''`, `round(${w} div 7, 2) > 12 and format-date-time(${d}, '%e %b, %Y') != ''`},
		{`concat(${a}, ' (', ${b}, ')') = 'x (y)' and -1 < 2`, `concat(${a}, ' (', ${b}, ')') = 'x (y)' and -1 < 2`},
		{`if(${a} = 1, ${b} = 2, false())`, `if(${a} = 1, ${b} = 2, false())`},
	} {
		e, err := ParseExpr(tc.src)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tc.src, err)
			continue
		}
		if got := e.String(); got != tc.want {
			t.Errorf("ParseExpr(%q).String() = %q, want %q", tc.src, got, tc.want)
		}
		again, err := ParseExpr(e.String())
		if err != nil || again.String() != e.String() {
			t.Errorf("written out and read again, %q gives %v, %v", tc.src, again, err)
		}
	}
}

func TestParseExprErrors(t *testing.T) {
	deep := strings.Repeat("(", MaxExprDepth+1) + "${a} = 1" + strings.Repeat(")", MaxExprDepth+1)
	many := "${a} = 1" + strings.Repeat(" or ${a} = 1", MaxExprNodes/3)
	for _, tc := range []struct{ src, want string }{
		{``, "at character 1: empty; write a condition such as ${q} = 'yes'"},
		{`${a}`, "at character 1: this is a value, not a condition; compare it, e.g. ${q} = 'yes' or ${q} != ''"},
		{`${a} = 'yes`, "at character 8: text in quotes has no closing quote"},
		{`${a b} = 1`, "at character 1: \"a b\" is not a question id"},
		{`${a = 1`, "at character 1: ${ has no closing }"},
		{`$a = 1`, "at character 1: write a reference to an answer as ${id}"},
		{`${a} = 1 = 2`, "at character 10: one comparison at a time; join comparisons with and or or"},
		{`${a} = 1 and`, "at character 13: expected an answer, text, number or condition, not end of the expression"},
		{`jr:choice-name(${a}, 'x') = ''`, "at character 3: unexpected ':'"},
		{`pulldata('a', 'b') = 1`, "at character 1: unknown function \"pulldata\""},
		{`regex(${a}, '(x')`, "at character 1: the pattern '(x' cannot be read"},
		{`regex(${a}, '` + strings.Repeat("a", MaxRegexLen+1) + `')`, "the pattern is longer than 200 characters"},
		{`if(${a}, 1, 2) = 1`, "at character 4: if takes a condition first, and ${a} is a value"},
		{`if(${a} = 1, 1, ${b} = 2)`, "if gives a condition on one side and a value on the other"},
		{`${a} + (${b} = 1) > 2`, "at character 6: + works on numbers, and ${b} = 1 is a condition"},
		{`coalesce(${a}) = 1`, "at character 14: coalesce takes 2 values, not \")\""},
		{`string-length(${a} = 1) > 0`, "string-length takes a value here, and ${a} = 1 is a condition"},
		{`${a} = yes`, "at character 8: unknown word \"yes\"; put text in quotes ('yes') and answers in ${}"},
		{`selected(${a}, ${b})`, "at character 16: an option code goes in quotes, e.g. 'yes', not ${b}"},
		{`contains(${a})`, "at character 14: contains takes an answer and a text, not \")\""},
		{`${a} ! 1`, "at character 6: write not equal as !=, and not as not(...)"},
		{`not(${a})`, "at character 5: not takes a condition, and ${a} is a value"},
		{`${a} = 1 and ${b}`, "at character 10: and joins conditions, and ${b} is a value; compare it, e.g. ${q} = 'yes'"},
		{`(${a} = 1) = 1`, "at character 12: = compares values, and ${a} = 1 is a condition"},
		{`${a} = 1)`, "at character 9: unexpected \")\"; join conditions with and or or"},
		{deep, "at character 21: nested more than 20 deep"},
		{many, "more than 200 parts"},
		{strings.Repeat(" ", MaxExprLen+1), "longer than 2000 characters"},
		{"${a} = '\xff'", "not valid UTF-8"},
	} {
		_, err := ParseExpr(tc.src)
		var ee *ExprError
		if !errors.As(err, &ee) {
			t.Errorf("ParseExpr(%.40q) error = %v, want an ExprError", tc.src, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseExpr(%.40q) error = %q, want %q", tc.src, err, tc.want)
		}
	}
}

func TestCompare(t *testing.T) {
	num := func(n float64) value { return value{n: n, isNum: true, known: true, s: "x"} }
	str := func(s string) value { return value{s: s, known: true} }
	for _, tc := range []struct {
		op   Op
		a, b value
		want bool
	}{
		{OpEq, str("yes"), str("yes"), true},
		{OpNe, str(""), str(""), false},
		{OpGt, str("20"), num(18), true},   // a number typed as text
		{OpGt, str(""), num(18), false},    // no answer is not more
		{OpLt, str(""), num(18), false},    // nor less
		{OpEq, str("18.0"), num(18), true}, // as numbers
		{OpLt, str("2020-01-01"), str("2021-06-30"), true},
		{OpGe, str("abc"), num(1), false},
		{OpLe, str(""), str("a"), false},
	} {
		if got := compare(tc.op, tc.a, tc.b); got != tc.want {
			t.Errorf("compare(%s, %+v, %+v) = %v, want %v", opText[tc.op], tc.a, tc.b, got, tc.want)
		}
	}
}

// The built-in survey parses as it did before the expression language: the
// same file bytes (so the same SHA-256, which every response records) and
// the same survey written out.
func TestBuiltinSurveyUnchanged(t *testing.T) {
	data, err := assets.Survey(assets.BuiltinSurvey)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("x.json", data)
	if err != nil {
		t.Fatal(err)
	}
	const sum = "b6b8c07e304fe640bc535bd6e816fda8a24a06791dfe12233ff9e3d67fb03254" // the file since the confidence question's required_message and the pack made again for it (issues 15, 16); 878add… with issue 16's pack, b19c27… before
	if s.SHA256 != sum {
		t.Errorf("built-in survey SHA-256 = %s, want %s", s.SHA256, sum)
	}
	got, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	// written by main's Parse and json.MarshalIndent before issue 20; since
	// then only the audio pack's hash has changed (issue 16's new pack) and
	// the confidence question has gained its required_message
	want, err := os.ReadFile(filepath.Join("testdata", "builtin-parsed.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got)+"\n" != string(want) {
		t.Errorf("built-in survey written out differs from before:\n%s", got)
	}
}

func FuzzExpr(f *testing.F) {
	for _, s := range []string{
		`${a} = 'yes'`, `not(selected(${a}, 'x')) and count-selected(${b}) >= 2`,
		`. <= ${n} or (${d} > '2020-01-01' and ${e} != "")`, `true() or false()`, `((((${a} = -1.5))))`,
		`selected(., 'DK')`, `${a} = 1 = 2`, `${`, `'`, `not(`,
		`if(selected(${a}, 'x'), 1, if(${b} = '', 2, ${c})) - ${d} * 2 div 3 mod 4 > 0`,
		`regex(${a}, '^[a-z]+@[a-z]+$') or contains(coalesce(${a}, ${b}), 'x')`,
		`floor(decimal-date-time(today()) - decimal-date-time(.)) <= round(${w} div 7, 2)`,
		`format-date-time(date-time(decimal-date-time(${d}) + 280), '%e %b, %Y') = concat(int(${x}), number('1'))`,
		`regex(., '(a*)*b')`, `${a}-1 = -1`, `string-length(if(${a} = 1, 'ab', ''))`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := ParseExpr(src)
		if err != nil {
			var ee *ExprError
			if !errors.As(err, &ee) || ee.Pos < 0 || ee.Pos > len(src)+1 && ee.Pos != MaxExprLen {
				t.Fatalf("ParseExpr(%q) error %v: want an ExprError inside the text", src, err)
			}
			return
		}
		nodes := 0
		e.Walk(func(*Expr) { nodes++ })
		if nodes > MaxExprNodes+1 {
			t.Fatalf("%d nodes, more than %d", nodes, MaxExprNodes)
		}
		out := e.String()
		again, err := ParseExpr(out)
		if err != nil {
			t.Fatalf("ParseExpr(%q) wrote %q, which does not parse: %v", src, out, err)
		}
		if again.String() != out {
			t.Fatalf("ParseExpr(%q) wrote %q, then %q", src, out, again.String())
		}
		// Working it out never panics, known or not.
		en := &env{answer: func(id string) (Answer, *Question, bool) {
			return Answer{Text: id}, nil, len(id)%2 == 0
		}}
		e.eval(en)
	})
}

func TestEval(t *testing.T) {
	ans := map[string]Answer{"name": {Text: "Ana María"}, "devs": {Choices: []string{"phone", "tv"}}, "age": {Number: num(30)}}
	en := &env{self: Answer{Text: "née"}, today: func() string { return "2026-12-03" }, answer: func(id string) (Answer, *Question, bool) {
		if id == "later" {
			return Answer{}, nil, false
		}
		return ans[id], nil, true
	}}
	for src, want := range map[string]tri{
		`contains(${name}, 'Mar')`:                                        yes,
		`contains(${name}, 'mar')`:                                        no,
		`string-length(${name}) = 9`:                                      yes, // characters, not bytes
		`string-length(.) = 3`:                                            yes,
		`count-selected(${devs}) = 2`:                                     yes,
		`selected(${devs}, 'tv') and ${age} >= 30`:                        yes,
		`selected(${devs}, 'radio') or ${age} < 18`:                       no,
		`${later} = 1 or ${age} = 30`:                                     yes, // known enough
		`${later} = 1 and ${age} = 30`:                                    unknown,
		`not(${later} = 1)`:                                               unknown,
		`${missing} = ''`:                                                 yes,
		`if(${age} > 18, 'adult', 'child') = 'adult'`:                     yes,
		`if(${later} > 18, 'adult', 'child') = 'adult'`:                   unknown,
		`coalesce(${missing}, ${name}) = 'Ana María'`:                     yes,
		`${age} - 10 = 20 and ${age} * 2 div 4 = 15 and ${age} mod 7 = 2`: yes,
		`${missing} + 1 = 1`:                                              no, // NaN
		`${missing} + 1 != 1`:                                             yes,
		`int('7.9') = 7 and number('x') != number('x') and floor(-1.5) = -2 and round(2.345, 2) = 2.35`: yes,
		`regex(${name}, '^Ana') and not(regex(., '^[a-z]+$'))`:                                          yes,
		`today() = '2026-12-03' and decimal-date-time('1970-01-11') = 10`:                               yes,
		`date-time(decimal-date-time(today()) + 30) = '2027-01-02'`:                                     yes,
		`floor((decimal-date-time(today()) - decimal-date-time('2026-11-03')) div 7) = 4`:               yes,
		`format-date-time('2026-02-05', '%e %b, %Y') = '5 Feb, 2026'`:                                   yes,
		`concat(${name}, '!') = 'Ana María!' and string-length(concat(${name}, '!')) = 10`:              yes,
		`selected(if(${age} > 18, 'a b', 'c'), 'b')`:                                                    yes,
	} {
		e, err := ParseExpr(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := e.eval(en); got != want {
			t.Errorf("%s = %v, want %v", src, got, want)
		}
	}
}
