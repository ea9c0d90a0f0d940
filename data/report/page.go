package report

import (
	_ "embed" // the page template
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"chorus/data/report/suppress"
	"chorus/data/survey"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

//go:embed report.html.tmpl
var pageTemplateText string

var pageTemplate = template.Must(template.New("report").Parse(pageTemplateText))

// The page the template renders. Nothing here holds a suppressed count.
type (
	// pageView is the whole report.
	pageView struct {
		Lang, Title, TitleLang string
		Words                  map[string]string // the report's words, for headings
		Survey, Made           string
		Demo, WholeDB          bool
		Overview               []statView
		Problems               []string
		People                 []*tableView // who took part
		Questions              []*tableView
		Breakdowns             []*breakdownView
		NoKey                  string // why there are no breakdowns
		Rules                  []string
	}
	// statView is one line of the overview.
	statView struct {
		Key, Label, Value string
		Count             bool // Value is a count
	}
	// tableView is one question's (or group's) table and chart.
	tableView struct {
		Words                        map[string]string
		Anchor, Heading, HeadingLang string
		Kind                         string // question type, or "group"
		Multi                        bool
		Rows                         []rowView
		Chart                        *chartView
		Free                         *freeView
		states                       []suppress.State // by row, for breakdowns
	}
	// rowView is a labelled count.
	rowView struct {
		Label, LabelLang string
		Cell             cellView
	}
	// cellView is a count as shown.
	cellView struct {
		Key, Text, Suppressed, Pct string
		N                          int
	}
	// freeView is what a free-text question shows below its table.
	freeView struct {
		Count  string // how many answered, in words
		Quotes []quoteView
		Shown  bool // quotes were asked for
	}
	// quoteView is a free-text answer listed.
	quoteView struct {
		Text, Lang string
	}
)

// page builds what the template shows.
func (b *builder) page() *pageView {
	sv := b.versions[0]
	title, titleLang := b.pick(sv.Title)
	var vs []string
	for i := len(b.versions) - 1; i >= 0; i-- {
		if v := strconv.Itoa(b.versions[i].Version); !slices.Contains(vs, v) {
			vs = append(vs, v)
		}
	}
	p := &pageView{
		Lang:      b.opts.Language,
		Title:     title,
		TitleLang: b.langAttr(titleLang),
		Words:     b.words.plain,
		Survey:    b.say("survey", args{"Survey": sv.ID, "Versions": strings.Join(vs, ", ")}),
		Made:      b.say("made", args{"Date": b.opts.Now().Format(time.DateOnly)}),
		Demo:      b.summary.Demo,
		WholeDB:   b.summary.Surveys > 1,
		Problems:  b.problems,
	}
	dates := ""
	if b.first != "" {
		dates = b.say("date_range", args{"From": b.first, "To": b.last})
	}
	venues := 0
	for v := range b.venues {
		if v != "" {
			venues++
		}
	}
	stat := func(key string, n int) statView {
		return statView{Key: key, Label: b.say(key, nil), Value: strconv.Itoa(n), Count: true}
	}
	p.Overview = []statView{
		stat("responses", b.n), stat("venues", venues), stat("sessions", len(b.sessions)), stat("devices", b.summary.Devices),
		{Key: "dates", Label: b.say("dates", nil), Value: dates},
		stat("declined", b.summary.Declined), stat("withdrawals", b.summary.Withdrawals), stat("batches", b.summary.Batches),
	}

	// Who took part.
	langTable := b.groupTable("by-language", b.say("by_language", nil), b.languageRows())
	modeTable := b.groupTable("by-mode", b.say("by_mode", nil), b.modeRows())
	venueTable := b.groupTable("by-venue", b.say("by_venue", nil), b.venueRows())
	p.People = append(p.People, langTable, modeTable, venueTable)
	for _, a := range b.questions {
		if a.about {
			p.People = append(p.People, b.questionTable(a))
		}
	}
	for _, a := range b.questions {
		if !a.about {
			p.Questions = append(p.Questions, b.questionTable(a))
		}
	}

	// Breakdowns of the key questions.
	for _, id := range b.opts.KeyQuestions {
		a := b.byID[id]
		if a == nil || !a.key || slices.ContainsFunc(p.Breakdowns, func(c *breakdownView) bool { return c.Anchor == "cross-"+id }) {
			continue
		}
		p.Breakdowns = append(p.Breakdowns, b.breakdown(a, langTable, modeTable, venueTable))
	}
	switch {
	case len(b.opts.KeyQuestions) == 0:
		p.NoKey = b.say("no_key_asked", nil)
	case len(p.Breakdowns) == 0:
		p.NoKey = b.say("no_key", args{"Questions": strings.Join(b.opts.KeyQuestions, ", ")})
	}
	p.Rules = []string{
		b.say("rule_small", args{"Max": b.minCount - 1, "Min": b.minCount}),
		b.say("rule_second", nil), b.say("rule_zero", nil), b.say("rule_quotes", nil), b.say("rule_sums", nil),
	}
	return p
}

// group is one row of a who-took-part table.
type group struct {
	key, label, lang string
	n                int
}

// languageRows are the responses by language: the survey's languages in
// its order, then any others.
func (b *builder) languageRows() []group {
	order := slices.Clone(b.languageOrder)
	var extra []string
	for l := range b.langs {
		if !slices.Contains(order, l) {
			extra = append(extra, l)
		}
	}
	slices.Sort(extra)
	var out []group
	for _, l := range append(order, extra...) {
		out = append(out, group{key: l, label: b.languageName(l), lang: b.opts.Language, n: b.langs[l]})
	}
	return out
}

// languageName is the name of the language tag in the report's language,
// with the tag.
func (b *builder) languageName(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	name := display.Tags(language.Make(b.opts.Language)).Name(t)
	if name == "" {
		return tag
	}
	return name + " (" + tag + ")"
}

// modeRows are the responses by mode: self, assisted, worker, then any
// others.
func (b *builder) modeRows() []group {
	order := []string{string(survey.ModeSelf), string(survey.ModeAssisted), string(survey.ModeWorker)}
	var extra []string
	for m := range b.modes {
		if !slices.Contains(order, m) {
			extra = append(extra, m)
		}
	}
	slices.Sort(extra)
	var out []group
	for _, m := range append(order, extra...) {
		label := b.words.plain["mode_"+m]
		if label == "" {
			label = m
		}
		out = append(out, group{key: m, label: label, lang: b.opts.Language, n: b.modes[m]})
	}
	return out
}

// venueRows are the responses by venue, in alphabetical order, then
// those without one.
func (b *builder) venueRows() []group {
	var names []string
	for v := range b.venues {
		if v != "" {
			names = append(names, v)
		}
	}
	slices.Sort(names)
	var out []group
	for _, v := range names {
		out = append(out, group{key: v, label: v, n: b.venues[v]})
	}
	if n := b.venues[""]; n > 0 {
		out = append(out, group{key: "", label: b.say("no_venue", nil), lang: b.opts.Language, n: n})
	}
	return out
}

// groupTable is a who-took-part table of groups adding up to the
// responses.
func (b *builder) groupTable(anchor, heading string, groups []group) *tableView {
	cats := make([]category, len(groups))
	counts := make([]int, len(groups))
	for i, g := range groups {
		cats[i] = category{key: g.key, label: g.label, lang: g.lang}
		counts[i] = g.n
	}
	return b.table(anchor, heading, b.opts.Language, "group", cats, counts, true)
}

// questionTable is the table and chart of one question's answers.
func (b *builder) questionTable(a *questionTally) *tableView {
	heading, lang := b.pick(a.q.Text)
	anchor := "question-" + a.q.ID
	noAnswer := category{key: "_none", label: b.say("no_answer", nil), lang: b.opts.Language}
	switch {
	case a.q.Type == survey.Free && a.about:
		// Values given by at least minCount people, the rest together.
		var keys []string
		other := 0
		for k, v := range a.values {
			if v.n >= b.minCount {
				keys = append(keys, k)
			} else {
				other += v.n
			}
		}
		slices.Sort(keys)
		var cats []category
		var counts []int
		for _, k := range keys {
			cats = append(cats, category{key: "=" + a.values[k].shown, label: a.values[k].shown})
			counts = append(counts, a.values[k].n)
		}
		cats = append(cats, category{key: "_other", label: b.say("other_answers", nil), lang: b.opts.Language}, noAnswer)
		counts = append(counts, other, b.n-a.texts)
		return b.table(anchor, heading, lang, string(a.q.Type), cats, counts, true)
	case a.q.Type == survey.Free:
		cats := []category{{key: "_text", label: b.say("wrote", nil), lang: b.opts.Language}, noAnswer}
		t := b.table(anchor, heading, lang, string(a.q.Type), cats, []int{a.texts, b.n - a.texts}, true)
		t.Chart = nil
		t.Free = &freeView{Count: b.say("free_count", args{"Count": t.Rows[0].Cell.Text}), Shown: b.opts.IncludeQuotes}
		if b.opts.IncludeQuotes {
			slices.SortFunc(a.quotes, func(x, y quoteView) int { return strings.Compare(x.Text, y.Text) })
			t.Free.Quotes = a.quotes
			b.quotes += len(a.quotes)
		}
		return t
	}
	cats := append(slices.Clone(a.cats), noAnswer)
	counts := append(slices.Clone(a.counts), a.none)
	t := b.table(anchor, heading, lang, string(a.q.Type), cats, counts, a.q.Type != survey.Multi)
	a.states = t.states
	return t
}

// table suppresses counts (one row adding up to the responses when
// additive) and builds the table and its chart.
func (b *builder) table(anchor, heading, headingLang, kind string, cats []category, counts []int, additive bool) *tableView {
	states := suppress.Apply(suppress.Table{Counts: [][]int{counts}, MinCount: b.minCount, RowsAdd: additive})[0]
	t := &tableView{
		Words:       b.words.plain,
		Anchor:      anchor,
		Heading:     heading,
		HeadingLang: b.langAttr(headingLang),
		Kind:        kind,
		Multi:       kind == string(survey.Multi),
		states:      states,
	}
	for i, cat := range cats {
		t.Rows = append(t.Rows, rowView{Label: cat.label, LabelLang: b.langAttr(cat.lang),
			Cell: b.cell(anchor+"/"+cat.key, counts[i], states[i], b.n)})
	}
	t.Chart = b.chart(heading, headingLang, cats, t.Rows)
	return t
}

// cell is a count as shown: the number and its percentage of base, or
// words when it is suppressed.
func (b *builder) cell(key string, n int, st suppress.State, base int) cellView {
	switch st {
	case suppress.Small:
		b.suppressed++
		return cellView{Key: key, Text: b.say("fewer", args{"Min": b.minCount}), Suppressed: "small"}
	case suppress.Secondary, suppress.Masked:
		b.suppressed++
		s := "secondary"
		if st == suppress.Masked {
			s = "hidden"
		}
		return cellView{Key: key, Text: b.say("not_shown", nil), Suppressed: s}
	}
	c := cellView{Key: key, Text: strconv.Itoa(n), N: n}
	if base > 0 {
		c.Pct = strconv.Itoa(int(math.Round(100*float64(n)/float64(base)))) + "%"
	}
	return c
}
