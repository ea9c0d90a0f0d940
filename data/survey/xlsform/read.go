package xlsform

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits on a workbook, checked before and while it is read, so a hostile
// file is refused in bounded time and memory.
const (
	// MaxFileSize is the largest .xlsx file read.
	MaxFileSize = 16 << 20
	// MaxUnzipped is the most bytes all the files inside the .xlsx may
	// come to, as its zip directory states them; MaxPartUnzipped is the
	// most for one of them.
	MaxUnzipped     = 64 << 20
	MaxPartUnzipped = 32 << 20
	// MaxParts is the most files an .xlsx may hold.
	MaxParts = 500
	// MaxRows, MaxCols and MaxCells bound each sheet read.
	MaxRows  = 5000
	MaxCols  = 200
	MaxCells = 200_000
)

// sheet is one worksheet as text: its header row and the rows below it,
// each with its 1-based row number in the workbook.
type sheet struct {
	name     string
	header   []string // trimmed
	rows     []row
	formulas []formula
}

// formula is a cell whose saved value was taken in place of its formula.
type formula struct {
	row           int
	cell, formula string
	value         string
}

type row struct {
	num   int // the row's number in the sheet, for the report
	cells []string
	// key tells rows apart where a repeat is asked as copies (see
	// unroll); suffix is what the copy adds to names (_2), and copy which
	// copy it is (0 outside repeats).
	key    int
	suffix string
	copy   int
}

// get returns the cell of r under column col (matched without regard to
// case), or "".
func (s *sheet) get(r row, col string) string {
	for i, h := range s.header {
		if strings.EqualFold(h, col) && i < len(r.cells) {
			return strings.TrimSpace(r.cells[i])
		}
	}
	return ""
}

// set puts v in r's cell under column col, if the sheet has that column.
func (s *sheet) set(r *row, col, v string) {
	for i, h := range s.header {
		if strings.EqualFold(h, col) {
			for len(r.cells) <= i {
				r.cells = append(r.cells, "")
			}
			r.cells[i] = v
			return
		}
	}
}

// has reports whether the sheet has column col.
func (s *sheet) has(col string) bool {
	for _, h := range s.header {
		if strings.EqualFold(h, col) {
			return true
		}
	}
	return false
}

// checkZip reads the zip directory of an .xlsx and refuses it when the
// sizes it states are too large: a zip bomb is refused before any of it is
// unpacked. excelize is then given the same limits, so a directory that
// lies is caught while unpacking.
func checkZip(data []byte) error {
	if len(data) > MaxFileSize {
		return fmt.Errorf("the file is %d MiB; an XLSForm is at most %d MiB", len(data)>>20, MaxFileSize>>20)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("not an .xlsx workbook (Excel 2007 or later; save .xls files as .xlsx): %v", err)
	}
	if len(zr.File) > MaxParts {
		return fmt.Errorf("the workbook holds %d parts, more than %d", len(zr.File), MaxParts)
	}
	var total uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > MaxPartUnzipped {
			return fmt.Errorf("%s unpacks to %d MiB, more than %d MiB; it is not an XLSForm", f.Name, f.UncompressedSize64>>20, MaxPartUnzipped>>20)
		}
		total += f.UncompressedSize64
		if total > MaxUnzipped {
			return fmt.Errorf("the workbook unpacks to more than %d MiB; it is not an XLSForm", MaxUnzipped>>20)
		}
	}
	return nil
}

// open checks data and opens it as a workbook.
func open(data []byte) (*excelize.File, error) {
	if err := checkZip(data); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    MaxUnzipped,
		UnzipXMLSizeLimit: MaxPartUnzipped,
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read the workbook; save it again as .xlsx from a spreadsheet program (%v)", err)
	}
	return f, nil
}

// readSheet reads the sheet named name (matched without regard to case),
// or returns nil when there is none. Merged cells are refused: a merged
// cell's value belongs to one cell of the range, so the rows under it
// would read as empty. A formula cell gives the value the spreadsheet
// program saved with it (real forms have =TRUE() in required columns);
// Chorus never works a formula out, and the report lists each one.
func readSheet(f *excelize.File, name string) (*sheet, error) {
	var real string
	for _, n := range f.GetSheetList() {
		if strings.EqualFold(strings.TrimSpace(n), name) {
			real = n
			break
		}
	}
	if real == "" {
		return nil, nil
	}
	if dim, err := f.GetSheetDimension(real); err == nil && dim != "" {
		if _, last, ok := strings.Cut(dim, ":"); ok {
			if c, r, err := excelize.CellNameToCoordinates(last); err == nil && (r > MaxRows+1 || c > MaxCols) {
				return nil, fmt.Errorf("sheet %s: %d rows and %d columns, more than %d and %d", real, r, c, MaxRows, MaxCols)
			}
		}
	}
	merged, err := f.GetMergeCells(real)
	if err != nil {
		return nil, fmt.Errorf("sheet %s: %v", real, err)
	}
	if len(merged) > 0 {
		return nil, fmt.Errorf("sheet %s: cells %s:%s are merged; unmerge them and give every row its own value", real, merged[0].GetStartAxis(), merged[0].GetEndAxis())
	}
	rows, err := f.Rows(real)
	if err != nil {
		return nil, fmt.Errorf("sheet %s: %v", real, err)
	}
	defer rows.Close()
	s := &sheet{name: real}
	cells, n := 0, 0
	for rows.Next() {
		n++
		if n > MaxRows+1 {
			return nil, fmt.Errorf("sheet %s: more than %d rows", real, MaxRows)
		}
		cols, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("sheet %s row %d: %v", real, n, err)
		}
		if len(cols) > MaxCols {
			return nil, fmt.Errorf("sheet %s row %d: %d columns, more than %d", real, n, len(cols), MaxCols)
		}
		cells += len(cols)
		if cells > MaxCells {
			return nil, fmt.Errorf("sheet %s: more than %d cells", real, MaxCells)
		}
		for i, v := range cols {
			if v == "" {
				continue
			}
			ref, _ := excelize.CoordinatesToCellName(i+1, n)
			if fm, _ := f.GetCellFormula(real, ref); fm != "" {
				s.formulas = append(s.formulas, formula{row: n, cell: ref, formula: fm, value: v})
			}
		}
		if s.header == nil {
			if empty(cols) {
				continue
			}
			for _, h := range cols {
				s.header = append(s.header, strings.TrimSpace(h))
			}
			continue
		}
		if !empty(cols) {
			s.rows = append(s.rows, row{num: n, cells: cols})
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("sheet %s: %v", real, err)
	}
	return s, nil
}

func empty(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// readAll reads data, at most MaxFileSize+1 bytes of it.
func readAll(r io.Reader) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, MaxFileSize+1))
}
