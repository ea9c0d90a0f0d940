package survey

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// sizedSurvey is a valid survey file of about size bytes: the head of
// withQuestions, then questions of every answerable type, one field a line,
// each shown only if the one before was answered (a chain as long as the
// file allows).
func sizedSurvey(size int) []byte {
	var b bytes.Buffer
	head, _, _ := strings.Cut(withQuestions("@"), "@")
	b.WriteString(head)
	for i := 0; b.Len() < size-200; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "    {\n      \"id\": \"q%d\",\n", i)
		switch i % 3 {
		case 0:
			b.WriteString("      \"type\": \"single\",\n")
		case 1:
			b.WriteString("      \"type\": \"text\",\n")
		case 2:
			b.WriteString("      \"type\": \"number\",\n      \"min\": 0,\n      \"max\": 10,\n")
		}
		if i > 0 {
			fmt.Fprintf(&b, "      \"show_if\": {\"question\": \"q%d\", \"answered\": true},\n", i-1)
		}
		b.WriteString("      \"text\": {\n        \"en\": \"How was it?\",\n        \"cy\": \"Sut oedd e?\"\n      }")
		if i%3 == 0 {
			b.WriteString(",\n      \"options\": [\n")
			b.WriteString("        {\"code\": \"good\", \"label\": {\"en\": \"Good\", \"cy\": \"Da\"}},\n")
			b.WriteString("        {\"code\": \"bad\", \"label\": {\"en\": \"Bad\", \"cy\": \"Drwg\"}}\n      ]")
		}
		b.WriteString("\n    }")
	}
	b.WriteString("\n  ]\n}\n")
	return b.Bytes()
}

func benchmarkParseSize(b *testing.B, size int) {
	data := sizedSurvey(size)
	if _, err := Parse("big.json", data); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Parse("big.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseSize400K and BenchmarkParseSize4M parse valid surveys of
// 400 KB and 4 MB (the largest Chorus reads); parsing is linear in the
// file's size when the second takes about ten times as long as the first.
func BenchmarkParseSize400K(b *testing.B) { benchmarkParseSize(b, 400_000) }

// BenchmarkParseSize4M: see BenchmarkParseSize400K.
func BenchmarkParseSize4M(b *testing.B) { benchmarkParseSize(b, MaxFileSize) }

// cycleSurvey is a survey file of about size bytes whose questions' skip
// logic goes round in one circle through all of them.
func cycleSurvey(size int) []byte {
	var qs []string
	n := size / 100
	for i := range n {
		qs = append(qs, fmt.Sprintf(`    {"id": "q%d", "type": "text", "text": {"en": "A", "cy": "B"}, "show_if": {"question": "q%d", "answered": true}}`, i, (i+1)%n))
	}
	return []byte(withQuestions(strings.Join(qs, ",\n")))
}

// manyLanguagesSurvey is a survey file of about size bytes that declares
// size/64 languages and gives every question's text in English only.
func manyLanguagesSurvey(size int) []byte {
	langs := []string{`"en"`}
	for i := range size / 64 {
		langs = append(langs, fmt.Sprintf(`"x-l%d"`, i))
	}
	var qs []string
	for i := range size / 64 {
		qs = append(qs, fmt.Sprintf(`    {"id": "q%d", "type": "text", "text": {"en": "A"}}`, i))
	}
	doc := withQuestions(strings.Join(qs, ",\n"))
	return []byte(strings.Replace(doc, `["en", "cy"]`, "["+strings.Join(langs, ", ")+"]", 1))
}

// Parsing must cost work in proportion to the file's size, whatever the
// file holds: a file ten times larger may allocate about ten times the
// memory, not a hundred. Bytes allocated are counted, not time, so the
// test does not depend on the machine; BenchmarkParseSize4M shows the time.
func TestParseAllocatesInProportionToSize(t *testing.T) {
	for _, tc := range []struct {
		name  string
		gen   func(int) []byte
		valid bool
	}{
		{"valid, each question shown if the one before was answered", sizedSurvey, true},
		{"skip logic in one circle through every question", cycleSurvey, false},
		{"many languages, texts in one", manyLanguagesSurvey, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			allocated := func(data []byte) uint64 {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				_, err := Parse("t.json", data)
				runtime.ReadMemStats(&after)
				if (err == nil) != tc.valid {
					t.Errorf("%d bytes: Parse error = %.200v; want valid %v", len(data), err, tc.valid)
				}
				return after.TotalAlloc - before.TotalAlloc
			}
			small, large := tc.gen(40_000), tc.gen(400_000)
			a, b := allocated(small), allocated(large)
			ratio := float64(b) / float64(a)
			t.Logf("%d bytes: %d kB allocated; %d bytes: %d kB; ratio %.1f", len(small), a>>10, len(large), b>>10, ratio)
			if ratio > 20 {
				t.Errorf("a file %.0fx larger allocated %.0fx the memory; want about %.0fx (in proportion)",
					float64(len(large))/float64(len(small)), ratio, float64(len(large))/float64(len(small)))
			}
		})
	}
}

// The limits that keep problems in proportion to the file's size.
func TestParseLimits(t *testing.T) {
	problems := func(doc []byte) Problems {
		t.Helper()
		_, err := Parse("t.json", doc)
		var ps Problems
		if !errors.As(err, &ps) {
			t.Fatalf("Parse error = %v; want Problems", err)
		}
		return ps
	}
	t.Run("a circle of 20 questions is named in full", func(t *testing.T) {
		ps := problems(cycleSurvey(2_000))
		want := "t.json:13: questions[0].show_if: skip logic goes round in a circle: q0 -> q1 -> q2 -> q3 -> q4 -> q5 -> q6 -> q7 -> q8 -> q9 -> " +
			"q10 -> q11 -> q12 -> q13 -> q14 -> q15 -> q16 -> q17 -> q18 -> q19 -> q0"
		if len(ps) != 20 || ps[0].Error() != want {
			t.Errorf("%d problems, first %q; want 20, first %q", len(ps), ps[0].Error(), want)
		}
	})
	t.Run("a longer circle by its first ten questions", func(t *testing.T) {
		ps := problems(cycleSurvey(2_100))
		want := "t.json:33: questions[20].show_if: skip logic goes round in a circle: q20 -> q0 -> q1 -> q2 -> q3 -> q4 -> q5 -> q6 -> q7 -> q8 -> (11 more) -> q20"
		if len(ps) != 21 || ps[20].Error() != want {
			t.Errorf("%d problems, last %q; want 21, last %q", len(ps), ps[len(ps)-1].Error(), want)
		}
	})
	t.Run("languages", func(t *testing.T) {
		langs := `"en"`
		for i := range MaxLanguages - 1 {
			langs += fmt.Sprintf(`, "x-l%d"`, i)
		}
		doc := strings.Replace(withQuestions(`    {"id": "a", "type": "text", "text": {"en": "A", "cy": "B"}}`), `"en", "cy"`, langs, 1)
		if ps := problems([]byte(doc)); strings.Contains(ps.Error(), "at most") || !strings.HasPrefix(ps[0].Error(), `t.json:6: title: missing "x-l0" text`) {
			t.Errorf("%d languages: problems %.300v; want missing texts", MaxLanguages, ps)
		}
		doc = strings.Replace(doc, `"en"`, `"en", "x-more"`, 1)
		want := "t.json:5: languages: list at most 100 languages, not 101"
		if ps := problems([]byte(doc)); ps.Error() != want {
			t.Errorf("%d languages: problems %.300v; want %s", MaxLanguages+1, ps, want)
		}
	})
	t.Run("problems", func(t *testing.T) {
		var qs []string
		for i := range maxProblems + 5 {
			qs = append(qs, fmt.Sprintf(`    {"id": "%dQ", "type": "text", "text": {"en": "A", "cy": "B"}}`, i))
		}
		ps := problems([]byte(withQuestions(strings.Join(qs, ",\n"))))
		if len(ps) != maxProblems+1 || ps[maxProblems-1].Line != 13+maxProblems-1 || ps[maxProblems].Error() != "t.json: 5 more problems not listed; fix these first" {
			t.Errorf("%d problems, the last two %v; want %d, the last 5 more problems not listed", len(ps), ps[len(ps)-2:], maxProblems+1)
		}
	})
}
