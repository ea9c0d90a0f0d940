package xlsform

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"flag"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/assets"
	"chorus/data/survey"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func importFile(t *testing.T, name string) *Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(name, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The real public forms in testdata: what maps now and what mapped to the
// survey format before issue 20.
func TestRealForms(t *testing.T) {
	total := Figures{}
	for _, tc := range []struct {
		file string
		want Figures
		rows []string // lines the report must have
	}{
		{"kobo_sample.xlsx", Figures{Questions: 4, Mapped: 4, MappedBefore: 3}, []string{
			"survey: the label column names no language; it is taken as English (en)",
		}},
		{"pyxform_spec_test.xlsx", Figures{Questions: 40, Mapped: 29, MappedBefore: 3, Relevant: 2, RelevantMapped: 2, Calculations: 1}, []string{
			"survey row 15: repeat repeat_test is asked 2 times: its questions are asked again as copies, one after another, their ids ending _1, _2 and so on",
			"survey row 27: compact-test_1 (select_one a_b): choice \"a\" (choices row 4) has no label; Chorus shows choices as words, not pictures; left out",
			"survey row 34: geopoint_test (geopoint): a kiosk stays in one place",
			"survey row 36: image_test (image): a kiosk does not take photos",
			"survey row 40: calculate_test (calculate): a calculation is not asked, and no relevant or constraint Chorus maps uses this one",
			"survey row 42: start (start): device metadata, not a question",
			`survey row 22: cell K22 has a formula (=TRUE()); the value saved with it, "TRUE", is used`,
			"survey: label::Chinese (zh) is empty in rows 2, 4, 5",
		}},
	} {
		res := importFile(t, tc.file)
		f := res.Report.Figures
		t.Logf("%s: questions %d of %d mapped (before issue 20: %d); relevant %d of %d mapped (before: %d)",
			tc.file, f.Mapped, f.Questions, f.MappedBefore, f.RelevantMapped, f.Relevant, f.RelevantBefore)
		if f != tc.want {
			t.Errorf("%s: figures %+v, want %+v", tc.file, f, tc.want)
		}
		text := res.Report.String()
		for _, line := range tc.rows {
			if !strings.Contains(text, "\n"+line) {
				t.Errorf("%s: report has no line %q:\n%s", tc.file, line, text)
			}
		}
		total.Questions += f.Questions
		total.Mapped += f.Mapped
		total.MappedBefore += f.MappedBefore
		total.Relevant += f.Relevant
		total.RelevantMapped += f.RelevantMapped
		total.RelevantBefore += f.RelevantBefore
		total.Calculations += f.Calculations
	}
	t.Logf("all forms: questions %d of %d mapped (before issue 20: %d), %d of %d asked ones (calculations aside); relevant %d of %d mapped (before: %d)",
		total.Mapped, total.Questions, total.MappedBefore, total.Mapped, total.Questions-total.Calculations, total.RelevantMapped, total.Relevant, total.RelevantBefore)
}

// The pyxform spec test's survey: its group relevance, decimal with a
// constraint on an earlier answer, dates and ids such as label-test.
func TestPyxformSpecSurvey(t *testing.T) {
	sv := importFile(t, "pyxform_spec_test.xlsx").Survey
	if len(sv.Groups) != 1 || sv.Groups[0].ID != "everything" || sv.Groups[0].ShowIf.Expr != "not(selected(${skip_to_end}, 'yes'))" {
		t.Errorf("groups = %+v; want everything with its relevant", sv.Groups)
	}
	q, ok := sv.Question("a_decimal")
	if !ok || q.Type != survey.Decimal || q.Constraint != ". <= ${a_integer}" || q.Group != "everything" {
		t.Errorf("a_decimal = %+v", q)
	}
	if q, ok := sv.Question("date_test"); !ok || q.Type != survey.Date {
		t.Errorf("date_test = %+v", q)
	}
	if q, ok := sv.Question("address"); !ok || q.Text["zh"] != "您好" || q.Text["en"] != "Enter an address" {
		t.Errorf("address = %+v", q)
	}
	if !sv.HasLanguage("en") || !sv.HasLanguage("zh") || len(sv.Languages) != 2 {
		t.Errorf("languages = %v", sv.Languages)
	}
	// Skip logic from the form: yes to skip_to_end hides the whole group.
	path := sv.Path(survey.Answers{"skip_to_end": {Choice: "yes"}})
	if len(path) != 2 || sv.Questions[path[1]].ID != "launch" {
		t.Errorf("with skip_to_end yes the path is %v; want skip_to_end then launch", path)
	}
}

func TestGolden(t *testing.T) {
	res := importFile(t, "kobo_sample.xlsx")
	golden := filepath.Join("testdata", "kobo_sample.golden.json")
	if *update {
		if err := os.WriteFile(golden, res.JSON, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.JSON, want) {
		t.Errorf("kobo_sample.xlsx imports to\n%s\nwant (go test -update to accept)\n%s", res.JSON, want)
	}
}

// Chorus survey -> XLSForm -> Chorus survey gives the same survey.
func TestRoundTrip(t *testing.T) {
	builtin, err := assets.Survey(assets.BuiltinSurvey)
	if err != nil {
		t.Fatal(err)
	}
	alltypes, err := os.ReadFile(filepath.Join("..", "testdata", "alltypes.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"built-in": builtin, "alltypes": alltypes, "logic": []byte(logicSurvey)} {
		sv, err := survey.Parse(name+".json", data)
		if err != nil {
			t.Fatal(err)
		}
		var wb bytes.Buffer
		if err := Export(sv, &wb); err != nil {
			t.Fatal(err)
		}
		res, err := Import(name+".xlsx", wb.Bytes(), Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, _ := json.MarshalIndent(sv, "", "  ")
		got, _ := json.MarshalIndent(res.Survey, "", "  ")
		if !bytes.Equal(got, want) {
			t.Errorf("%s: exported and imported again:\n%s\nwant\n%s", name, got, want)
		}
		if len(res.Report.Items) != 0 {
			t.Errorf("%s: report %s; want nothing left out", name, res.Report.String())
		}
	}
}

const logicSurvey = `{
  "format": "chorus-survey/1", "id": "logic", "version": 2, "languages": ["en", "cy"],
  "title": {"en": "Logic", "cy": "Rhesymeg"},
  "consent": {"version": "1", "text": {"en": "C", "cy": "C"}, "purposes": [{"id": "take_part", "required": true, "label": {"en": "Yes", "cy": "Ie"}}]},
  "groups": [{"id": "adult", "show_if": "${Age} >= 16"}, {"id": "in", "in": "adult", "show_if": {"question": "Age", "answered": true}}],
  "questions": [
    {"id": "Age", "type": "number", "text": {"en": "Age?", "cy": "Oed?"}},
    {"id": "job", "type": "single", "group": "adult", "text": {"en": "Job?", "cy": "Swydd?"},
     "options": [{"code": "DK", "label": {"en": "Don't know", "cy": "Ddim yn gwybod"}}, {"code": "-99", "label": {"en": "None", "cy": "Dim"}}]},
    {"id": "hours", "type": "decimal", "min": 0, "group": "in", "text": {"en": "Hours?", "cy": "Oriau?"},
     "constraint": ". <= ${Age}", "constraint_message": {"en": "Too many", "cy": "Gormod"}},
    {"id": "born", "type": "date", "group": "adult", "text": {"en": "Born?", "cy": "Geni?"}, "show_if": "selected(${job}, 'DK') or ${Age} > 20"},
    {"id": "end", "type": "info", "text": {"en": "Thanks", "cy": "Diolch"}}
  ]
}`

// workbook makes an .xlsx with a survey sheet of rows, and lets edit
// change it first.
func workbook(t *testing.T, rows [][]string, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "survey")
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, c := range r {
			cells[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("survey", cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Hostile workbooks are refused, before they are unpacked where the zip
// directory tells, with a message that says what is wrong.
func TestHostileWorkbooks(t *testing.T) {
	ok := [][]string{{"type", "name", "label"}, {"text", "a", "A?"}}
	big := [][]string{{"type", "name", "label"}}
	for i := range MaxRows + 1 {
		big = append(big, []string{"text", "q" + strings.Repeat("x", i%3), "Q?"})
	}
	bomb := func() []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create("xl/worksheets/sheet1.xml")
		zeros := make([]byte, 1<<20)
		for range 40 {
			w.Write(zeros)
		}
		zw.Close()
		return b.Bytes()
	}()
	full := [][]string{}
	for range MaxCells/MaxCols + 1 {
		r := make([]string, MaxCols)
		for i := range r {
			r[i] = "x"
		}
		full = append(full, r)
	}
	full[0][0], full[0][1] = "type", "name"
	// A zip directory that says 100 bytes for a part that unpacks to 40 MiB.
	liar := func() []byte {
		zeros := make([]byte, 40<<20)
		var comp bytes.Buffer
		fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
		fw.Write(zeros)
		fw.Close()
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
			CRC32: crc32.ChecksumIEEE(zeros), CompressedSize64: uint64(comp.Len()), UncompressedSize64: 100})
		w.Write(comp.Bytes())
		zw.Close()
		return b.Bytes()
	}()
	wide := [][]string{make([]string, MaxCols+1)}
	for i := range wide[0] {
		wide[0][i] = "c"
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"a zip bomb", bomb, "xl/worksheets/sheet1.xml unpacks to 40 MiB, more than 32 MiB; it is not an XLSForm"},
		{"a zip directory that lies", liar, "cannot read the workbook; save it again as .xlsx from a spreadsheet program (EOF)"},
		{"not a workbook", []byte("type,name,label\ntext,a,A?\n"), "not an .xlsx workbook"},
		{"too many rows", workbook(t, big, nil), "sheet survey: more than 5000 rows"},
		{"too many columns", workbook(t, wide, nil), "sheet survey row 1: 201 columns, more than 200"},
		{"too many cells", workbook(t, full, nil), "sheet survey: more than 200000 cells"},
		{"merged cells", workbook(t, ok, func(f *excelize.File) { f.MergeCell("survey", "A2", "B2") }), "sheet survey: cells A2:B2 are merged; unmerge them"},
		{"no survey sheet", workbook(t, [][]string{{"list_name", "name"}}, func(f *excelize.File) { f.SetSheetName("survey", "choices") }), "no survey sheet with type and name columns"},
		{"too large", make([]byte, MaxFileSize+1), "an XLSForm is at most 16 MiB"},
	} {
		_, err := Import("h.xlsx", tc.data, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	// A workbook that is fine imports.
	if _, err := Import("ok.xlsx", workbook(t, ok, nil), Options{}); err != nil {
		t.Errorf("a plain workbook: %v", err)
	}
}

// An import that would make a survey Chorus refuses fails with Chorus's
// own problems rather than write it.
func TestImportValidates(t *testing.T) {
	rows := [][]string{{"type", "name", "label", "required"}, {"note", "a", "A"}}
	c := survey.Consent{Version: "1", Text: survey.Text{"en": "C"}, Purposes: []survey.Purpose{{ID: "Take Part", Required: true, Label: survey.Text{"en": "Yes"}}}}
	_, err := Import("v.xlsx", workbook(t, rows, nil), Options{Consent: &c})
	if err == nil || !strings.Contains(err.Error(), `consent.purposes[0].id: must be lower-case letters, digits or _, not "Take Part"`) {
		t.Errorf("error %v; want Chorus's problem with the purpose id", err)
	}
}

// FuzzBuild feeds the sheet-to-survey step sheets made of text: rows by
// line, cells by |. It must not panic, and a survey it makes must pass
// Chorus's checks (build parses what it makes).
func FuzzBuild(f *testing.F) {
	f.Add("type|name|label::English (en)|relevant|constraint\nselect_one yn|a|A?||\ninteger|b|B?|selected(${a}, 'y')|. > 0\nbegin group|g||${b} > 3|\ndate|c|C?||\nend group|||", "list_name|name|label\nyn|y|Yes\nyn|n|No")
	f.Add("type|name|label\nbegin repeat|r|\ntext|t|T\nend repeat\ngeopoint|p|P\ncalculate|x|", "")
	f.Add("type|name|label::fr|label::Welsh (cy)\nnote|n|N|\ndecimal|d||D", "list_name|name|label\n")
	f.Add("type|name|label\nselect_one yn or_other|a|A?\nselect_multiple yn or_other|b|B?\ntext|a_other|X", "list_name|name|label\nyn|y|Yes\nyn|other|Other")
	f.Add("type|name|label|relevant|calculation|repeat_count\ninteger|k|K?|||\nbegin repeat|r|||| ${k}\nselect_one yn|s|S?|||\ncalculate|c|||if(selected(../s, 'y'), 1, 0)|\nnote|n|N|${c} = 1 and ../../k > 1||\nend repeat|||||\nhidden|h|||||\nnote|m|M|./h = '' and instance('x')/a/b != ''||", "list_name|name|label\nyn|y|Yes\nyn|n|No")
	f.Fuzz(func(t *testing.T, surveyText, choicesText string) {
		if len(surveyText) > 4000 || len(choicesText) > 2000 {
			return
		}
		toSheet := func(name, text string) *sheet {
			s := &sheet{name: name}
			for i, line := range strings.Split(text, "\n") {
				cells := strings.Split(line, "|")
				if i == 0 {
					s.header = cells
					continue
				}
				s.rows = append(s.rows, row{num: i + 1, cells: cells})
			}
			return s
		}
		sur := toSheet("survey", surveyText)
		if !sur.has("type") || !sur.has("name") {
			return
		}
		res, err := build("f.xlsx", sur, toSheet("choices", choicesText), nil, nil, Options{})
		if err != nil {
			return
		}
		if res.Survey == nil || len(res.Survey.Questions) == 0 {
			t.Fatalf("build gave no survey and no error")
		}
	})
}

// XPath references (../age, /data/g/age), as CHT forms write them, are
// read as ${age} where one row has that name; text in quotes is kept.
func TestPaths(t *testing.T) {
	im := &importer{names: map[string]int{"age": 1, "place": 1, "twice": 2}}
	for in, want := range map[string]string{
		"../age >= 16 and selected(../place, 'a/b')": "${age} >= 16 and selected(${place}, 'a/b')",
		"/data/group/age > 1 or ./place = '../age'":  "${age} > 1 or ${place} = '../age'",
		"../twice = 1 and ../unknown = 2":            "../twice = 1 and ../unknown = 2",
		". <= ../age":                                ". <= ${age}",
		"${age} > 2":                                 "${age} > 2",
	} {
		if got := im.paths(in); got != want {
			t.Errorf("paths(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzImport feeds whole files: the zip checks, excelize and the sheet
// reading must refuse what they cannot read with an error, never a panic.
func FuzzImport(f *testing.F) {
	kobo, err := os.ReadFile(filepath.Join("testdata", "kobo_sample.xlsx"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(kobo)
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Import("f.xlsx", data, Options{})
		if err == nil && res.Survey == nil {
			t.Fatal("no survey and no error")
		}
	})
}
