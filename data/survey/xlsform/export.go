package xlsform

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"chorus/data/survey"

	"github.com/xuri/excelize/v2"
)

// Export writes sv as an XLSForm workbook to w, so translators can work
// in a spreadsheet: a label, hint and constraint_message column per
// language ("label::Welsh (cy)"), groups as begin group and end group rows,
// show_if as relevant. What XLSForm has no column for goes in chorus_
// columns (chorus_type for faces4, scale5 and yesno, chorus_min,
// chorus_max, chorus_max_length, chorus_input, chorus_section;
// chorus_exclusive on the choices sheet) and a chorus sheet (the consent
// and other survey texts, one row each, and a json row with the rest).
// [Import] of the workbook gives sv again.
func Export(sv *survey.Survey, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "survey"); err != nil {
		return err
	}
	for _, name := range []string{"choices", "settings", "chorus"} {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	ex := &exporter{f: f, sv: sv}
	ex.survey()
	ex.choices()
	ex.settings()
	if err := ex.chorus(); err != nil {
		return err
	}
	if ex.err != nil {
		return ex.err
	}
	return f.Write(w)
}

type exporter struct {
	f   *excelize.File
	sv  *survey.Survey
	err error
}

// put writes cells as row n of sheet.
func (ex *exporter) put(sheet string, n int, cells []string) {
	if ex.err != nil {
		return
	}
	row := make([]any, len(cells))
	for i, c := range cells {
		row[i] = c
	}
	cell, _ := excelize.CoordinatesToCellName(1, n)
	ex.err = ex.f.SetSheetRow(sheet, cell, &row)
}

func (ex *exporter) texts(field string) []string {
	out := make([]string, len(ex.sv.Languages))
	for i, l := range ex.sv.Languages {
		out[i] = columnName(field, l)
	}
	return out
}

func in(t survey.Text, langs []string) []string {
	out := make([]string, len(langs))
	for i, l := range langs {
		out[i] = t[l]
	}
	return out
}

func (ex *exporter) survey() {
	sv, langs := ex.sv, ex.sv.Languages
	head := []string{"type", "name"}
	head = append(head, ex.texts("label")...)
	head = append(head, ex.texts("hint")...)
	head = append(head, "required", "relevant", "constraint")
	head = append(head, ex.texts("constraint_message")...)
	head = append(head, ex.texts("required_message")...)
	head = append(head, "chorus_type", "chorus_min", "chorus_max", "chorus_max_length", "chorus_input", "chorus_section")
	ex.put("survey", 1, head)
	n := 2
	blank := make([]string, len(langs))
	line := func(typ, name string, label, hint []string, required, relevant, constraint string, msg, reqMsg []string, chorus ...string) {
		cells := []string{typ, name}
		cells = append(cells, label...)
		cells = append(cells, hint...)
		cells = append(cells, required, relevant, constraint)
		cells = append(cells, msg...)
		cells = append(cells, reqMsg...)
		cells = append(cells, chorus...)
		ex.put("survey", n, cells)
		n++
	}
	var open []string // the groups open, outermost first
	chain := func(id string) []string {
		var out []string
		for id != "" {
			out = append([]string{id}, out...)
			g := ex.group(id)
			if g == nil {
				break
			}
			id = g.In
		}
		return out
	}
	for i := range sv.Questions {
		q := &sv.Questions[i]
		want := chain(q.Group)
		common := 0
		for common < len(open) && common < len(want) && open[common] == want[common] {
			common++
		}
		for len(open) > common {
			line("end group", open[len(open)-1], blank, blank, "", "", "", blank, blank)
			open = open[:len(open)-1]
		}
		for _, id := range want[common:] {
			rel := ""
			if g := ex.group(id); g != nil && g.ShowIf != nil {
				rel = g.ShowIf.String()
			}
			line("begin group", id, blank, blank, "", rel, "", blank, blank)
			open = append(open, id)
		}
		typ, chorusType := "", ""
		switch q.Type {
		case survey.Single:
			typ = "select_one " + q.ID
		case survey.Multi:
			typ = "select_multiple " + q.ID
		case survey.Faces4, survey.Scale5, survey.YesNo:
			typ, chorusType = "select_one "+q.ID, string(q.Type)
		case survey.Free:
			typ = "text"
		case survey.Number:
			typ = "integer"
		case survey.Decimal:
			typ = "decimal"
		case survey.Date:
			typ = "date"
		case survey.Info:
			typ = "note"
		}
		rel := ""
		if q.ShowIf != nil {
			rel = q.ShowIf.String()
		}
		req := ""
		if q.Required {
			req = "yes"
		}
		num := func(p *int) string {
			if p == nil {
				return ""
			}
			return strconv.Itoa(*p)
		}
		maxLen := ""
		if q.MaxLength != 0 {
			maxLen = strconv.Itoa(q.MaxLength)
		}
		line(typ, q.ID, in(q.Text, langs), in(q.Help, langs), req, rel, q.Constraint, in(q.ConstraintMessage, langs), in(q.RequiredMessage, langs),
			chorusType, num(q.Min), num(q.Max), maxLen, q.Input, q.Section)
	}
	for len(open) > 0 {
		line("end group", open[len(open)-1], blank, blank, "", "", "", blank, blank)
		open = open[:len(open)-1]
	}
}

func (ex *exporter) group(id string) *survey.Group {
	for i := range ex.sv.Groups {
		if ex.sv.Groups[i].ID == id {
			return &ex.sv.Groups[i]
		}
	}
	return nil
}

func (ex *exporter) choices() {
	langs := ex.sv.Languages
	head := append([]string{"list_name", "name"}, ex.texts("label")...)
	ex.put("choices", 1, append(head, "chorus_exclusive"))
	n := 2
	for _, q := range ex.sv.Questions {
		for _, o := range q.Options {
			label := in(o.Label, langs)
			if len(o.Label) == 0 {
				// The kiosk's own words for yes and no: "-" marks them.
				for i := range label {
					label[i] = "-"
				}
			}
			excl := ""
			if o.Exclusive {
				excl = "yes"
			}
			ex.put("choices", n, append(append([]string{q.ID, o.Code}, label...), excl))
			n++
		}
	}
}

func (ex *exporter) settings() {
	sv := ex.sv
	def := ""
	if len(sv.Languages) > 0 {
		def = sv.Languages[0]
	}
	name := columnName("", def)[2:]
	ex.put("settings", 1, []string{"form_title", "form_id", "version", "default_language"})
	ex.put("settings", 2, []string{sv.Title[def], sv.ID, strconv.Itoa(sv.Version), name})
}

// chorus writes the chorus sheet: one row per survey-level text, and a
// json row with the survey's other fields, texts replaced by their keys.
func (ex *exporter) chorus() error {
	sv := *ex.sv
	langs := sv.Languages
	head := append([]string{"key", "value"}, ex.texts("label")...)
	ex.put("chorus", 1, head)
	n := 2
	text := func(key string, t survey.Text) survey.Text {
		if len(t) == 0 {
			return nil
		}
		ex.put("chorus", n, append([]string{key, ""}, in(t, langs)...))
		n++
		return survey.Text{"$text": key}
	}
	sv.Title = text("title", sv.Title)
	sv.Intro = text("intro", sv.Intro)
	sv.NextSteps = text("next_steps", sv.NextSteps)
	sv.Contact = text("contact", sv.Contact)
	c := sv.Consent
	c.Text = text("consent.text", c.Text)
	c.Purposes = append([]survey.Purpose(nil), c.Purposes...)
	for i := range c.Purposes {
		c.Purposes[i].Label = text(fmt.Sprintf("consent.purposes.%s", c.Purposes[i].ID), c.Purposes[i].Label)
	}
	if c.EasyRead != nil {
		e := *c.EasyRead
		e.Text = text("consent.easy_read.text", e.Text)
		e.Purposes = append([]survey.EasyPurpose(nil), e.Purposes...)
		for i := range e.Purposes {
			e.Purposes[i].Label = text(fmt.Sprintf("consent.easy_read.purposes.%s", e.Purposes[i].ID), e.Purposes[i].Label)
		}
		c.EasyRead = &e
	}
	sv.Consent = c
	sv.Questions, sv.Groups = nil, nil
	b, err := json.Marshal(&sv)
	if err != nil {
		return err
	}
	ex.put("chorus", n, []string{"json", string(b)})
	return nil
}
