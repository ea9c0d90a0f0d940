package xlsform

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"chorus/data/survey"
)

// Options change how a form is imported.
type Options struct {
	// Version is the survey's version, overriding the form's; 0 keeps the
	// form's (see [Import]).
	Version int
	// Consent is the survey's consent block; nil gives a placeholder that
	// must be replaced before real use, which the report says.
	Consent *survey.Consent
}

// Result is an imported survey and the report of its import.
type Result struct {
	// JSON is the survey file, as Chorus reads it.
	JSON []byte
	// Survey is JSON parsed and checked by [survey.Parse].
	Survey *survey.Survey
	Report Report
}

// Report says what an import could not map, row by row, and how much of
// the form it mapped.
type Report struct {
	File  string
	Items []Item
	// Figures count the form's questions and relevant expressions, and how
	// many of them map to Chorus now and mapped to Chorus's format before
	// issue 20 (one-answer show_if, number needing min and max, lower-case
	// ids and codes, no dates, decimals or groups).
	Figures Figures
}

// Item is one thing in the report: a row (or a column, Row 0 for a
// header) that was not mapped, or mapped with a change, and why.
type Item struct {
	Sheet string
	Row   int
	Msg   string
}

// Figures are the mapping counts of one form. Questions are the survey
// sheet's rows other than group and repeat markers and device metadata
// (start, end, today, deviceid and the like, which are not asked).
type Figures struct {
	Questions, Mapped, MappedBefore          int
	Relevant, RelevantMapped, RelevantBefore int
	// Calculations are the calculate, hidden and string rows among the
	// questions: worked out or carried, never asked. CalculationsUsed of
	// them are worked into the relevant and constraint expressions that use
	// them (see [Import]).
	Calculations, CalculationsUsed int
}

func (r *Report) add(sheet string, row int, format string, args ...any) {
	r.Items = append(r.Items, Item{Sheet: sheet, Row: row, Msg: fmt.Sprintf(format, args...)})
}

// String writes the report as text, one line per item.
func (r *Report) String() string {
	var b strings.Builder
	f := r.Figures
	fmt.Fprintf(&b, "%s: %d of %d questions mapped (%s), %d of %d relevant expressions mapped (%s)\n",
		r.File, f.Mapped, f.Questions, pct(f.Mapped, f.Questions), f.RelevantMapped, f.Relevant, pct(f.RelevantMapped, f.Relevant))
	fmt.Fprintf(&b, "with Chorus's survey format before issue 20: %d of %d questions (%s), %d of %d relevant expressions (%s)\n",
		f.MappedBefore, f.Questions, pct(f.MappedBefore, f.Questions), f.RelevantBefore, f.Relevant, pct(f.RelevantBefore, f.Relevant))
	if f.Calculations > 0 {
		asked := f.Questions - f.Calculations
		fmt.Fprintf(&b, "of the %d questions asked (calculations aside): %d mapped (%s), %d before issue 20 (%s)\n",
			asked, f.Mapped, pct(f.Mapped, asked), f.MappedBefore, pct(f.MappedBefore, asked))
	}
	for _, it := range r.Items {
		switch {
		case it.Sheet == "":
			fmt.Fprintf(&b, "%s\n", it.Msg)
		case it.Row == 0:
			fmt.Fprintf(&b, "%s: %s\n", it.Sheet, it.Msg)
		default:
			fmt.Fprintf(&b, "%s row %d: %s\n", it.Sheet, it.Row, it.Msg)
		}
	}
	return b.String()
}

func pct(n, d int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(d))
}

// importer holds the state of one import.
type importer struct {
	rep       *Report
	langs     []string // default first
	def       string
	cols      map[string]map[string]int // sheet -> column header -> language index; see texts
	lists     map[string][]option
	choices   *sheet
	sv        *survey.Survey
	byID      map[string]*mapped
	filled    map[string][]int // "sheet column" -> rows whose text was filled from the default language
	groupIDs  map[string]bool
	names     map[string]int // every name on the survey sheet, and how many rows have it
	at        int            // the survey row being mapped
	rowPath   map[int]string // each survey row's path, /group/name
	pathRow   map[string]int // the row of each path (-1 when rows share it)
	rowID     map[int]string // the question id each mapped row has
	calcRow   map[int]*calc  // calculate, hidden and string rows
	calcs     map[string]*calc
	copies    map[int]int      // repeats asked as copies: the begin row, and how many
	repeatRel map[int]bool     // those of them with a relevant of their own
	other     *survey.Question // or_other's text box, to follow the question just mapped
}

// Import reads an XLSForm (.xlsx) and makes a Chorus survey of it. name is
// the workbook's file name, for the report and the survey file's name.
//
// Every row it cannot map is in the report, with why; what it maps it
// checks with [survey.Parse], and it returns an error rather than a survey
// that fails those checks. The version is opt.Version, else the form's
// settings version when it is a whole number, else the digits of it in
// order (2024-01-15 is 20240115; XLSForm tools often use such dates), else
// 1 with a line in the report.
func Import(name string, data []byte, opt Options) (*Result, error) {
	f, err := open(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	sur, err := readSheet(f, "survey")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if sur == nil || !sur.has("type") || !sur.has("name") {
		return nil, fmt.Errorf("%s: no survey sheet with type and name columns; is it an XLSForm?", name)
	}
	ch, err := readSheet(f, "choices")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	set, err := readSheet(f, "settings")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	extra, err := readSheet(f, "chorus")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return build(name, sur, ch, set, extra, opt)
}

// build maps the sheets to a survey.
func build(name string, sur, ch, set, extra *sheet, opt Options) (*Result, error) {
	rep := &Report{File: name}
	im := &importer{rep: rep, cols: map[string]map[string]int{}, lists: map[string][]option{},
		byID: map[string]*mapped{}, filled: map[string][]int{}, groupIDs: map[string]bool{}, choices: ch,
		rowID: map[int]string{}, calcRow: map[int]*calc{}, calcs: map[string]*calc{}, copies: map[int]int{}, repeatRel: map[int]bool{}}
	settings := func(col string) string {
		if set == nil || len(set.rows) == 0 {
			return ""
		}
		return set.get(set.rows[0], col)
	}
	im.languages(sur, ch, settings("default_language"))
	sv := &survey.Survey{Format: survey.Format, Languages: im.langs}
	im.sv = sv
	formID := settings("form_id")
	sv.ID = slug(formID, name)
	if formID == "" {
		rep.add("settings", 0, "no form_id; the survey id %q comes from the file name", sv.ID)
	} else if sv.ID != formID {
		rep.add("settings", 0, "form_id %q is %q in Chorus (lower-case letters, digits and _)", formID, sv.ID)
	}
	title := settings("form_title")
	if title == "" {
		title = formID
	}
	if title == "" {
		title = strings.TrimSuffix(name, ".xlsx")
	}
	sv.Title = im.fill(survey.Text{im.def: title}, "settings", "form_title", 0)
	sv.Version = opt.Version
	if sv.Version == 0 {
		sv.Version = im.version(settings("version"))
	}
	if ch != nil {
		im.readChoices(ch)
	}
	for _, s := range []*sheet{sur, ch, set, extra} {
		if s == nil {
			continue
		}
		for _, fm := range s.formulas {
			rep.add(s.name, fm.row, "cell %s has a formula (=%s); the value saved with it, %q, is used", fm.cell, fm.formula, fm.value)
		}
	}
	im.questions(sur)
	im.finishGroups()
	if opt.Consent != nil {
		sv.Consent = *opt.Consent
	} else {
		sv.Consent = im.placeholderConsent(title)
	}
	if extra != nil {
		im.chorusSheet(extra)
	}
	keys := make([]string, 0, len(im.filled))
	for key := range im.filled {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		rows := im.filled[key]
		sheetName, col, _ := strings.Cut(key, " ")
		rep.add(sheetName, 0, "%s is empty in %s; the %s text is used there. Translate it before use", col, rowList(rows), im.def)
	}
	slices.SortStableFunc(rep.Items, func(a, b Item) int {
		return strings.Compare(sheetOrder(a.Sheet), sheetOrder(b.Sheet))*1_000_000 + (a.Row - b.Row)
	})
	out, err := json.MarshalIndent(sv, "", "  ")
	if err != nil {
		return nil, err
	}
	out = append(out, '\n')
	parsed, err := survey.Parse(slug(formID, name)+".json", out)
	if err != nil {
		return nil, fmt.Errorf("%s: the survey made from it fails Chorus's checks:\n%w", name, err)
	}
	return &Result{JSON: out, Survey: parsed, Report: *rep}, nil
}

func sheetOrder(s string) string {
	switch s {
	case "":
		return "0"
	case "settings":
		return "1"
	case "survey":
		return "2"
	case "choices":
		return "3"
	}
	return "4" + s
}

func rowList(rows []int) string {
	parts := make([]string, 0, min(len(rows), 10))
	for i, r := range rows {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("and %d more", len(rows)-10))
			break
		}
		parts = append(parts, strconv.Itoa(r))
	}
	if len(rows) == 1 {
		return "row " + parts[0]
	}
	return "rows " + strings.Join(parts, ", ")
}

// slug makes a Chorus survey id of a form id (or the file name).
func slug(formID, file string) string {
	s := formID
	if s == "" {
		s = strings.TrimSuffix(file, ".xlsx")
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
		}
	}
	out := strings.Trim(b.String(), "_")
	if out == "" || out[0] < 'a' {
		out = "form_" + out
	}
	if len(out) > 40 {
		out = strings.TrimRight(out[:40], "_")
	}
	return out
}

// version reads the form's version.
func (im *importer) version(v string) int {
	if v == "" {
		im.rep.add("settings", 0, "no version; the survey is version 1. Give a new version whenever the form changes")
		return 1
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 1 {
		return n
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 1 && f == math.Trunc(f) && f < 1e15 {
		return int(f) // a number cell read as 2.024011501e+09
	}
	var digits strings.Builder
	for _, r := range v {
		if r >= '0' && r <= '9' && digits.Len() < 15 {
			digits.WriteRune(r)
		}
	}
	if n, err := strconv.Atoi(digits.String()); err == nil && n >= 1 {
		im.rep.add("settings", 0, "version %q is %d in Chorus (its digits in order); Chorus versions are whole numbers", v, n)
		return n
	}
	im.rep.add("settings", 0, "version %q has no digits; the survey is version 1 (use --version N)", v)
	return 1
}

// placeholderConsent is the consent block of a form imported without one.
func (im *importer) placeholderConsent(title string) survey.Consent {
	im.rep.add("", 0, "consent: an XLSForm has no consent block, so a placeholder in English is used for every language; replace it (--consent FILE.json) before real use")
	all := func(s string) survey.Text {
		t := survey.Text{}
		for _, l := range im.langs {
			t[l] = s
		}
		return t
	}
	return survey.Consent{
		Version: "imported-1",
		Text:    all("We would like to ask you some questions: " + title + ". Taking part is up to you, and you can stop at any time."),
		Purposes: []survey.Purpose{
			{ID: "take_part", Required: true, Label: all("I agree to take part")},
		},
	}
}
