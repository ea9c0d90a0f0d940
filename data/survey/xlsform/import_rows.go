package xlsform

import (
	"chorus/data/survey"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file maps the survey and choices sheets' rows to questions.

// Why a kiosk does not have what some rows ask for.
const (
	whyRepeat   = "a repeat asks its questions again for each person or thing, so the participant has to manage a list; a kiosk asks each question once. Ask them as separate questions if you need them"
	whyGeo      = "a kiosk stays in one place, and a participant's location is personal data Chorus does not collect"
	whyMedia    = "a kiosk does not take photos, recordings, files or barcodes: they need a camera or microphone and could identify the participant"
	whyCalc     = "a calculation is not asked, and no relevant or constraint Chorus maps uses this one; work it out from the answers in analysis"
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
	fig := &im.rep.Figures
	im.unroll(s)
	im.names = map[string]int{}
	for _, r := range s.rows {
		im.names[s.get(r, "name")+r.suffix]++
	}
	im.rowPaths(s)
	for _, r := range s.rows {
		if r.copy > 1 {
			// A later copy of a repeat: its rows count once, in the first,
			// and the report speaks of the first.
			items := len(im.rep.Items)
			figures := *fig
			im.row(s, r, &stack)
			im.rep.Items = im.rep.Items[:items]
			*fig = figures
			continue
		}
		im.row(s, r, &stack)
	}
	if len(stack) > 0 {
		im.rep.add(s.name, stack[len(stack)-1].row, "group %s has no end; it ends at the last row", stack[len(stack)-1].name)
	}
	im.calcItems(s.name)
	// byID points into the questions; appending may have moved them.
	for i := range im.sv.Questions {
		im.byID[im.sv.Questions[i].ID].q = &im.sv.Questions[i]
	}
}

// row maps one survey row; stack holds the groups and repeats open.
func (im *importer) row(s *sheet, r row, stackp *[]frame) {
	stack := *stackp
	defer func() { *stackp = stack }()
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
	{
		im.at = r.key
		typ := strings.Join(strings.Fields(s.get(r, "type")), " ")
		lower := strings.ToLower(typ)
		name := s.get(r, "name") + r.suffix
		relevant := s.get(r, "relevant")
		switch lower {
		case "begin group", "begin_group", "begin repeat", "begin_repeat":
			rep := strings.Contains(lower, "repeat")
			fr := frame{name: name, repeat: rep, row: r.num, group: current()}
			copyOf := r.copy > 0 && r.suffix == "" // a copy of a repeat (see unroll)
			if relevant != "" && (!copyOf || im.repeatRel[r.num]) {
				fig.Relevant++
			}
			if copyOf && r.copy == 1 {
				if n, count := im.copies[r.num], s.get(r, "repeat_count"); count == strconv.Itoa(n) {
					im.rep.add(s.name, r.num, "repeat %s is asked %d times: its questions are asked again as copies, one after another, their ids ending _1, _2 and so on", strings.TrimSuffix(name, "_1"), n)
				} else {
					im.rep.add(s.name, r.num, "repeat %s is asked as up to %d copies of its questions, one after another, each shown while its count (%s) reaches it; their ids end _1, _2 and so on. A count over %d asks %d", strings.TrimSuffix(name, "_1"), n, count, n, n)
				}
			}
			if _, in := inRepeat(); in || rep {
				if rep {
					im.rep.add(s.name, r.num, "repeat %s is left out with the questions in it: %s", name, whyRepeat)
				}
				stack = append(stack, fr)
				return
			}
			if relevant != "" {
				id := im.groupID(name)
				c, ok := im.condition(s, r, relevant, nil)
				if ok && (!copyOf || im.repeatRel[r.num]) {
					fig.RelevantMapped++
				}
				if ok {
					im.sv.Groups = append(im.sv.Groups, survey.Group{ID: id, In: current(), ShowIf: c})
					im.groupIDs[id] = true
					fr.group, fr.own = id, id
				}
			}
			if a := s.get(r, "appearance"); a != "" && a != "field-list" {
				im.rep.add(s.name, r.num, "group appearance %q: %s; ignored", a, whyNoKiosk)
			}
			stack = append(stack, fr)
			return
		case "end group", "end_group", "end repeat", "end_repeat":
			if len(stack) == 0 {
				im.rep.add(s.name, r.num, "%s without a begin; ignored", typ)
				return
			}
			stack = stack[:len(stack)-1]
			return
		case "":
			if name != "" {
				im.rep.add(s.name, r.num, "%s has no type; left out", name)
			}
			return
		}
		if metadata[lower] {
			im.rep.add(s.name, r.num, "%s (%s): %s; left out", name, typ, whyMeta)
			return
		}
		fig.Questions++
		base, _, _ := strings.Cut(lower, " ")
		calculated := isCalc(base, s.get(r, "calculation"))
		if calculated {
			fig.Calculations++
		}
		if relevant != "" {
			fig.Relevant++
		}
		if rp, in := inRepeat(); in {
			im.rep.add(s.name, r.num, "%s is in repeat %s (row %d); left out", name, rp.name, rp.row)
			return
		}
		if calculated {
			if relevant != "" {
				im.rep.add(s.name, r.num, "%s: the relevant of a calculation is left out", name)
			}
			return // see rowPaths and inline
		}
		q, before, ok := im.question(s, r, typ, lower, name)
		if !ok {
			return
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
		im.rowID[r.key] = q.ID
		if o := im.other; o != nil {
			// or_other's box, after its question (not counted: the form
			// has no row of its own for it)
			im.other = nil
			o.Group = q.Group
			im.sv.Questions = append(im.sv.Questions, *o)
			im.byID[o.ID] = &mapped{q: &im.sv.Questions[len(im.sv.Questions)-1]}
		}
		fig.Mapped++
		if before {
			fig.MappedBefore++
		}
	}
}

// orOther gives a select with or_other the option "other" and, in
// im.other, a text question for it shown when it is chosen, as pyxform
// does: "Other" and "Specify other." in the form's default language (the
// report lists them as texts to translate), ids <name>_other.
func (im *importer) orOther(s *sheet, r row, q *survey.Question, codes map[string]bool) {
	id := q.ID + "_other"
	switch {
	case codes["other"]:
		im.rep.add(s.name, r.num, "%s: or_other is left out: the list has a choice other already", q.ID)
		return
	case im.names[id] > 0 || im.byID[id] != nil || len(id) > 64:
		im.rep.add(s.name, r.num, "%s: or_other is left out: the name %s for its text box is taken", q.ID, id)
		return
	}
	q.Options = append(q.Options, survey.Option{Code: "other", Label: im.fill(survey.Text{im.def: "Other"}, s.name, "or_other", r.num)})
	im.other = &survey.Question{ID: id, Type: survey.Free, Text: im.fill(survey.Text{im.def: "Specify other."}, s.name, "or_other", r.num),
		ShowIf: &survey.Condition{Question: q.ID, Equals: "other"}}
	im.rep.add(s.name, r.num, "%s: or_other adds the choice other and a text box, %s, shown when it is chosen", q.ID, id)
}

// isCalc reports whether a row of type base is worked out rather than
// asked: a calculate, hidden or string row, or any other with a
// calculation (a CHT form's select_one that only carries a value).
func isCalc(base, calculation string) bool {
	return base == "calculate" || base == "hidden" || base == "string" || calculation != ""
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
		orOther := false
		if l, other := strings.CutSuffix(rawList, " or_other"); other {
			rawList, orOther = strings.TrimSpace(l), true
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
		if orOther {
			im.orOther(s, r, q, seen)
		}
		_ = list
	default:
		return fail("%s", whyNoKiosk)
	}
	label := im.text(s, r, "label")
	if len(label) == 0 {
		return fail("no label; Chorus shows every question and note as text")
	}
	if r.copy > 0 {
		for l, v := range label {
			label[l] = fmt.Sprintf("(%d) %s", r.copy, v)
		}
	}
	before = before && im.complete(label)
	im.piped(s, r, name, label)
	q.Text = im.fill(label, s.name, "label", r.num)
	if h := im.text(s, r, "hint"); len(h) > 0 {
		q.Help = im.fill(h, s.name, "hint", r.num)
	}
	if isYes(s.get(r, "required")) {
		if q.Type == survey.Info {
			im.rep.add(s.name, r.num, "%s: a note takes no answer, so required is left out", name)
		} else {
			q.Required = true
			if m := im.text(s, r, "required_message"); len(m) > 0 {
				q.RequiredMessage = im.fill(m, s.name, "required_message", r.num)
			} else if m := im.text(s, r, "jr:requiredmsg"); len(m) > 0 {
				q.RequiredMessage = im.fill(m, s.name, "jr:requiredMsg", r.num)
			}
		}
	}
	for _, col := range []string{"default", "read_only", "calculation", "trigger", "parameters", "image", "audio", "video", "media::image", "media::audio", "media::video", "repeat_count"} {
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

// piped says in the report which ${} in a label the kiosk cannot fill in:
// one of an earlier question it can (the participant's own answer, see
// survey.Survey.Pipe).
func (im *importer) piped(s *sheet, r row, name string, label survey.Text) {
	seen := map[string]bool{}
	for _, m := range piping.FindAllString(strings.Join(values(label), " "), -1) {
		id := m[2 : len(m)-1]
		if seen[id] {
			continue
		}
		seen[id] = true
		switch mq, c := im.byID[id], im.calcs[id]; {
		case mq != nil && mq.q.Answerable():
		case c != nil:
			im.rep.add(s.name, r.num, "%s: the label shows %s as written: it is a calculation, and the kiosk puts only answers into texts", name, m)
		default:
			im.rep.add(s.name, r.num, "%s: the label shows %s as written: it is not an earlier question Chorus has", name, m)
		}
	}
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
