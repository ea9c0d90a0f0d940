package central

import (
	"fmt"
	"os"
	"regexp"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// WorkbookFile is the workbook [DB.WriteCSV] writes with
// [CSVOptions.Workbook].
const WorkbookFile = "analysis.xlsx"

// Sheets of the workbook, one per CSV file.
var sheetOf = map[string]string{WideCSV: "responses", LongCSV: "answers", CodebookCSV: "codebook", DeclinedCSV: "declined"}

// wholeNumber is a cell the workbook types as a number: an integer
// without leading zeros that a spreadsheet holds exactly.
var wholeNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]{0,14})$`)

// workbook writes the CSV files' rows as sheets of one .xlsx file. Cells
// go in as they are, not through [SafeCell]: text is typed as text
// (inline strings), which a spreadsheet never runs as a formula, and whole
// numbers as numbers, except in free-text columns. The header row is
// frozen.
type workbook struct {
	f       *excelize.File
	streams map[string]*excelize.StreamWriter
	rows    map[string]int
	text    map[string]map[int]bool // columns always text, by CSV file
}

func newWorkbook() (*workbook, error) {
	w := &workbook{f: excelize.NewFile(), streams: map[string]*excelize.StreamWriter{}, rows: map[string]int{},
		text: map[string]map[int]bool{}}
	for i, name := range csvFiles {
		sheet := sheetOf[name]
		if i == 0 {
			if err := w.f.SetSheetName("Sheet1", sheet); err != nil {
				return nil, err
			}
		} else if _, err := w.f.NewSheet(sheet); err != nil {
			return nil, err
		}
		sw, err := w.f.NewStreamWriter(sheet)
		if err != nil {
			return nil, err
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
		w.streams[name] = sw
		w.text[name] = map[int]bool{}
	}
	return w, nil
}

// textColumn makes column col of file name text whatever its cells hold.
func (w *workbook) textColumn(name string, col int) { w.text[name][col] = true }

// add writes cells as the next row of file name's sheet. In answers, a
// text question's value stays text.
func (w *workbook) add(name string, cells []string) error {
	w.rows[name]++
	row := make([]any, len(cells))
	for i, s := range cells {
		text := w.text[name][i] || w.rows[name] == 1 || (name == LongCSV && i == 5 && cells[4] == "text")
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && !text && wholeNumber.MatchString(s) {
			row[i] = n
		} else {
			row[i] = s
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, w.rows[name])
	if err != nil {
		return err
	}
	if err := w.streams[name].SetRow(cell, row); err != nil {
		return fmt.Errorf("%s row %d: %w", sheetOf[name], w.rows[name], err)
	}
	return nil
}

// save writes the workbook to f.
func (w *workbook) save(f *os.File) error {
	for _, name := range csvFiles {
		if err := w.streams[name].Flush(); err != nil {
			return err
		}
	}
	if _, err := w.f.WriteTo(f); err != nil {
		return err
	}
	return w.f.Close()
}
