package xlsform

import (
	"bytes"
	"chorus/data/survey"
	"encoding/json"
	"slices"
	"strings"
)

// This file maps the texts: which language each column is, texts missing
// in a language, and the chorus sheet of survey-level texts.

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
