package central

import (
	"context"
	_ "embed" // the report template
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"chorus/data/batch"
	"chorus/data/survey"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// DefaultMinCount is the smallest count a report shows by default: a
// count of 1 to DefaultMinCount-1 is shown as "fewer than 5".
const DefaultMinCount = 5

// DefaultQuotesPurpose is the consent purpose a participant agrees to for
// their free-text answers to be quoted without their name.
const DefaultQuotesPurpose = "quotes"

// DefaultKeyQuestions are the questions a report breaks down by mode and
// by language when [ReportOptions.KeyQuestions] is nil: confidence,
// barriers and preference in the built-in digital inclusion survey.
var DefaultKeyQuestions = []string{"confidence", "barriers", "preference"}

// ReportOptions tune [DB.WriteReport].
type ReportOptions struct {
	// Survey is the survey id to report on; "" when the database holds
	// only one survey.
	Survey string
	// Language of the report's own headings and words: "en" (the
	// default when "") or "cy"; see [ReportLanguages]. Question texts
	// are the survey's in that language, or English when it has none.
	Language string
	// MinCount is the smallest count shown; smaller ones are suppressed.
	// 0 means [DefaultMinCount]; otherwise it must be at least 2.
	MinCount int
	// IncludeQuotes lists the free-text answers of participants who
	// agreed to QuotesPurpose. Without it no free-text answer is shown.
	IncludeQuotes bool
	// QuotesPurpose is the consent purpose for quotes; "" means
	// [DefaultQuotesPurpose].
	QuotesPurpose string
	// KeyQuestions are broken down by mode and by language. nil means
	// [DefaultKeyQuestions]; ids the survey lacks, and free-text
	// questions, are skipped.
	KeyQuestions []string
	// Now gives the date printed on the report; nil means time.Now.
	Now func() time.Time
}

// ReportResult says what [DB.WriteReport] wrote.
type ReportResult struct {
	Responses  int
	Questions  int // questions with a chart or a count
	Suppressed int // table cells not shown
	Quotes     int // free-text answers listed
}

// ReportLanguages are the languages a report's own words exist in.
func ReportLanguages() []string { return []string{"en", "cy"} }

// WriteReportFile writes the report to path through a temporary file in
// the same folder, so that path holds a complete report or is left as it
// was.
func (c *DB) WriteReportFile(ctx context.Context, path string, opts ReportOptions) (ReportResult, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return ReportResult{}, err
	}
	defer os.Remove(f.Name()) // after a successful rename this fails harmlessly
	defer f.Close()
	res, err := c.WriteReport(ctx, f, opts)
	if err != nil {
		return res, err
	}
	if err := f.Sync(); err != nil {
		return res, err
	}
	if err := f.Close(); err != nil {
		return res, err
	}
	return res, os.Rename(f.Name(), path)
}

// WriteReport writes a report on one survey as a single HTML file that
// needs nothing else: no network, scripts or fonts. It has
//
//   - an overview: responses, venues, sessions, devices, dates, how many
//     people declined, withdrawals, batches, and batches missing or out
//     of order (conflicting batches are refused when merging, so they
//     are never in the database);
//   - who took part: by language, mode, venue and every question whose
//     section is "about_you";
//   - every other question: a bar chart (faces for faces4 questions)
//     beside a table of the same numbers; for free-text questions the
//     number of answers and, only with IncludeQuotes, the answers of
//     participants whose consent includes QuotesPurpose, in alphabetical
//     order and without anything else about the participant;
//   - the key questions broken down by mode and by language.
//
// Charts are inline SVG with a title and a description, and every table
// has header cells with scope, so the report can be read with a screen
// reader; colours are from the Okabe-Ito palette. Everything that comes
// from the data is HTML-escaped. A @media print style lays it out on A4.
//
// # Small numbers
//
// Any count from 1 to MinCount-1 is shown as "fewer than N" and never as
// its number, here or in a chart or a percentage. So that it cannot be
// worked out from the other numbers, the report treats each row of
// numbers that adds up to a known total as a sum (one question's
// answers plus "no answer" add up to the responses; a breakdown's cells
// add up to its group and to the overall count of that answer) and
// assumes every total is known. Then, until no hidden number in any such
// row or column can be worked out exactly from the numbers shown, the
// bounds a reader knows (1 to MinCount-1 for "fewer than N", at least
// MinCount for a number hidden to protect another), and the total, it
// hides the smallest other non-zero number of that row as "not shown",
// or, when there is none left, every number of the row. A breakdown
// also hides every row and column whose total the report itself does
// not show. Answers to multiple-choice questions do not add up, so only
// their small numbers are hidden. Zeros are shown. Percentages are of
// all responses (in breakdowns, of the group), and only for numbers
// shown.
//
// Sums that run across more than one question (through show_if
// conditions) or across rows and columns together are not examined:
// check tables built from them before publishing.
func (c *DB) WriteReport(ctx context.Context, w io.Writer, opts ReportOptions) (ReportResult, error) {
	var res ReportResult
	if opts.Language == "" {
		opts.Language = "en"
	}
	words, ok := reportWords[opts.Language]
	if !ok {
		return res, fmt.Errorf("the report's own words exist in %s, not %q", strings.Join(ReportLanguages(), " and "), opts.Language)
	}
	switch {
	case opts.MinCount == 0:
		opts.MinCount = DefaultMinCount
	case opts.MinCount < 2:
		return res, fmt.Errorf("the smallest count shown must be at least 2, not %d", opts.MinCount)
	}
	if opts.QuotesPurpose == "" {
		opts.QuotesPurpose = DefaultQuotesPurpose
	}
	if opts.KeyQuestions == nil {
		opts.KeyQuestions = DefaultKeyQuestions
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	versions, err := c.surveyVersions(ctx, opts.Survey)
	if err != nil {
		return res, err
	}
	b := &reportBuilder{opts: opts, words: words, k: opts.MinCount, versions: versions}
	if err := b.load(ctx, c); err != nil {
		return res, err
	}
	page := b.page()
	if err := reportTemplate.Execute(w, page); err != nil {
		return res, err
	}
	res.Responses = b.n
	res.Questions = len(page.People) + len(page.Questions) - 3 // language, mode, venue
	res.Suppressed = b.suppressed
	res.Quotes = b.quotes
	return res, nil
}

//go:embed report.html.tmpl
var reportTemplateText string

var reportTemplate = template.Must(template.New("report").Parse(reportTemplateText))

// reportWords are the report's own words in each of [ReportLanguages].
// Entries with %d or %s are formats.
var reportWords = map[string]map[string]string{
	"en": {
		"title":          "Chorus report",
		"survey":         "Survey %s, version %s.",
		"made":           "Made on %s.",
		"demo":           "Demo data: these are not real responses.",
		"contents":       "Contents",
		"overview":       "Overview",
		"responses":      "Responses",
		"venues":         "Venues",
		"sessions":       "Sessions",
		"devices":        "Devices",
		"dates":          "Dates of responses",
		"date_range":     "%s to %s",
		"declined":       "People who said no to taking part",
		"withdrawals":    "Responses withdrawn",
		"batches":        "Batches merged",
		"whole_db":       "This database holds responses to more than one survey: devices, batches and withdrawals are for the whole database.",
		"problems":       "Gaps and problems found in batches",
		"no_problems":    "None: every device's batches are complete and in order.",
		"missing_one":    "Device %s: batch %s is missing (highest merged: %d).",
		"missing_many":   "Device %s: batches %s are missing (highest merged: %d).",
		"chain":          "Device %s: batch %d does not follow batch %d.",
		"conflicts":      "Conflicting batches are refused when they are merged, so none are in the database.",
		"who":            "Who took part",
		"by_language":    "Language of the survey",
		"by_mode":        "How the survey was done",
		"by_venue":       "Venue",
		"mode_self":      "On their own",
		"mode_assisted":  "With help from a worker",
		"mode_worker":    "A worker recorded their answers",
		"no_venue":       "Not recorded",
		"questions":      "Every question",
		"about_you_note": "Questions about the people who took part are under “Who took part”.",
		"key":            "Key questions by mode and by language",
		"no_key":         "This survey has none of the key questions (%s).",
		"no_key_asked":   "No key questions were chosen.",
		"by_mode_h":      "By how the survey was done",
		"by_language_h":  "By language",
		"mode":           "How the survey was done",
		"language":       "Language",
		"answer":         "Answer",
		"count":          "Number",
		"percent":        "% of responses",
		"caption":        "Number of responses for each answer",
		"cross_caption":  "Number of responses for each answer, in each group.",
		"cross_note":     "Each number is followed by its percentage of the group.",
		"no_answer":      "No answer",
		"other_answers":  "Other answers",
		"wrote":          "Wrote an answer",
		"yes":            "Yes",
		"no":             "No",
		"range":          "%d to %d",
		"fewer":          "fewer than %d",
		"not_shown":      "not shown",
		"multi":          "People could choose more than one answer, so the numbers add up to more than the number of responses.",
		"chart":          "Bar chart of the numbers in the table beside it.",
		"free_count":     "Free-text answers: %s.",
		"quotes_off":     "The answers are not shown. They are shown only when the report is made with --include-quotes, and then only for people who agreed to be quoted.",
		"quotes_on":      "Answers from people who agreed their words can be used without their name, in alphabetical order. Other answers are not shown.",
		"quotes_none":    "No one who answered agreed to be quoted.",
		"about":          "About this report",
		"rule_small":     "To protect the people who took part, a number from 1 to %d is shown as “fewer than %d”, never as the number.",
		"rule_second":    "So that a hidden number cannot be worked out from a total, other numbers are also “not shown”: the smallest other number in the same row or column, or the whole row when nothing else is left. In breakdowns, groups and answers whose total is hidden elsewhere are not shown.",
		"rule_zero":      "Zeros are shown. Percentages are of all responses (in breakdowns, of the group) and are given only for numbers that are shown.",
		"rule_quotes":    "Free-text answers are listed only for people who agreed to be quoted, and only when asked for.",
		"rule_sums":      "Numbers that can be added up across different questions are not checked against each other: check before publishing tables made from them.",
	},
	"cy": {
		"title":          "Adroddiad Chorus",
		"survey":         "Arolwg %s, fersiwn %s.",
		"made":           "Lluniwyd ar %s.",
		"demo":           "Data enghreifftiol: nid ymatebion go iawn yw'r rhain.",
		"contents":       "Cynnwys",
		"overview":       "Trosolwg",
		"responses":      "Ymatebion",
		"venues":         "Lleoliadau",
		"sessions":       "Sesiynau",
		"devices":        "Dyfeisiau",
		"dates":          "Dyddiadau'r ymatebion",
		"date_range":     "%s i %s",
		"declined":       "Pobl a ddywedodd na i gymryd rhan",
		"withdrawals":    "Ymatebion a dynnwyd yn ôl",
		"batches":        "Sypiau a gyfunwyd",
		"whole_db":       "Mae'r gronfa ddata hon yn dal ymatebion i fwy nag un arolwg: mae'r dyfeisiau, y sypiau a'r ymatebion a dynnwyd yn ôl ar gyfer y gronfa ddata gyfan.",
		"problems":       "Bylchau a phroblemau yn y sypiau",
		"no_problems":    "Dim: mae sypiau pob dyfais yn gyflawn ac mewn trefn.",
		"missing_one":    "Dyfais %s: mae swp %s ar goll (yr uchaf a gyfunwyd: %d).",
		"missing_many":   "Dyfais %s: mae sypiau %s ar goll (yr uchaf a gyfunwyd: %d).",
		"chain":          "Dyfais %s: nid yw swp %d yn dilyn swp %d.",
		"conflicts":      "Caiff sypiau sy'n gwrthdaro eu gwrthod wrth eu cyfuno, felly nid oes yr un ohonynt yn y gronfa ddata.",
		"who":            "Pwy gymerodd ran",
		"by_language":    "Iaith yr arolwg",
		"by_mode":        "Sut y gwnaed yr arolwg",
		"by_venue":       "Lleoliad",
		"mode_self":      "Ar eu pen eu hunain",
		"mode_assisted":  "Gyda help gweithiwr",
		"mode_worker":    "Gweithiwr a gofnododd eu hatebion",
		"no_venue":       "Heb ei gofnodi",
		"questions":      "Pob cwestiwn",
		"about_you_note": "Mae'r cwestiynau am y bobl a gymerodd ran o dan “Pwy gymerodd ran”.",
		"key":            "Cwestiynau allweddol yn ôl dull ac iaith",
		"no_key":         "Nid oes gan yr arolwg hwn yr un o'r cwestiynau allweddol (%s).",
		"no_key_asked":   "Ni ddewiswyd unrhyw gwestiynau allweddol.",
		"by_mode_h":      "Yn ôl sut y gwnaed yr arolwg",
		"by_language_h":  "Yn ôl iaith",
		"mode":           "Sut y gwnaed yr arolwg",
		"language":       "Iaith",
		"answer":         "Ateb",
		"count":          "Nifer",
		"percent":        "% o'r ymatebion",
		"caption":        "Nifer yr ymatebion ar gyfer pob ateb",
		"cross_caption":  "Nifer yr ymatebion ar gyfer pob ateb, ym mhob grŵp.",
		"cross_note":     "Mae canran y grŵp yn dilyn pob rhif.",
		"no_answer":      "Dim ateb",
		"other_answers":  "Atebion eraill",
		"wrote":          "Ysgrifennodd ateb",
		"yes":            "Ie",
		"no":             "Na",
		"range":          "%d i %d",
		"fewer":          "llai na %d",
		"not_shown":      "heb ei ddangos",
		"multi":          "Gallai pobl ddewis mwy nag un ateb, felly mae'r niferoedd yn adio i fwy na nifer yr ymatebion.",
		"chart":          "Siart bar o'r niferoedd yn y tabl wrth ei ochr.",
		"free_count":     "Atebion testun rhydd: %s.",
		"quotes_off":     "Nid yw'r atebion yn cael eu dangos. Dim ond pan fydd yr adroddiad yn cael ei lunio gyda --include-quotes y cânt eu dangos, a dim ond ar gyfer pobl a gytunodd i gael eu dyfynnu.",
		"quotes_on":      "Atebion gan bobl a gytunodd y gellir defnyddio eu geiriau heb eu henw, yn nhrefn yr wyddor. Nid yw atebion eraill yn cael eu dangos.",
		"quotes_none":    "Ni chytunodd neb a atebodd i gael eu dyfynnu.",
		"about":          "Am yr adroddiad hwn",
		"rule_small":     "Er mwyn diogelu'r bobl a gymerodd ran, dangosir rhif o 1 i %d fel “llai na %d”, byth fel y rhif ei hun.",
		"rule_second":    "Fel na ellir cyfrifo rhif cudd o gyfanswm, ni ddangosir rhifau eraill chwaith: y rhif lleiaf arall yn yr un rhes neu golofn, neu'r rhes gyfan pan nad oes dim arall ar ôl. Mewn dadansoddiadau, ni ddangosir grwpiau ac atebion y mae eu cyfanswm wedi'i guddio mewn man arall.",
		"rule_zero":      "Dangosir sero. Mae canrannau o'r holl ymatebion (mewn dadansoddiadau, o'r grŵp) a dim ond ar gyfer rhifau a ddangosir y'u rhoddir.",
		"rule_quotes":    "Rhestrir atebion testun rhydd dim ond ar gyfer pobl a gytunodd i gael eu dyfynnu, a dim ond pan ofynnir amdanynt.",
		"rule_sums":      "Nid yw rhifau y gellir eu hadio ar draws cwestiynau gwahanol yn cael eu gwirio yn erbyn ei gilydd: gwiriwch cyn cyhoeddi tablau a wnaed ohonynt.",
	},
}

// cellState says whether a count is shown.
type cellState uint8

const (
	cellShown     cellState = iota
	cellSmall               // 1 to k-1: "fewer than k"
	cellSecondary           // hidden so that a small count cannot be worked out
	cellMasked              // hidden with its whole row or column
)

// sline names a row (col false) or a column of an sgrid.
type sline struct {
	col bool
	i   int
}

// sgrid is a table of counts being suppressed. Rows add up to known
// totals when rowsAdd, columns when colsAdd.
type sgrid struct {
	k                int
	n                [][]int
	st               [][]cellState
	sel              [][]sline // the line that made a cell secondary
	rowsAdd, colsAdd bool
}

// suppressSmall applies the small-number rule (see [DB.WriteReport]) to n and
// returns each cell's state. maskRows and maskCols (either may be nil)
// hide whole rows and columns from the start.
func suppressSmall(n [][]int, k int, rowsAdd, colsAdd bool, maskRows, maskCols []bool) [][]cellState {
	g := &sgrid{k: k, n: n, rowsAdd: rowsAdd, colsAdd: colsAdd}
	g.st = make([][]cellState, len(n))
	g.sel = make([][]sline, len(n))
	for r := range n {
		g.st[r] = make([]cellState, len(n[r]))
		g.sel[r] = make([]sline, len(n[r]))
		for c, v := range n[r] {
			if v > 0 && v < k {
				g.st[r][c] = cellSmall
			}
			if (r < len(maskRows) && maskRows[r]) || (c < len(maskCols) && maskCols[c]) {
				g.st[r][c] = cellMasked
			}
		}
	}
	for changed := true; changed; {
		changed = false
		if rowsAdd {
			for r := range n {
				changed = g.check(sline{false, r}) || changed
			}
		}
		if colsAdd && len(n) > 0 {
			for c := range n[0] {
				changed = g.check(sline{true, c}) || changed
			}
		}
	}
	return g.st
}

// cells lists the positions of a line.
func (g *sgrid) cells(l sline) [][2]int {
	var out [][2]int
	if l.col {
		for r := range g.n {
			out = append(out, [2]int{r, l.i})
		}
		return out
	}
	for c := range g.n[l.i] {
		out = append(out, [2]int{l.i, c})
	}
	return out
}

// minShown is the smallest non-zero count shown in line l, or -1.
func (g *sgrid) minShown(l sline) int {
	m := -1
	for _, p := range g.cells(l) {
		if v := g.n[p[0]][p[1]]; g.st[p[0]][p[1]] == cellShown && v > 0 && (m < 0 || v < m) {
			m = v
		}
	}
	return m
}

// bounds are what a reader knows of the hidden cell p, in a line adding
// up to total.
func (g *sgrid) bounds(p [2]int, total int) (lo, hi int) {
	switch g.st[p[0]][p[1]] {
	case cellSmall:
		return 1, g.k - 1
	case cellSecondary:
		hi = total
		if m := g.minShown(g.sel[p[0]][p[1]]); m >= 0 && m < hi {
			hi = m // it was the smallest then, and shown ones stay shown
		}
		return g.k, hi
	}
	return 0, total
}

// check hides one more cell of line l, or all of it, when a hidden cell
// of l can be worked out exactly. It reports whether it changed anything.
func (g *sgrid) check(l sline) bool {
	ps := g.cells(l)
	total, shown := 0, 0
	var hidden [][2]int
	masked := 0
	for _, p := range ps {
		v := g.n[p[0]][p[1]]
		total += v
		switch g.st[p[0]][p[1]] {
		case cellShown:
			shown += v
		case cellMasked:
			masked++
			hidden = append(hidden, p)
		default:
			hidden = append(hidden, p)
		}
	}
	if len(hidden) == 0 || masked == len(ps) {
		return false
	}
	rest := total - shown
	los, his := make([]int, len(hidden)), make([]int, len(hidden))
	sumLo, sumHi := 0, 0
	for i, p := range hidden {
		los[i], his[i] = g.bounds(p, total)
		sumLo += los[i]
		sumHi += his[i]
	}
	exact := false
	for i := range hidden {
		lo := max(los[i], rest-(sumHi-his[i]))
		hi := min(his[i], rest-(sumLo-los[i]))
		if lo >= hi {
			exact = true
			break
		}
	}
	if !exact {
		return false
	}
	best := [2]int{-1, -1}
	for _, p := range ps {
		v := g.n[p[0]][p[1]]
		if g.st[p[0]][p[1]] == cellShown && v > 0 && (best[0] < 0 || v < g.n[best[0]][best[1]]) {
			best = p
		}
	}
	if best[0] >= 0 {
		g.st[best[0]][best[1]] = cellSecondary
		g.sel[best[0]][best[1]] = l
		return true
	}
	for _, p := range ps {
		g.st[p[0]][p[1]] = cellMasked
	}
	return true
}

// The page the template renders. Nothing here holds a suppressed count.
type (
	rpage struct {
		Lang, Title, TitleLang string
		S                      map[string]string
		Survey, Made           string
		Demo, WholeDB          bool
		Overview               []rstat
		Problems               []string
		People                 []*rtable
		Questions              []*rtable
		Cross                  []*rcross
		NoKey                  string
		Rules                  []string
	}
	rstat struct {
		Key, Label, Value string
		Count             bool
	}
	rtable struct {
		S                            map[string]string
		Anchor, Heading, HeadingLang string
		Kind                         string // question type, or "group"
		Multi                        bool
		Rows                         []rrow
		Chart                        *rchart
		Free                         *rfree
		states                       []cellState // by row, for breakdowns
	}
	rrow struct {
		Label, LabelLang string
		Cell             rcell
	}
	rcell struct {
		Key, Text, Suppressed, Pct string
		N                          int
	}
	rchart struct {
		ID, Title, TitleLang, Desc string
		Height                     int
		LabelX                     int
		Bars                       []rbar
	}
	rbar struct {
		LabelY, BarY, ValueX, ValueY, W int
		Label, LabelLang, Value         string
		Suppressed                      bool
		Face                            *rface
	}
	rface struct {
		X, Y  int
		Mouth string
	}
	rfree struct {
		Count  string
		Quotes []rquote
		Shown  bool // quotes were asked for
	}
	rquote struct {
		Text, Lang string
	}
	rcross struct {
		S                            map[string]string
		Anchor, Heading, HeadingLang string
		Parts                        []rcrossPart
	}
	rcrossPart struct {
		Heading, Group string
		Cols           []rrow // labels only
		Rows           []rcrossRow
		Multi          bool
	}
	rcrossRow struct {
		Label, LabelLang string
		Cells            []rcell
	}
)

// qacc gathers the answers to one question.
type qacc struct {
	q      *survey.Question
	about  bool
	cats   []rcategory
	index  map[string]int
	binMin int
	binW   int
	counts []int // per category
	none   int   // responses without an answer
	texts  int
	quotes []rquote
	tally  map[string]*tallied
	byMode map[string]*crossCounts
	byLang map[string]*crossCounts
	key    bool
	states []cellState // of cats then no answer, once built
}

// crossCounts are one group's answers to a key question.
type crossCounts struct {
	counts []int // per category
	none   int
}

type rcategory struct {
	key, label, lang string
	face             int // 1 to 4 for faces4 options
}

type tallied struct {
	shown string
	n     int
}

// reportBuilder gathers what the report shows.
type reportBuilder struct {
	opts     ReportOptions
	words    map[string]string
	k        int
	versions []*survey.Survey

	n                     int
	langs, modes, venues  map[string]int
	sessions              map[string]bool
	first, last           string
	declined, withdrawals int
	devices, batches      int
	surveysInDB           int
	problems              []string
	demo                  bool
	qs                    []*qacc
	byID                  map[string]*qacc
	suppressed, quotes    int
	chartSeq              int
	languageOrder         []string
}

func (b *reportBuilder) w(key string, args ...any) string {
	s := b.words[key]
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// pick is t in the report's language, else English, else the first
// language it has, with the tag of the language picked.
func (b *reportBuilder) pick(t survey.Text) (string, string) {
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
func (b *reportBuilder) langAttr(tag string) string {
	if tag == b.opts.Language {
		return ""
	}
	return tag
}

func (b *reportBuilder) load(ctx context.Context, c *DB) error {
	b.langs, b.modes, b.venues, b.sessions = map[string]int{}, map[string]int{}, map[string]int{}, map[string]bool{}
	b.byID = map[string]*qacc{}
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
				a = &qacc{q: q, about: q.Section == "about_you", index: map[string]int{}, tally: map[string]*tallied{}}
				a.key = keys[q.ID] && q.Type != survey.Free
				if a.key {
					a.byMode, a.byLang = map[string]*crossCounts{}, map[string]*crossCounts{}
				}
				b.byID[q.ID] = a
				b.qs = append(b.qs, a)
			}
			for j, o := range q.Options {
				if _, seen := a.index[o.Code]; seen || q.Type == survey.Number || q.Type == survey.Free {
					continue
				}
				cat := rcategory{key: o.Code}
				cat.label, cat.lang = b.pick(o.Label)
				if cat.label == "" && q.Type == survey.YesNo {
					cat.label, cat.lang = b.w(o.Code), b.opts.Language
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
	for _, a := range b.qs {
		if a.q.Type == survey.Number {
			b.numberBins(a)
		}
		a.counts = make([]int, len(a.cats))
	}
	if err := b.loadResponses(ctx, c); err != nil {
		return err
	}
	return b.loadOverview(ctx, c)
}

// numberBins makes the categories of a number question: each value when
// there are at most 12, else ranges aligned to a round width.
func (b *reportBuilder) numberBins(a *qacc) {
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
	a.binMin, a.binW = lo, width
	for s := floorDivide(lo, width) * width; s <= hi; s += width {
		from, to := max(s, lo), min(s+width-1, hi)
		label := strconv.Itoa(from)
		if to > from {
			label = b.w("range", from, to)
		}
		a.cats = append(a.cats, rcategory{key: fmt.Sprintf("%d-%d", from, to), label: label, lang: b.opts.Language})
		if s > math.MaxInt-width {
			break
		}
	}
}

func floorDivide(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// bin is the category of number v.
func (a *qacc) bin(v int) int {
	if a.binW == 0 {
		return -1
	}
	i := floorDivide(v, a.binW) - floorDivide(a.binMin, a.binW)
	if i < 0 || i >= len(a.cats) {
		return -1
	}
	return i
}

// categoryOf returns the index of code, adding a category for a code no
// survey version lists.
func (a *qacc) categoryOf(code string) int {
	i, ok := a.index[code]
	if !ok {
		i = len(a.cats)
		a.index[code] = i
		a.cats = append(a.cats, rcategory{key: code, label: code})
		a.counts = append(a.counts, 0)
		for _, m := range []map[string]*crossCounts{a.byMode, a.byLang} {
			for _, row := range m {
				row.counts = append(row.counts, 0)
			}
		}
	}
	return i
}

func (b *reportBuilder) loadResponses(ctx context.Context, c *DB) error {
	rows, err := c.db.QueryContext(ctx, `SELECT r.language, r.mode, r.venue, r.session_id, r.created_at, r.created_offset,
		r.answers, coalesce(c.purposes, '{}')
		FROM responses r LEFT JOIN consents c ON c.id = r.consent_id
		WHERE r.survey_id = ? ORDER BY r.device_id, r.batch_seq, r.line`, b.versions[0].ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var lang, mode, venue, session, created, purposes string
	var answersJSON []byte
	var offset int
	idx := make([]int, 0, 16)
	for rows.Next() {
		if err := rows.Scan(&lang, &mode, &venue, &session, &created, &offset, &answersJSON, &purposes); err != nil {
			return err
		}
		b.n++
		b.langs[lang]++
		b.modes[mode]++
		b.venues[venue]++
		if session != "" {
			b.sessions[session] = true
		}
		if t, err := time.Parse(time.RFC3339Nano, created); err == nil {
			day := t.Add(time.Duration(offset) * time.Minute).Format(time.DateOnly)
			if b.first == "" || day < b.first {
				b.first = day
			}
			if day > b.last {
				b.last = day
			}
		}
		var ans survey.Answers
		if err := json.Unmarshal(answersJSON, &ans); err != nil {
			return fmt.Errorf("a response's answers are not valid JSON: %w", err)
		}
		var agreed map[string]bool // parsed when first needed
		for _, a := range b.qs {
			ansr, ok := ans[a.q.ID]
			idx = idx[:0]
			switch {
			case !ok || ansr.Empty():
			case a.q.Type == survey.Free:
				a.texts++
				if a.about {
					k := strings.ToLower(strings.Join(strings.Fields(ansr.Text), " "))
					if t := a.tally[k]; t != nil {
						t.n++
					} else {
						a.tally[k] = &tallied{shown: strings.Join(strings.Fields(ansr.Text), " "), n: 1}
					}
					continue
				}
				if !b.opts.IncludeQuotes {
					continue
				}
				if agreed == nil {
					agreed = map[string]bool{}
					if err := json.Unmarshal([]byte(purposes), &agreed); err != nil {
						return fmt.Errorf("a consent record's purposes are not valid JSON: %w", err)
					}
				}
				if agreed[b.opts.QuotesPurpose] {
					a.quotes = append(a.quotes, rquote{Text: ansr.Text, Lang: lang})
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
					m   map[string]*crossCounts
					key string
				}{{a.byMode, mode}, {a.byLang, lang}} {
					row := g.m[g.key]
					if row == nil {
						row = &crossCounts{counts: make([]int, len(a.cats))}
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
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if b.n == 0 {
		return ErrNoData
	}
	return nil
}

func (b *reportBuilder) loadOverview(ctx context.Context, c *DB) error {
	db, id := c.db, b.versions[0].ID
	for _, q := range []struct {
		dst   *int
		query string
		args  []any
	}{
		{&b.declined, `SELECT coalesce(sum(count), 0) FROM declined WHERE survey_id = ?`, []any{id}},
		{&b.withdrawals, `SELECT count(*) FROM withdrawals`, nil},
		{&b.devices, `SELECT count(*) FROM devices`, nil},
		{&b.batches, `SELECT count(*) FROM batches`, nil},
		{&b.surveysInDB, `SELECT count(DISTINCT survey_id) FROM (SELECT survey_id FROM responses UNION SELECT survey_id FROM declined)`, nil},
	} {
		if err := db.QueryRowContext(ctx, q.query, q.args...).Scan(q.dst); err != nil {
			return err
		}
	}
	demo, err := c.setting(ctx, db, "demo")
	if err != nil {
		return err
	}
	b.demo = demo == "1"

	// Batches missing below the highest merged, and batches that do not
	// chain to the one before; as DB.Check, in the report's language.
	rows, err := db.QueryContext(ctx, `SELECT device_id, seq, manifest_sha256, prev_manifest_sha256 FROM batches ORDER BY device_id, seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
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
		b.problems = append(b.problems, b.w(key, batch.DeviceShort(dev), strings.Join(missing, ", "), high))
		missing = nil
	}
	for rows.Next() {
		var d, sum, prev string
		var seq int64
		if err := rows.Scan(&d, &seq, &sum, &prev); err != nil {
			return err
		}
		if d != dev {
			flush()
			dev, next, prevSum = d, 1, ""
		}
		switch {
		case next == seq-1:
			missing = append(missing, strconv.FormatInt(next, 10))
		case next < seq:
			missing = append(missing, fmt.Sprintf("%d–%d", next, seq-1))
		}
		if next == seq && prevSum != "" && prevSum != prev {
			b.problems = append(b.problems, b.w("chain", batch.DeviceShort(d), seq, seq-1))
		}
		next, high, prevSum = seq+1, seq, sum
	}
	flush()
	return rows.Err()
}

// page builds what the template shows.
func (b *reportBuilder) page() *rpage {
	sv := b.versions[0]
	title, titleLang := b.pick(sv.Title)
	var vs []string
	for i := len(b.versions) - 1; i >= 0; i-- {
		if v := strconv.Itoa(b.versions[i].Version); !slices.Contains(vs, v) {
			vs = append(vs, v)
		}
	}
	p := &rpage{
		Lang:      b.opts.Language,
		Title:     title,
		TitleLang: b.langAttr(titleLang),
		S:         b.words,
		Survey:    b.w("survey", sv.ID, strings.Join(vs, ", ")),
		Made:      b.w("made", b.opts.Now().Format(time.DateOnly)),
		Demo:      b.demo,
		WholeDB:   b.surveysInDB > 1,
		Problems:  b.problems,
	}
	dates := ""
	if b.first != "" {
		dates = b.w("date_range", b.first, b.last)
	}
	venues := 0
	for v := range b.venues {
		if v != "" {
			venues++
		}
	}
	stat := func(key string, n int) rstat {
		return rstat{Key: key, Label: b.w(key), Value: strconv.Itoa(n), Count: true}
	}
	p.Overview = []rstat{
		stat("responses", b.n), stat("venues", venues), stat("sessions", len(b.sessions)), stat("devices", b.devices),
		{Key: "dates", Label: b.w("dates"), Value: dates},
		stat("declined", b.declined), stat("withdrawals", b.withdrawals), stat("batches", b.batches),
	}

	// Who took part.
	langTable := b.groupTable("by-language", b.w("by_language"), b.languageRows())
	modeTable := b.groupTable("by-mode", b.w("by_mode"), b.modeRows())
	p.People = append(p.People, langTable, modeTable, b.groupTable("by-venue", b.w("by_venue"), b.venueRows()))
	for _, a := range b.qs {
		if a.about {
			p.People = append(p.People, b.questionTable(a))
		}
	}
	for _, a := range b.qs {
		if !a.about {
			p.Questions = append(p.Questions, b.questionTable(a))
		}
	}

	// Breakdowns of the key questions.
	for _, id := range b.opts.KeyQuestions {
		a := b.byID[id]
		if a == nil || !a.key || slices.ContainsFunc(p.Cross, func(c *rcross) bool { return c.Anchor == "cross-"+id }) {
			continue
		}
		p.Cross = append(p.Cross, b.crossTable(a, langTable, modeTable))
	}
	switch {
	case len(b.opts.KeyQuestions) == 0:
		p.NoKey = b.w("no_key_asked")
	case len(p.Cross) == 0:
		p.NoKey = b.w("no_key", strings.Join(b.opts.KeyQuestions, ", "))
	}
	p.Rules = []string{b.w("rule_small", b.k-1, b.k), b.w("rule_second"), b.w("rule_zero"), b.w("rule_quotes"), b.w("rule_sums")}
	return p
}

// rgroup is one row of a who-took-part table.
type rgroup struct {
	key, label, lang string
	n                int
}

func (b *reportBuilder) languageRows() []rgroup {
	order := slices.Clone(b.languageOrder)
	var extra []string
	for l := range b.langs {
		if !slices.Contains(order, l) {
			extra = append(extra, l)
		}
	}
	slices.Sort(extra)
	var out []rgroup
	for _, l := range append(order, extra...) {
		out = append(out, rgroup{key: l, label: b.languageName(l), lang: b.opts.Language, n: b.langs[l]})
	}
	return out
}

// languageName is the name of the language tag in the report's language,
// with the tag.
func (b *reportBuilder) languageName(tag string) string {
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

func (b *reportBuilder) modeRows() []rgroup {
	order := []string{string(survey.ModeSelf), string(survey.ModeAssisted), string(survey.ModeWorker)}
	var extra []string
	for m := range b.modes {
		if !slices.Contains(order, m) {
			extra = append(extra, m)
		}
	}
	slices.Sort(extra)
	var out []rgroup
	for _, m := range append(order, extra...) {
		label := b.words["mode_"+m]
		if label == "" {
			label = m
		}
		out = append(out, rgroup{key: m, label: label, lang: b.opts.Language, n: b.modes[m]})
	}
	return out
}

func (b *reportBuilder) venueRows() []rgroup {
	var names []string
	for v := range b.venues {
		if v != "" {
			names = append(names, v)
		}
	}
	slices.Sort(names)
	var out []rgroup
	for _, v := range names {
		out = append(out, rgroup{key: v, label: v, n: b.venues[v]})
	}
	if n := b.venues[""]; n > 0 {
		out = append(out, rgroup{key: "", label: b.w("no_venue"), lang: b.opts.Language, n: n})
	}
	return out
}

// groupTable is a who-took-part table of groups adding up to the
// responses.
func (b *reportBuilder) groupTable(anchor, heading string, groups []rgroup) *rtable {
	cats := make([]rcategory, len(groups))
	counts := make([]int, len(groups))
	for i, g := range groups {
		cats[i] = rcategory{key: g.key, label: g.label, lang: g.lang}
		counts[i] = g.n
	}
	return b.table(anchor, heading, b.opts.Language, "group", cats, counts, true)
}

// questionTable is the table and chart of one question's answers.
func (b *reportBuilder) questionTable(a *qacc) *rtable {
	heading, lang := b.pick(a.q.Text)
	anchor := "question-" + a.q.ID
	noAnswer := rcategory{key: "_none", label: b.w("no_answer"), lang: b.opts.Language}
	switch {
	case a.q.Type == survey.Free && a.about:
		// Values given by at least k people, the rest together.
		var keys []string
		other := 0
		for k, t := range a.tally {
			if t.n >= b.k {
				keys = append(keys, k)
			} else {
				other += t.n
			}
		}
		slices.Sort(keys)
		var cats []rcategory
		var counts []int
		for _, k := range keys {
			cats = append(cats, rcategory{key: "=" + a.tally[k].shown, label: a.tally[k].shown})
			counts = append(counts, a.tally[k].n)
		}
		cats = append(cats, rcategory{key: "_other", label: b.w("other_answers"), lang: b.opts.Language}, noAnswer)
		counts = append(counts, other, b.n-a.texts)
		return b.table(anchor, heading, lang, string(a.q.Type), cats, counts, true)
	case a.q.Type == survey.Free:
		cats := []rcategory{{key: "_text", label: b.w("wrote"), lang: b.opts.Language}, noAnswer}
		t := b.table(anchor, heading, lang, string(a.q.Type), cats, []int{a.texts, b.n - a.texts}, true)
		t.Chart = nil
		t.Free = &rfree{Count: t.Rows[0].Cell.Text, Shown: b.opts.IncludeQuotes}
		if b.opts.IncludeQuotes {
			slices.SortFunc(a.quotes, func(x, y rquote) int { return strings.Compare(x.Text, y.Text) })
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
func (b *reportBuilder) table(anchor, heading, headingLang, kind string, cats []rcategory, counts []int, additive bool) *rtable {
	states := suppressSmall([][]int{counts}, b.k, additive, false, nil, nil)[0]
	t := &rtable{
		S:           b.words,
		Anchor:      anchor,
		Heading:     heading,
		HeadingLang: b.langAttr(headingLang),
		Kind:        kind,
		Multi:       kind == string(survey.Multi),
		states:      states,
	}
	for i, cat := range cats {
		t.Rows = append(t.Rows, rrow{Label: cat.label, LabelLang: b.langAttr(cat.lang),
			Cell: b.cell(anchor+"/"+cat.key, counts[i], states[i], b.n)})
	}
	t.Chart = b.chart(heading, headingLang, cats, t.Rows)
	return t
}

// cell is a count as shown: the number and its percentage of base, or
// words when it is suppressed.
func (b *reportBuilder) cell(key string, n int, st cellState, base int) rcell {
	switch st {
	case cellSmall:
		b.suppressed++
		return rcell{Key: key, Text: b.w("fewer", b.k), Suppressed: "small"}
	case cellSecondary, cellMasked:
		b.suppressed++
		s := "secondary"
		if st == cellMasked {
			s = "hidden"
		}
		return rcell{Key: key, Text: b.w("not_shown"), Suppressed: s}
	}
	c := rcell{Key: key, Text: strconv.Itoa(n), N: n}
	if base > 0 {
		c.Pct = strconv.Itoa(int(math.Round(100*float64(n)/float64(base)))) + "%"
	}
	return c
}

// Chart geometry, in SVG user units.
const (
	chartWidth = 440
	chartRow   = 44
	chartTop   = 6
)

// chart is a horizontal bar chart of rows, faces drawn for faces4
// options.
func (b *reportBuilder) chart(title, titleLang string, cats []rcategory, rows []rrow) *rchart {
	b.chartSeq++
	ch := &rchart{ID: fmt.Sprintf("chart%d", b.chartSeq), Title: title, TitleLang: b.langAttr(titleLang)}
	faces := slices.ContainsFunc(cats, func(c rcategory) bool { return c.face > 0 })
	if faces {
		ch.LabelX = 32
	}
	most := 0
	for _, r := range rows {
		if r.Cell.Suppressed == "" {
			most = max(most, r.Cell.N)
		}
	}
	barMax := chartWidth - ch.LabelX - 130
	var desc []string
	for i, r := range rows {
		y := chartTop + i*chartRow
		bar := rbar{
			LabelY: y + 14, BarY: y + 20, ValueY: y + 33,
			Label: truncateLabel(r.Label, (chartWidth-ch.LabelX)/8), LabelLang: r.LabelLang,
			Value: r.Cell.Text, Suppressed: r.Cell.Suppressed != "",
		}
		if !bar.Suppressed {
			if most > 0 {
				bar.W = int(math.Round(float64(r.Cell.N) / float64(most) * float64(barMax)))
			}
			if r.Cell.N > 0 {
				bar.W = max(bar.W, 2)
				bar.Value += " (" + r.Cell.Pct + ")"
			}
		}
		bar.ValueX = ch.LabelX + bar.W + 6
		if f := cats[i].face; f > 0 {
			bar.Face = &rface{X: 14, Y: y + 24, Mouth: faceMouths[f-1]}
		}
		ch.Bars = append(ch.Bars, bar)
		desc = append(desc, r.Label+": "+bar.Value)
	}
	ch.Height = chartTop + len(rows)*chartRow + 4
	ch.Desc = b.w("chart") + " " + strings.Join(desc, "; ") + "."
	return ch
}

// faceMouths are the mouths of the four faces, from very unhappy to very
// happy, for a face of radius 12 centred on 0,0.
var faceMouths = [4]string{
	"M-6 7Q0 0 6 7",
	"M-6 6Q0 3 6 6",
	"M-6 4Q0 7 6 4",
	"M-6 3Q0 11 6 3",
}

// truncateLabel shortens s to n characters with an ellipsis.
func truncateLabel(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// crossTable breaks question a down by mode and by language. Rows whose
// group, and columns whose answer, the who-took-part and question
// tables hide are hidden too.
func (b *reportBuilder) crossTable(a *qacc, langTable, modeTable *rtable) *rcross {
	heading, lang := b.pick(a.q.Text)
	c := &rcross{S: b.words, Anchor: "cross-" + a.q.ID, Heading: heading, HeadingLang: b.langAttr(lang)}
	var cols []rrow
	for _, cat := range a.cats {
		cols = append(cols, rrow{Label: cat.label, LabelLang: b.langAttr(cat.lang)})
	}
	cols = append(cols, rrow{Label: b.w("no_answer")})
	maskCols := make([]bool, len(cols))
	for i := range maskCols {
		maskCols[i] = i < len(a.states) && a.states[i] != cellShown
	}
	for _, part := range []struct {
		key, heading, groupHeading string
		groups                     []rgroup
		table                      *rtable
		counts                     map[string]*crossCounts
	}{
		{"mode", b.w("by_mode_h"), b.w("mode"), b.modeRows(), modeTable, a.byMode},
		{"language", b.w("by_language_h"), b.w("language"), b.languageRows(), langTable, a.byLang},
	} {
		var groups []rgroup
		var n [][]int
		var maskRows []bool
		for i, g := range part.groups {
			if g.n == 0 {
				continue
			}
			groups = append(groups, g)
			row := make([]int, len(cols))
			if cc := part.counts[g.key]; cc != nil {
				copy(row, cc.counts)
				row[len(cols)-1] = cc.none
			}
			n = append(n, row)
			maskRows = append(maskRows, part.table.states[i] != cellShown)
		}
		states := suppressSmall(n, b.k, a.q.Type != survey.Multi, true, maskRows, maskCols)
		cp := rcrossPart{Heading: part.heading, Group: part.groupHeading, Cols: cols, Multi: a.q.Type == survey.Multi}
		for r, g := range groups {
			row := rcrossRow{Label: g.label, LabelLang: b.langAttr(g.lang)}
			for ci := range cols {
				key := fmt.Sprintf("cross-%s-%s/%s/%s", part.key, a.q.ID, g.key, keyOf(a, ci))
				base := g.n
				if maskRows[r] {
					base = 0
				}
				row.Cells = append(row.Cells, b.cell(key, n[r][ci], states[r][ci], base))
			}
			cp.Rows = append(cp.Rows, row)
		}
		c.Parts = append(c.Parts, cp)
	}
	return c
}

// keyOf is the data key of column i of question a's breakdown.
func keyOf(a *qacc, i int) string {
	if i < len(a.cats) {
		return a.cats[i].key
	}
	return "_none"
}
