package report

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"chorus/data/batch"
	"chorus/data/central"
	"chorus/data/report/suppress"
	"chorus/data/survey"
)

// builder gathers what the report shows, then builds the page.
type builder struct {
	opts     Options
	words    *words
	minCount int
	versions []*survey.Survey // newest first

	n                    int // responses
	langs, modes, venues map[string]int
	sessions             map[string]bool
	first, last          string // dates of the first and last responses
	summary              central.Summary
	problems             []string // batches missing or out of order
	questions            []*questionTally
	byID                 map[string]*questionTally
	suppressed, quotes   int
	chartSeq             int
	languageOrder        []string // the survey's languages, newest version first
}

// questionTally gathers the answers to one question.
type questionTally struct {
	q        *survey.Question
	about    bool // in the "about_you" section
	cats     []category
	index    map[string]int // category by option code
	binMin   int            // number questions: the smallest value
	binWidth int            // number questions: the width of a category
	counts   []int          // by category
	none     int            // responses without an answer
	texts    int            // free-text answers
	quotes   []quoteView
	values   map[string]*freeValue   // free-text about_you answers, by folded text
	byMode   map[string]*groupCounts // key questions only
	byLang   map[string]*groupCounts // key questions only
	byVenue  map[string]*groupCounts // key questions only
	key      bool                    // broken down by mode, language and venue
	states   []suppress.State        // of cats then no answer, once built
}

// groupCounts are one group's answers to a key question.
type groupCounts struct {
	counts []int // by category
	none   int
}

// category is one answer a table counts.
type category struct {
	key, label, lang string
	face             int // 1 to 4 for faces4 options
}

// freeValue is a free-text about_you answer as shown, and how many gave it.
type freeValue struct {
	shown string
	n     int
}

// say is the report's word key with its placeholders filled from a.
func (b *builder) say(key string, a args) string { return b.words.say(key, a) }

// pick is t in the report's language, else English, else the first
// language it has, with the tag of the language picked.
func (b *builder) pick(t survey.Text) (string, string) {
	for _, l := range []string{b.opts.Language, "en"} {
		if s, ok := t[l]; ok {
			return s, l
		}
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return "", ""
	}
	return t[keys[0]], keys[0]
}

// langAttr is tag when it differs from the page's language.
func (b *builder) langAttr(tag string) string {
	if tag == b.opts.Language {
		return ""
	}
	return tag
}

// load gathers the questions of every version, the responses and the
// overview.
func (b *builder) load(ctx context.Context, src Source) error {
	b.langs, b.modes, b.venues, b.sessions = map[string]int{}, map[string]int{}, map[string]int{}, map[string]bool{}
	b.byID = map[string]*questionTally{}
	keys := map[string]bool{}
	for _, id := range b.opts.KeyQuestions {
		keys[id] = true
	}
	// Questions of every version, newest first, each once; options of
	// every version, newest first.
	for _, sv := range b.versions {
		for i := range sv.Questions {
			q := &sv.Questions[i]
			if !q.Answerable() {
				continue
			}
			a, ok := b.byID[q.ID]
			if !ok {
				a = &questionTally{q: q, about: q.Section == "about_you", index: map[string]int{}, values: map[string]*freeValue{}}
				a.key = keys[q.ID] && q.Type != survey.Free
				if a.key {
					a.byMode, a.byLang, a.byVenue = map[string]*groupCounts{}, map[string]*groupCounts{}, map[string]*groupCounts{}
				}
				b.byID[q.ID] = a
				b.questions = append(b.questions, a)
			}
			for j, o := range q.Options {
				if _, seen := a.index[o.Code]; seen || q.Type == survey.Number || q.Type == survey.Free {
					continue
				}
				cat := category{key: o.Code}
				cat.label, cat.lang = b.pick(o.Label)
				if cat.label == "" && q.Type == survey.YesNo {
					cat.label, cat.lang = b.say(o.Code, nil), b.opts.Language
				}
				if cat.label == "" {
					cat.label, cat.lang = o.Code, b.opts.Language
				}
				if q.Type == survey.Faces4 && j < 4 {
					cat.face = j + 1
				}
				a.index[o.Code] = len(a.cats)
				a.cats = append(a.cats, cat)
			}
		}
		for _, l := range sv.Languages {
			if !slices.Contains(b.languageOrder, l) {
				b.languageOrder = append(b.languageOrder, l)
			}
		}
	}
	for _, a := range b.questions {
		if a.q.Type == survey.Number {
			b.numberBins(a)
		}
		a.counts = make([]int, len(a.cats))
	}
	if err := src.EachResponse(ctx, b.versions[0].ID, b.addResponse); err != nil {
		return err
	}
	if b.n == 0 {
		return central.ErrNoData
	}
	return b.loadOverview(ctx, src)
}

// numberBins makes the categories of a number question: each value when
// there are at most 12, else ranges aligned to a round width.
func (b *builder) numberBins(a *questionTally) {
	lo, hi := math.MaxInt, math.MinInt
	for _, sv := range b.versions {
		if q, ok := sv.Question(a.q.ID); ok && q.Min != nil && q.Max != nil {
			lo, hi = min(lo, *q.Min), max(hi, *q.Max)
		}
	}
	if lo > hi {
		lo, hi = 0, 0
	}
	width := 1
	for _, w := range []int{1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000, 10000, 100000, 1000000} {
		width = w
		if floorDivide(hi, w)-floorDivide(lo, w)+1 <= 12 {
			break
		}
	}
	a.binMin, a.binWidth = lo, width
	for s := floorDivide(lo, width) * width; s <= hi; s += width {
		from, to := max(s, lo), min(s+width-1, hi)
		label := strconv.Itoa(from)
		if to > from {
			label = b.say("range", args{"From": from, "To": to})
		}
		a.cats = append(a.cats, category{key: fmt.Sprintf("%d-%d", from, to), label: label, lang: b.opts.Language})
		if s > math.MaxInt-width {
			break
		}
	}
}

// floorDivide is a/b rounded down.
func floorDivide(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// bin is the category of number v, or -1.
func (a *questionTally) bin(v int) int {
	if a.binWidth == 0 {
		return -1
	}
	i := floorDivide(v, a.binWidth) - floorDivide(a.binMin, a.binWidth)
	if i < 0 || i >= len(a.cats) {
		return -1
	}
	return i
}

// categoryOf returns the index of code, adding a category for a code no
// survey version lists.
func (a *questionTally) categoryOf(code string) int {
	i, ok := a.index[code]
	if !ok {
		i = len(a.cats)
		a.index[code] = i
		a.cats = append(a.cats, category{key: code, label: code})
		a.counts = append(a.counts, 0)
		for _, m := range []map[string]*groupCounts{a.byMode, a.byLang, a.byVenue} {
			for _, row := range m {
				row.counts = append(row.counts, 0)
			}
		}
	}
	return i
}

// addResponse counts one response.
func (b *builder) addResponse(r *central.ResponseRecord) error {
	b.n++
	b.langs[r.Language]++
	b.modes[r.Mode]++
	b.venues[r.Venue]++
	if r.Session != "" {
		b.sessions[r.Session] = true
	}
	if t, err := time.Parse(time.RFC3339Nano, r.CreatedAt); err == nil {
		day := t.Add(time.Duration(r.CreatedOffset) * time.Minute).Format(time.DateOnly)
		if b.first == "" || day < b.first {
			b.first = day
		}
		if day > b.last {
			b.last = day
		}
	}
	var agreed map[string]bool // read when first needed
	idx := make([]int, 0, 16)
	for _, a := range b.questions {
		ansr, ok := r.Answers[a.q.ID]
		idx = idx[:0]
		switch {
		case !ok || ansr.Empty():
		case a.q.Type == survey.Free:
			a.texts++
			if a.about {
				shown := strings.Join(strings.Fields(ansr.Text), " ")
				k := strings.ToLower(shown)
				if v := a.values[k]; v != nil {
					v.n++
				} else {
					a.values[k] = &freeValue{shown: shown, n: 1}
				}
				continue
			}
			if !b.opts.IncludeQuotes {
				continue
			}
			if agreed == nil {
				var err error
				if agreed, err = r.Purposes(); err != nil {
					return err
				}
			}
			if agreed[b.opts.QuotesPurpose] {
				a.quotes = append(a.quotes, quoteView{Text: ansr.Text, Lang: r.Language})
			}
			continue
		case a.q.Type == survey.Number:
			if ansr.Number != nil {
				if i := a.bin(*ansr.Number); i >= 0 {
					idx = append(idx, i)
				}
			}
		case len(ansr.Choices) > 0:
			for _, code := range ansr.Choices {
				idx = append(idx, a.categoryOf(code))
			}
		case ansr.Choice != "":
			idx = append(idx, a.categoryOf(ansr.Choice))
		}
		for _, i := range idx {
			a.counts[i]++
		}
		if len(idx) == 0 {
			a.none++
		}
		if a.key {
			for _, g := range []struct {
				m   map[string]*groupCounts
				key string
			}{{a.byMode, r.Mode}, {a.byLang, r.Language}, {a.byVenue, r.Venue}} {
				row := g.m[g.key]
				if row == nil {
					row = &groupCounts{counts: make([]int, len(a.cats))}
					g.m[g.key] = row
				}
				for _, i := range idx {
					row.counts[i]++
				}
				if len(idx) == 0 {
					row.none++
				}
			}
		}
	}
	return nil
}

// loadOverview reads the counts beside the responses, and finds batches
// missing below the highest merged and batches that do not chain to the
// one before (as central.DB.Check, in the report's language).
func (b *builder) loadOverview(ctx context.Context, src Source) error {
	var err error
	if b.summary, err = src.Summary(ctx, b.versions[0].ID); err != nil {
		return err
	}
	links, err := src.BatchLinks(ctx)
	if err != nil {
		return err
	}
	var dev string
	var next, high int64
	var prevSum string
	var missing []string
	flush := func() {
		if len(missing) == 0 {
			return
		}
		key := "missing_one"
		if len(missing) > 1 || strings.Contains(missing[0], "–") {
			key = "missing_many"
		}
		b.problems = append(b.problems, b.say(key, args{"Device": batch.DeviceShort(dev), "Missing": strings.Join(missing, ", "), "Highest": high}))
		missing = nil
	}
	for _, l := range links {
		if l.DeviceID != dev {
			flush()
			dev, next, prevSum = l.DeviceID, 1, ""
		}
		switch {
		case next == l.Seq-1:
			missing = append(missing, strconv.FormatInt(next, 10))
		case next < l.Seq:
			missing = append(missing, fmt.Sprintf("%d–%d", next, l.Seq-1))
		}
		if next == l.Seq && prevSum != "" && prevSum != l.PrevManifestSHA256 {
			b.problems = append(b.problems, b.say("chain", args{"Device": batch.DeviceShort(l.DeviceID), "Seq": l.Seq, "Prev": l.Seq - 1}))
		}
		next, high, prevSum = l.Seq+1, l.Seq, l.ManifestSHA256
	}
	flush()
	return nil
}
