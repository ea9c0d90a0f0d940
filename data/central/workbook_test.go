package central_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"chorus/data/central"
	"chorus/data/store/storetest"
)

// TestWriteWorkbook: analysis.xlsx holds every cell of every CSV file,
// unguarded: "+44 dim signal" stays as typed, as text, where the CSV has
// '+44 (which pandas and R keep). The CSVs start with a BOM on request.
func TestWriteWorkbook(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	dev.SubmitStories("+44 dim signal", "=1+2", "007", "plain", "-5")
	dev.Decline(2)
	db := openDB(t)
	merge(t, db, dev.Export(t.TempDir()), k)
	out := t.TempDir()
	res, err := db.WriteCSV(ctx, out, central.CSVOptions{Workbook: true, BOM: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 5 {
		t.Errorf("files = %v, want 4 CSVs and the workbook", res.Files)
	}
	f, err := excelize.OpenFile(filepath.Join(out, central.WorkbookFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, sheet := range map[string]string{central.WideCSV: "responses", central.LongCSV: "answers",
		central.CodebookCSV: "codebook", central.DeclinedCSV: "declined"} {
		raw, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(raw, []byte("\uFEFF")) {
			t.Errorf("%s has no byte-order mark", name)
		}
		want := readCSV(t, filepath.Join(out, name))
		want[0][0] = string(bytes.TrimPrefix([]byte(want[0][0]), []byte("\uFEFF")))
		got, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("sheet %s has %d rows, %s %d", sheet, len(got), name, len(want))
		}
		for r := range want {
			for c := range want[r] {
				g := ""
				if c < len(got[r]) {
					g = got[r][c]
				}
				if central.SafeCell(g) != want[r][c] {
					t.Errorf("sheet %s row %d column %s = %q, CSV has %q", sheet, r+1, want[0][c], g, want[r][c])
				}
			}
		}
	}
	rows, _ := f.GetRows("responses")
	story := column(rows, "story")
	stories := map[string]bool{}
	for r := 1; r < len(rows); r++ {
		stories[rows[r][story]] = true
		cell, _ := excelize.CoordinatesToCellName(story+1, r+1)
		if typ, _ := f.GetCellType("responses", cell); typ != excelize.CellTypeInlineString {
			t.Errorf("story %s is of type %v, want text", cell, typ)
		}
		if formula, _ := f.GetCellFormula("responses", cell); formula != "" {
			t.Errorf("story %s has formula %q", cell, formula)
		}
	}
	for _, s := range []string{"+44 dim signal", "=1+2", "007", "-5"} {
		if !stories[s] {
			t.Errorf("story %q is not in the workbook as typed: %v", s, stories)
		}
	}
	age, _ := excelize.CoordinatesToCellName(column(rows, "age")+1, 2)
	if typ, _ := f.GetCellType("responses", age); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("age is of type %v, want a number", typ)
	}
	if v, _ := f.GetCellValue("responses", age); v != strconv.Itoa(16) {
		t.Errorf("age = %q", v)
	}
	if panes, err := f.GetPanes("responses"); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, %v, want the header row frozen", panes, err)
	}
}
