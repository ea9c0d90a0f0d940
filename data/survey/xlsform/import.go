package xlsform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
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
	// questions: worked out or carried, never asked.
	Calculations int
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

// Why a kiosk does not have what some rows ask for.
const (
	whyRepeat   = "a repeat asks its questions again for each person or thing, so the participant has to manage a list; a kiosk asks each question once. Ask them as separate questions if you need them"
	whyGeo      = "a kiosk stays in one place, and a participant's location is personal data Chorus does not collect"
	whyMedia    = "a kiosk does not take photos, recordings, files or barcodes: they need a camera or microphone and could identify the participant"
	whyCalc     = "a calculation is not asked, and Chorus does not run calculations; work it out from the answers in analysis"
	whyMeta     = "device metadata, not a question: Chorus records its own times and device, and never a phone number, SIM or user name"
	whyTime     = "Chorus asks dates, not times of day; ask for a date, or a select_one of parts of the day"
	whyNoKiosk  = "no kiosk equivalent"
	whyExternal = "it needs another app or a file of choices, which a kiosk does not have"
)

var metadata = map[string]bool{
	"start": true, "end": true, "today": true, "deviceid": true, "subscriberid": true, "simserial": true,
	"phonenumber": true, "username": true, "email": true, "audit": true, "start-geopoint": true,
	"uri:deviceid": true, "uri:subscriberid": true, "uri:simserial": true, "uri:phonenumber": true,
	"uri:username": true, "uri:email": true,
}

var unsupported = map[string]string{
	"geopoint": whyGeo, "geotrace": whyGeo, "geoshape": whyGeo,
	"image": whyMedia, "audio": whyMedia, "video": whyMedia, "file": whyMedia, "barcode": whyMedia,
	"background-audio": whyMedia, "background-geopoint": whyGeo,
	"calculate": whyCalc, "hidden": whyCalc, "string": whyCalc,
	"time": whyTime, "datetime": whyTime,
	"range": whyNoKiosk + " yet; use integer with a constraint", "rank": whyNoKiosk,
	"trigger": whyNoKiosk, "xml-external": whyExternal, "csv-external": whyExternal,
	"select_one_from_file": whyExternal, "select_multiple_from_file": whyExternal,
}

var (
	// The patterns of Chorus's format before issue 20, for the figures.
	oldID   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	oldCode = regexp.MustCompile(`^[a-z0-9][a-z0-9_]{0,39}$`)
	qid     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,63}$`)
	code    = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,80}$`)
	piping  = regexp.MustCompile(`\$\{[^}]*\}`)
)

// option is one row of the choices sheet.
type option struct {
	code  string
	label survey.Text
	excl  bool
	row   int
}

// mapped is what the importer knows of a question it has mapped.
type mapped struct {
	q      *survey.Question
	before bool // it maps to the format before issue 20 too
}

// importer holds the state of one import.
type importer struct {
	rep      *Report
	langs    []string // default first
	def      string
	cols     map[string]map[string]int // sheet -> column header -> language index; see texts
	lists    map[string][]option
	choices  *sheet
	sv       *survey.Survey
	byID     map[string]*mapped
	filled   map[string][]int // "sheet column" -> rows whose text was filled from the default language
	groupIDs map[string]bool
	names    map[string]int // every name on the survey sheet, and how many rows have it
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
		byID: map[string]*mapped{}, filled: map[string][]int{}, groupIDs: map[string]bool{}, choices: ch}
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

// languages works out the survey's languages from the label, hint and
// constraint_message columns, and which language each column is.
func (im *importer) languages(sur, ch *sheet, defName string) {
	found := []string{}
	add := func(t string) {
		if !slices.Contains(found, t) {
			found = append(found, t)
		}
	}
	unknown := map[string]bool{}
	scan := func(s *sheet) {
		if s == nil {
			return
		}
		m := map[string]int{}
		im.cols[s.name] = m
		for i, h := range s.header {
			field, lang, ok := strings.Cut(h, "::")
			field = strings.ToLower(strings.TrimSpace(field))
			if !ok || !slices.Contains([]string{"label", "hint", "constraint_message", "guidance_hint", "required_message", "jr:constraintmsg", "jr:requiredmsg"}, field) {
				continue
			}
			t, ok := tagOf(lang)
			if !ok {
				if !unknown[lang] {
					unknown[lang] = true
					im.rep.add(s.name, 0, "column %s: Chorus cannot tell which language %q is; name it as \"%s::Language (tag)\", e.g. label::English (en). The column is left out", h, lang, field)
				}
				continue
			}
			m[h] = i
			if field == "label" {
				add(t)
			}
		}
	}
	scan(sur)
	scan(ch)
	im.def = ""
	if defName != "" {
		if t, ok := tagOf(defName); ok {
			im.def = t
		} else {
			im.rep.add("settings", 0, "default_language %q is not a language Chorus can tell; write it as \"Language (tag)\"", defName)
		}
	}
	if im.def == "" && len(found) > 0 {
		im.def = found[0]
	}
	if im.def == "" {
		im.def = "en"
		im.rep.add("survey", 0, "the label column names no language; it is taken as English (en). Name it label::Language (tag) if it is not")
	}
	im.langs = append([]string{im.def}, slices.DeleteFunc(found, func(t string) bool { return t == im.def })...)
}

// text reads a text field (label, hint, constraint_message) of row r in
// every language, "" where there is none. The plain column is the default
// language's.
func (im *importer) text(s *sheet, r row, field string) survey.Text {
	t := survey.Text{}
	for i, h := range s.header {
		f, lang, ok := strings.Cut(h, "::")
		if !strings.EqualFold(strings.TrimSpace(f), field) || i >= len(r.cells) {
			continue
		}
		v := strings.TrimSpace(r.cells[i])
		if v == "" {
			continue
		}
		tag := im.def
		if ok {
			var known bool
			if tag, known = tagOf(lang); !known {
				continue
			}
		}
		if t[tag] == "" {
			t[tag] = v
		}
	}
	return t
}

// fill gives t a text in every language, taking the default language's
// (or any language's) where one is missing, and notes where it did. An
// empty t stays empty.
func (im *importer) fill(t survey.Text, sheetName, field string, rowNum int) survey.Text {
	if len(t) == 0 {
		return nil
	}
	from := t[im.def]
	if from == "" {
		for _, l := range im.langs {
			if t[l] != "" {
				from = t[l]
				break
			}
		}
	}
	for _, l := range im.langs {
		if t[l] == "" {
			t[l] = from
			if rowNum > 0 {
				key := sheetName + " " + columnName(field, l)
				im.filled[key] = append(im.filled[key], rowNum)
			}
		}
	}
	for k := range t {
		if !slices.Contains(im.langs, k) {
			delete(t, k)
		}
	}
	return t
}

// complete reports whether t has a text in every language.
func (im *importer) complete(t survey.Text) bool {
	for _, l := range im.langs {
		if t[l] == "" {
			return false
		}
	}
	return true
}

func (im *importer) readChoices(ch *sheet) {
	listCol := "list_name"
	if !ch.has(listCol) && ch.has("list name") {
		listCol = "list name"
	}
	for _, r := range ch.rows {
		list, c := ch.get(r, listCol), ch.get(r, "name")
		if list == "" && c == "" {
			continue
		}
		excl := isYes(ch.get(r, "chorus_exclusive"))
		im.lists[list] = append(im.lists[list], option{code: c, label: im.text(ch, r, "label"), excl: excl, row: r.num})
	}
}

func isYes(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "true", "true()", "1", "y":
		return true
	}
	return false
}

// frame is an open group or repeat on the survey sheet.
type frame struct {
	name   string
	repeat bool
	row    int
	group  string // the Chorus group questions in it belong to, or ""
	own    string // the Chorus group made for this XLSForm group, or ""
}

func (im *importer) questions(s *sheet) {
	var stack []frame
	inRepeat := func() (frame, bool) {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].repeat {
				return stack[i], true
			}
		}
		return frame{}, false
	}
	current := func() string {
		if len(stack) == 0 {
			return ""
		}
		return stack[len(stack)-1].group
	}
	fig := &im.rep.Figures
	im.names = map[string]int{}
	for _, r := range s.rows {
		im.names[s.get(r, "name")]++
	}
	for _, r := range s.rows {
		typ := strings.Join(strings.Fields(s.get(r, "type")), " ")
		lower := strings.ToLower(typ)
		name := s.get(r, "name")
		relevant := s.get(r, "relevant")
		switch lower {
		case "begin group", "begin_group", "begin repeat", "begin_repeat":
			rep := strings.Contains(lower, "repeat")
			fr := frame{name: name, repeat: rep, row: r.num, group: current()}
			if relevant != "" {
				fig.Relevant++
			}
			if _, in := inRepeat(); in || rep {
				if rep {
					im.rep.add(s.name, r.num, "repeat %s is left out with the questions in it: %s", name, whyRepeat)
				}
				stack = append(stack, fr)
				continue
			}
			if relevant != "" {
				id := im.groupID(name)
				c, ok := im.condition(s, r, relevant, nil)
				if ok {
					fig.RelevantMapped++
					im.sv.Groups = append(im.sv.Groups, survey.Group{ID: id, In: current(), ShowIf: c})
					im.groupIDs[id] = true
					fr.group, fr.own = id, id
				}
			}
			if a := s.get(r, "appearance"); a != "" && a != "field-list" {
				im.rep.add(s.name, r.num, "group appearance %q: %s; ignored", a, whyNoKiosk)
			}
			stack = append(stack, fr)
			continue
		case "end group", "end_group", "end repeat", "end_repeat":
			if len(stack) == 0 {
				im.rep.add(s.name, r.num, "%s without a begin; ignored", typ)
				continue
			}
			stack = stack[:len(stack)-1]
			continue
		case "":
			if name != "" {
				im.rep.add(s.name, r.num, "%s has no type; left out", name)
			}
			continue
		}
		if metadata[lower] {
			im.rep.add(s.name, r.num, "%s (%s): %s; left out", name, typ, whyMeta)
			continue
		}
		fig.Questions++
		base, _, _ := strings.Cut(lower, " ")
		if base == "calculate" || base == "hidden" || base == "string" {
			fig.Calculations++
		}
		if relevant != "" {
			fig.Relevant++
		}
		if rp, in := inRepeat(); in {
			im.rep.add(s.name, r.num, "%s is in repeat %s (row %d); left out", name, rp.name, rp.row)
			continue
		}
		q, before, ok := im.question(s, r, typ, lower, name)
		if !ok {
			continue
		}
		q.Group = current()
		if relevant != "" {
			c, cbefore, ok := im.relevant(s, r, relevant)
			if ok {
				q.ShowIf = c
				fig.RelevantMapped++
				if cbefore {
					fig.RelevantBefore++
				}
			} else {
				im.rep.add(s.name, r.num, "%s is shown to everyone who reaches it, as its relevant cannot be mapped", name)
			}
		}
		im.sv.Questions = append(im.sv.Questions, *q)
		im.byID[q.ID] = &mapped{q: &im.sv.Questions[len(im.sv.Questions)-1], before: before}
		fig.Mapped++
		if before {
			fig.MappedBefore++
		}
	}
	if len(stack) > 0 {
		im.rep.add(s.name, stack[len(stack)-1].row, "group %s has no end; it ends at the last row", stack[len(stack)-1].name)
	}
	// byID points into the questions; appending may have moved them.
	for i := range im.sv.Questions {
		im.byID[im.sv.Questions[i].ID].q = &im.sv.Questions[i]
	}
}

// groupID gives a Chorus group id for an XLSForm group name.
func (im *importer) groupID(name string) string {
	id := name
	if !qid.MatchString(id) {
		id = "group"
	}
	base := id
	for n := 2; im.groupIDs[id]; n++ {
		id = fmt.Sprintf("%s_%d", base, n)
	}
	return id
}

// finishGroups drops groups no question ended up in.
func (im *importer) finishGroups() {
	used := map[string]bool{}
	for _, q := range im.sv.Questions {
		for g := q.Group; g != "" && !used[g]; {
			used[g] = true
			i := slices.IndexFunc(im.sv.Groups, func(x survey.Group) bool { return x.ID == g })
			if i < 0 {
				break
			}
			g = im.sv.Groups[i].In
		}
	}
	im.sv.Groups = slices.DeleteFunc(im.sv.Groups, func(g survey.Group) bool {
		if !used[g.ID] {
			im.rep.add("survey", 0, "group %s has no question Chorus could map; its relevant is left out", g.ID)
		}
		return !used[g.ID]
	})
}

// question maps one row to a question. before says whether the format
// before issue 20 could have had it.
func (im *importer) question(s *sheet, r row, typ, lower, name string) (*survey.Question, bool, bool) {
	fail := func(format string, args ...any) (*survey.Question, bool, bool) {
		im.rep.add(s.name, r.num, "%s (%s): %s; left out", name, typ, fmt.Sprintf(format, args...))
		return nil, false, false
	}
	base, list, _ := strings.Cut(lower, " ")
	if why, ok := unsupported[base]; ok {
		return fail("%s", why)
	}
	if !qid.MatchString(name) {
		return fail("the name must be letters, digits, _ - or ., starting with a letter or _, at most 64")
	}
	if _, dup := im.byID[name]; dup {
		return fail("the name is used twice")
	}
	q := &survey.Question{ID: name}
	before := oldID.MatchString(name)
	switch base {
	case "text":
		q.Type = survey.Free
	case "integer", "int":
		q.Type = survey.Number
	case "decimal":
		q.Type = survey.Decimal
		before = false
	case "date":
		q.Type = survey.Date
		before = false
	case "note":
		q.Type = survey.Info
	case "acknowledge":
		q.Type = survey.Single
		before = false
		q.Options = []survey.Option{{Code: "OK", Label: im.fill(survey.Text{im.def: "OK"}, "", "", 0)}}
	case "select_one", "select_multiple", "select1":
		q.Type = survey.Single
		if base == "select_multiple" {
			q.Type = survey.Multi
		}
		_, rawList, _ := strings.Cut(typ, " ")
		rawList = strings.TrimSpace(rawList)
		if l, other := strings.CutSuffix(rawList, " or_other"); other {
			rawList = strings.TrimSpace(l)
			im.rep.add(s.name, r.num, "%s: or_other is left out (Chorus adds no \"other\" box); add an other option and a text question with a relevant", name)
		}
		if strings.Contains(rawList, " ") || rawList == "" {
			return fail("%s", "it names no choice list")
		}
		opts, ok := im.lists[rawList]
		if !ok {
			return fail("choice list %q is not on the choices sheet", rawList)
		}
		if cf := s.get(r, "choice_filter"); cf != "" {
			im.rep.add(s.name, r.num, "%s: choice_filter %q is left out; every choice is offered", name, cf)
		}
		seen := map[string]bool{}
		for _, o := range opts {
			if !code.MatchString(o.code) {
				return fail("choice %q (choices row %d) must be letters, digits, _ - or . without spaces", o.code, o.row)
			}
			if seen[o.code] {
				return fail("choice %q is in list %s twice", o.code, rawList)
			}
			seen[o.code] = true
			if len(o.label) == 0 {
				return fail("choice %q (choices row %d) has no label; Chorus shows choices as words, not pictures", o.code, o.row)
			}
			before = before && oldCode.MatchString(o.code) && im.complete(o.label)
			q.Options = append(q.Options, survey.Option{Code: o.code, Label: im.fill(clone(o.label), "choices", "label", o.row), Exclusive: o.excl})
		}
		_ = list
	default:
		return fail("%s", whyNoKiosk)
	}
	label := im.text(s, r, "label")
	if len(label) == 0 {
		return fail("no label; Chorus shows every question and note as text")
	}
	before = before && im.complete(label)
	if piping.MatchString(strings.Join(values(label), " ")) {
		im.rep.add(s.name, r.num, "%s: the label shows %s as written; Chorus does not put answers into texts", name, piping.FindString(strings.Join(values(label), " ")))
	}
	q.Text = im.fill(label, s.name, "label", r.num)
	if h := im.text(s, r, "hint"); len(h) > 0 {
		q.Help = im.fill(h, s.name, "hint", r.num)
	}
	if isYes(s.get(r, "required")) {
		if q.Type == survey.Info {
			im.rep.add(s.name, r.num, "%s: a note takes no answer, so required is left out", name)
		} else {
			q.Required = true
		}
	}
	for _, col := range []string{"default", "read_only", "calculation", "trigger", "parameters", "image", "audio", "video", "media::image", "media::audio", "media::video", "required_message", "repeat_count"} {
		if v := s.get(r, col); v != "" && !(col == "read_only" && !isYes(v)) {
			im.rep.add(s.name, r.num, "%s: %s %q is left out: %s", name, col, v, whyNoKiosk)
		}
	}
	if a := s.get(r, "appearance"); a != "" {
		switch {
		case a == "multiline" && q.Type == survey.Free:
			// a multi-line box is what Chorus gives long text anyway
		case strings.HasPrefix(a, "ex:"):
			im.rep.add(s.name, r.num, "%s: appearance %s: %s; the question is asked in Chorus instead", name, a, whyExternal)
		default:
			im.rep.add(s.name, r.num, "%s: appearance %q has no kiosk equivalent; ignored", name, a)
		}
	}
	im.chorusColumns(s, r, q)
	if c := s.get(r, "constraint"); c != "" {
		im.constraint(s, r, q, c)
	}
	if q.Type == survey.Number && (q.Min == nil || q.Max == nil) {
		before = false // the format before issue 20 needed both
	}
	return q, before, true
}

// chorusColumns reads the chorus_ columns that [Export] writes, for what
// XLSForm has no column for.
func (im *importer) chorusColumns(s *sheet, r row, q *survey.Question) {
	switch t := s.get(r, "chorus_type"); t {
	case "":
	case string(survey.Faces4), string(survey.Scale5):
		if q.Type == survey.Single {
			q.Type = survey.Type(t)
		}
	case string(survey.YesNo):
		if q.Type == survey.Single {
			q.Type = survey.YesNo
			if len(q.Options) == 2 && q.Options[0].Code == "yes" && q.Options[1].Code == "no" && q.Options[0].Label.In(im.def) == "-" {
				q.Options = []survey.Option{{Code: "yes"}, {Code: "no"}} // the kiosk's own words, as Parse gives them
			}
		}
	default:
		im.rep.add(s.name, r.num, "chorus_type %q is not one Chorus knows; ignored", t)
	}
	num := func(col string) *int {
		if v := s.get(r, col); v != "" {
			if n, err := strconv.Atoi(v); err == nil {
				return &n
			}
			im.rep.add(s.name, r.num, "%s %q is not a whole number; ignored", col, v)
		}
		return nil
	}
	if n := num("chorus_min"); n != nil {
		q.Min = n
	}
	if n := num("chorus_max"); n != nil {
		q.Max = n
	}
	if n := num("chorus_max_length"); n != nil {
		q.MaxLength = *n
	}
	q.Input = s.get(r, "chorus_input")
	q.Section = s.get(r, "chorus_section")
}

func clone(t survey.Text) survey.Text {
	out := survey.Text{}
	for k, v := range t {
		out[k] = v
	}
	return out
}

func values(t survey.Text) []string {
	out := make([]string, 0, len(t))
	for _, v := range t {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// check parses an expression and checks what it looks at against the
// questions mapped so far; self is the question a constraint is on. It
// returns the parse tree, or a reason it cannot be mapped.
func (im *importer) check(src string, self *survey.Question) (*survey.Expr, string) {
	e, err := survey.ParseExpr(im.paths(src))
	if err != nil {
		return nil, err.Error()
	}
	why := ""
	e.Walk(func(n *survey.Expr) {
		if why != "" {
			return
		}
		if n.Op == survey.OpSelf && self == nil {
			why = "\".\" is only for constraints"
			return
		}
		if n.Op != survey.OpRef && n.Op != survey.OpSelected && n.Op != survey.OpCount {
			return
		}
		ref := self
		if n.Ref != "" && (self == nil || n.Ref != self.ID) {
			m, ok := im.byID[n.Ref]
			if !ok {
				why = fmt.Sprintf("it looks at ${%s}, which is not an earlier question Chorus has", n.Ref)
				return
			}
			ref = m.q
		}
		if ref == nil {
			why = "\".\" is only for constraints"
			return
		}
		if n.Op == survey.OpRef && !ref.Answerable() {
			why = fmt.Sprintf("${%s} is a note", ref.ID)
			return
		}
		if n.Op != survey.OpRef {
			if !ref.Choice() {
				why = fmt.Sprintf("${%s} is not a select question", ref.ID)
				return
			}
			if _, ok := ref.Option(n.Str); n.Op == survey.OpSelected && !ok {
				why = fmt.Sprintf("${%s} has no choice %q", ref.ID, n.Str)
			}
		}
	})
	if why != "" {
		return nil, why
	}
	return e, ""
}

// relevant maps a question's relevant; before says whether the format
// before issue 20 could say it (one answer equal to, one of, or given).
func (im *importer) relevant(s *sheet, r row, src string) (*survey.Condition, bool, bool) {
	c, ok := im.condition(s, r, src, nil)
	if !ok {
		return nil, false, false
	}
	before := c.Expr == ""
	if before {
		m := im.byID[c.Question]
		before = m != nil && m.before
	}
	return c, before, true
}

// condition maps a relevant to a condition, in the object form where that
// says it (so a survey exported and imported again is the same).
func (im *importer) condition(s *sheet, r row, src string, self *survey.Question) (*survey.Condition, bool) {
	e, why := im.check(src, self)
	if e == nil {
		im.rep.add(s.name, r.num, "relevant %q cannot be mapped: %s", src, why)
		return nil, false
	}
	if c := legacy(e); c != nil {
		return c, true
	}
	return &survey.Condition{Expr: im.paths(src)}, true
}

// legacy returns the object-form condition e means, if there is one.
func legacy(e *survey.Expr) *survey.Condition {
	switch e.Op {
	case survey.OpSelected:
		if e.Ref != "" {
			return &survey.Condition{Question: e.Ref, Equals: e.Str}
		}
	case survey.OpEq:
		a, b := e.Args[0], e.Args[1]
		if a.Op == survey.OpRef && b.Op == survey.OpString && b.Str != "" {
			return &survey.Condition{Question: a.Ref, Equals: b.Str}
		}
	case survey.OpNe:
		a, b := e.Args[0], e.Args[1]
		if a.Op == survey.OpRef && b.Op == survey.OpString && b.Str == "" {
			return &survey.Condition{Question: a.Ref, Answered: true}
		}
	case survey.OpOr:
		c := &survey.Condition{}
		for _, a := range e.Args {
			if a.Op != survey.OpSelected || a.Ref == "" || (c.Question != "" && a.Ref != c.Question) || slices.Contains(c.AnyOf, a.Str) {
				return nil
			}
			c.Question = a.Ref
			c.AnyOf = append(c.AnyOf, a.Str)
		}
		return c
	}
	return nil
}

// constraint maps a constraint and its messages, and takes min and max
// from it where it bounds the answer with whole numbers.
func (im *importer) constraint(s *sheet, r row, q *survey.Question, src string) {
	if !q.Answerable() {
		im.rep.add(s.name, r.num, "%s: a note takes no answer, so its constraint is left out", q.ID)
		return
	}
	e, why := im.check(src, q)
	if e == nil {
		im.rep.add(s.name, r.num, "%s: constraint %q is left out: %s", q.ID, src, why)
		return
	}
	q.Constraint = im.paths(src)
	if m := im.text(s, r, "constraint_message"); len(m) > 0 {
		q.ConstraintMessage = im.fill(m, s.name, "constraint_message", r.num)
	} else if m := im.text(s, r, "jr:constraintmsg"); len(m) > 0 {
		q.ConstraintMessage = im.fill(m, s.name, "jr:constraintMsg", r.num)
	}
	if q.Type == survey.Number || q.Type == survey.Decimal {
		bounds(e, q)
	}
}

// bounds sets q's min and max from a constraint that is . >= n, . <= n or
// both joined with and, with whole numbers n.
func bounds(e *survey.Expr, q *survey.Question) {
	parts := []*survey.Expr{e}
	if e.Op == survey.OpAnd {
		parts = e.Args
	}
	for _, p := range parts {
		if len(p.Args) != 2 || p.Args[0].Op != survey.OpSelf || p.Args[1].Op != survey.OpNumber {
			continue
		}
		n := p.Args[1].Num
		if n != math.Trunc(n) || math.Abs(n) > 1e9 {
			continue
		}
		v := int(n)
		switch p.Op {
		case survey.OpGe:
			q.Min = &v
		case survey.OpGt:
			v++
			q.Min = &v
		case survey.OpLe:
			q.Max = &v
		case survey.OpLt:
			v--
			q.Max = &v
		}
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		q.Min, q.Max = nil, nil
	}
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

// chorusSheet reads the chorus sheet [Export] writes: the survey's
// settings and texts that XLSForm has no place for. A key is a field path
// (title, consent.text, consent.purposes.take_part.label); value holds a
// setting, the label columns a text.
func (im *importer) chorusSheet(s *sheet) {
	sv := im.sv
	var data map[string]json.RawMessage
	for _, r := range s.rows {
		key := s.get(r, "key")
		if key != "json" {
			continue
		}
		if err := json.Unmarshal([]byte(s.get(r, "value")), &data); err != nil {
			im.rep.add(s.name, r.num, "json: %v; ignored", err)
			return
		}
	}
	texts := map[string]survey.Text{}
	for _, r := range s.rows {
		if k := s.get(r, "key"); k != "json" && k != "" {
			texts[k] = im.text(s, r, "label")
		}
	}
	if data == nil {
		return
	}
	// The json row has the survey's fields other than questions and
	// groups, with every text replaced by its key in texts.
	var put func(v any) any
	put = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			if k, ok := x["$text"].(string); ok && len(x) == 1 {
				return im.fill(texts[k], "", "", 0)
			}
			for key, val := range x {
				x[key] = put(val)
			}
		case []any:
			for i := range x {
				x[i] = put(x[i])
			}
		}
		return v
	}
	var top map[string]any
	raw, _ := json.Marshal(data)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil {
		return
	}
	put(top)
	top["questions"] = sv.Questions
	top["groups"] = sv.Groups
	if len(sv.Groups) == 0 {
		delete(top, "groups")
	}
	b, err := json.Marshal(top)
	if err != nil {
		return
	}
	var out survey.Survey
	if err := json.Unmarshal(b, &out); err != nil {
		im.rep.add(s.name, 0, "%v; ignored", err)
		return
	}
	*sv = out
	im.rep.Items = slices.DeleteFunc(im.rep.Items, func(it Item) bool { return it.Sheet == "" || it.Sheet == "settings" })
}

// paths rewrites XPath references to questions (../age, ./age,
// /data/group/age), which forms written for CHT and older ODK tools use,
// as ${age} when the last step is a name on the survey sheet that only one
// row has. Text in quotes is left alone.
func (im *importer) paths(src string) string {
	if !strings.ContainsAny(src, "/") {
		return src
	}
	var b strings.Builder
	isPath := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-./:", c) >= 0
	}
	for i := 0; i < len(src); {
		c := src[i]
		if c == '\'' || c == '"' {
			end := strings.IndexByte(src[i+1:], c)
			if end < 0 {
				b.WriteString(src[i:])
				break
			}
			b.WriteString(src[i : i+end+2])
			i += end + 2
			continue
		}
		start := strings.HasPrefix(src[i:], "../") || strings.HasPrefix(src[i:], "./") ||
			(c == '/' && i+1 < len(src) && (src[i+1] >= 'a' && src[i+1] <= 'z' || src[i+1] >= 'A' && src[i+1] <= 'Z' || src[i+1] == '_'))
		if start && (i == 0 || !isPath(src[i-1])) {
			j := i
			for j < len(src) && isPath(src[j]) {
				j++
			}
			steps := strings.Split(strings.TrimRight(src[i:j], "/"), "/")
			last := steps[len(steps)-1]
			if im.names[last] == 1 {
				b.WriteString("${" + last + "}")
				i = j
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}
