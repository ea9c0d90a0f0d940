package survey

import (
	"fmt"
	"testing"
)

// TestProgress: "Question n of total" counts the questions shown so far
// and the most that can still follow, so an answer that opens a question
// does not make the total jump up.
func TestProgress(t *testing.T) {
	s := parseAllTypes(t)
	// alltypes.json: intro (info), online (required), devices (if online
	// is yes), confidence, ease, why_hard (if ease is 1 or 2), story, age.
	idx := func(id string) int { return s.index[id] }
	for _, tc := range []struct {
		name     string
		ans      Answers
		at       string
		n, total int
	}{
		{"first question", nil, "online", 1, 7},
		{"online yes", Answers{"online": choice("yes")}, "devices", 2, 7},
		{"online no", Answers{"online": choice("no")}, "confidence", 2, 6},
		{"ease 3", Answers{"online": choice("no"), "ease": choice("3")}, "story", 4, 5},
		{"ease 1", Answers{"online": choice("no"), "ease": choice("1")}, "why_hard", 4, 6},
		{"last", Answers{"online": choice("no"), "ease": choice("3")}, "age", 5, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, total := s.Progress(idx(tc.at), tc.ans)
			if n != tc.n || total != tc.total {
				t.Errorf("Progress(%s) = %d of %d, want %d of %d", tc.at, n, total, tc.n, tc.total)
			}
		})
	}
}

// candidates are the answers a walk tries for q: none (unless required),
// each option alone, and every option that can go together.
func candidates(q *Question) []Answer {
	var out []Answer
	if !q.Required {
		out = append(out, Answer{})
	}
	switch {
	case !q.Answerable():
		return []Answer{{}}
	case q.Type == Multi:
		var all []string
		for _, o := range q.Options {
			out = append(out, Answer{Choices: []string{o.Code}})
			if !o.Exclusive {
				all = append(all, o.Code)
			}
		}
		if len(all) > 1 {
			out = append(out, Answer{Choices: all})
		}
	case q.Choice():
		for _, o := range q.Options {
			out = append(out, Answer{Choice: o.Code})
		}
	case q.Type == Number && q.Min == nil:
		out = append(out, Answer{Number: num(10)}, Answer{Number: num(30)})
	case q.Type == Number:
		out = append(out, Answer{Number: q.Min})
	case q.Input == PostcodeOutward:
		out = append(out, Answer{Text: "SW1A"})
	default:
		out = append(out, Answer{Text: "x"})
	}
	return out
}

// walkProgress follows every way through s, answering each question with
// each of its candidates (only the questions some show_if looks at are
// branched on; the others get one answer each, as their answers change no
// count), and checks at every question that the count goes up by one, that
// the total never grows and that the count never passes the total. It
// returns how many ways it walked.
func walkProgress(t testing.TB, s *Survey) int {
	t.Helper()
	looked := map[string]bool{}
	conds := []*Condition{}
	for _, q := range s.Questions {
		conds = append(conds, q.ShowIf)
	}
	for _, g := range s.Groups {
		conds = append(conds, g.ShowIf)
	}
	for _, c := range conds {
		if c == nil {
			continue
		}
		looked[c.Question] = true
		if c.expr != nil {
			for _, id := range c.expr.Refs() {
				looked[id] = true
			}
		}
	}
	ways := 0
	var walk func(i int, ans Answers, lastN, lastTotal int, trail string)
	walk = func(i int, ans Answers, lastN, lastTotal int, trail string) {
		if i < 0 {
			ways++
			return
		}
		q := &s.Questions[i]
		n, total := s.Progress(i, ans)
		want := lastN
		if q.Answerable() {
			want++
		}
		if n != want || total > lastTotal || n > total {
			t.Fatalf("after %s: at %s Progress = %d of %d; before it was %d of %d", trail, q.ID, n, total, lastN, lastTotal)
		}
		cs := candidates(q)
		if !looked[q.ID] {
			cs = cs[len(cs)-1:]
		}
		for _, a := range cs {
			next := Answers{}
			for k, v := range ans {
				next[k] = v
			}
			if !a.Empty() {
				next[q.ID] = a
			}
			walk(s.Next(i, next), next, n, total, fmt.Sprintf("%s %s=%v", trail, q.ID, a))
		}
	}
	walk(s.Next(-1, Answers{}), Answers{}, 0, len(s.Questions), "start")
	return ways
}

func TestProgressNeverGrowsAlltypes(t *testing.T) {
	if ways := walkProgress(t, parseAllTypes(t)); ways < 10 {
		t.Errorf("walked %d ways, want every combination", ways)
	}
}

// The same with expressions, groups with conditions (nested), and
// questions behind both.
func TestProgressNeverGrowsLogic(t *testing.T) {
	s, err := Parse("logic.json", []byte(logic))
	if err != nil {
		t.Fatal(err)
	}
	if ways := walkProgress(t, s); ways < 10 {
		t.Errorf("walked %d ways, want every combination", ways)
	}
}
