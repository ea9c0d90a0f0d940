package survey

import "slices"

// Progress returns where question i is on a participant's way through the
// survey, for "Question n of total". n counts the questions (info screens
// aside) shown up to and including i. total is n and the most questions
// that can still follow: the answers to earlier questions are taken as
// given, and for i and every later question the answer that shows the most
// questions after it is assumed.
//
// So the total never grows as a participant answers and moves on: an answer
// that opens a question was already counted, and one that hides questions
// makes the total smaller. Counting only the questions the answers so far
// show would jump from "9 of 12" to "10 of 17" when an answer opens five
// questions.
func (s *Survey) Progress(i int, ans Answers) (n, total int) {
	for _, j := range s.Path(ans) {
		if j <= i && s.Questions[j].Answerable() {
			n++
		}
	}
	most := s.mostAfter(i)
	total = n
	if i >= 0 && i < len(s.Questions) {
		total += s.mostShown(i, most)
	}
	// What the answers before i say of each later question: shown, hidden,
	// or not known until i or a later question is answered.
	vis := s.pass(ans, len(s.Questions), i)
	for j := i + 1; j < len(s.Questions); j++ {
		c := s.Questions[j].ShowIf
		switch {
		case s.complex(j):
			// An expression or a group's condition can look at many
			// answers: the question counts unless the answers so far
			// already hide it.
			if vis[j] != no {
				total += most[j]
			}
		case c == nil:
			total += most[j]
		case s.index[c.Question] < i && vis[j] == yes:
			// A question whose condition looks at an answer given before
			// i counts as that answer says; one that looks at i or a later
			// question is counted in mostShown of that question.
			total += most[j]
		}
	}
	return n, total
}

// mostAfter returns, for each question j after i, how many questions j and
// the questions shown through its answer can come to at most: 1 for j
// itself (0 for an info screen) and [Survey.mostShown] of j.
func (s *Survey) mostAfter(i int) []int {
	most := make([]int, len(s.Questions))
	for j := len(s.Questions) - 1; j > i && j >= 0; j-- {
		if s.Questions[j].Answerable() {
			most[j] = 1
		}
		most[j] += s.mostShown(j, most)
	}
	return most
}

// mostShown returns how many questions the answer to question j can show
// at most, given most for every later question: the largest sum over the
// questions whose condition looks at j, for each answer j can have.
func (s *Survey) mostShown(j int, most []int) int {
	q := &s.Questions[j]
	var deps []int // the questions whose condition looks at j
	for k := j + 1; k < len(s.Questions); k++ {
		if c := s.Questions[k].ShowIf; c != nil && c.Expr == "" && c.Question == q.ID && !s.complex(k) {
			deps = append(deps, k)
		}
	}
	if len(deps) == 0 {
		return 0
	}
	// The answers to try: each option alone and, for a multiple choice,
	// every option that is not exclusive together; a text or number
	// question is simply answered.
	var tries [][]string
	switch {
	case q.Type == Multi:
		var all []string
		for _, o := range q.Options {
			tries = append(tries, []string{o.Code})
			if !o.Exclusive {
				all = append(all, o.Code)
			}
		}
		tries = append(tries, all)
	case q.Choice():
		for _, o := range q.Options {
			tries = append(tries, []string{o.Code})
		}
	case q.Answerable():
		tries = append(tries, nil)
	}
	best := 0
	for _, codes := range tries {
		sum := 0
		for _, k := range deps {
			c := s.Questions[k].ShowIf
			shown := c.Answered ||
				(c.Equals != "" && slices.Contains(codes, c.Equals)) ||
				slices.ContainsFunc(c.AnyOf, func(code string) bool { return slices.Contains(codes, code) })
			if shown {
				sum += most[k]
			}
		}
		best = max(best, sum)
	}
	return best
}
