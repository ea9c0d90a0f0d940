// Package suppress hides small counts in tables, so that no count of 1 to
// MinCount-1 people can be read from a published table or worked out
// from the numbers it does show.
//
// # The rule
//
// [Apply] takes a table of counts and says of each cell whether it is
// shown:
//
//   - A count from 1 to MinCount-1 is [Small]: the reader is told only
//     that it is "fewer than MinCount".
//   - A row (with [Table.RowsAdd]) or column (with [Table.ColsAdd]) adds
//     up to a total the reader is assumed to know. While a hidden cell of
//     such a line can be worked out exactly from the cells shown, the
//     total and what the reader knows of each hidden cell (1 to
//     MinCount-1 for a small one; at least MinCount and at most the
//     smallest count shown beside it when it was chosen, for a secondary
//     one), the smallest other non-zero count shown in that line becomes
//     [Secondary]. When the line has none left, its every cell becomes
//     [Masked].
//   - Rows and columns listed in [Table.MaskRows] and [Table.MaskCols]
//     are [Masked] from the start: their totals are hidden elsewhere.
//   - Zeros are shown.
//
// Lines that do not add up (the answers to a multiple-choice question)
// have only their small counts hidden. Sums across rows and columns
// together, or across tables, are not examined.
package suppress

// State says whether a count is shown, and if not, why.
type State uint8

// The states of a cell.
const (
	// Shown is a count shown as its number.
	Shown State = iota
	// Small is a count from 1 to MinCount-1, shown as "fewer than
	// MinCount".
	Small
	// Secondary is a count hidden so that a small one cannot be worked
	// out from a total.
	Secondary
	// Masked is a count hidden with its whole row or column.
	Masked
)

// String names the state.
func (s State) String() string {
	switch s {
	case Shown:
		return "shown"
	case Small:
		return "small"
	case Secondary:
		return "secondary"
	case Masked:
		return "masked"
	}
	return "unknown"
}

// Table is a table of counts and what a reader knows of its sums.
type Table struct {
	// Counts are the cells, by row. Rows may differ in length; a missing
	// cell is not part of its column.
	Counts [][]int
	// MinCount is the smallest count shown; counts from 1 to MinCount-1
	// are Small.
	MinCount int
	// RowsAdd says each row adds up to a total the reader knows (the
	// answers to one question plus "no answer" add up to the responses).
	RowsAdd bool
	// ColsAdd says each column adds up to a total the reader knows (a
	// breakdown's groups add up to the overall count of each answer).
	ColsAdd bool
	// MaskRows and MaskCols hide whole rows and columns from the start;
	// either may be nil or shorter than the table.
	MaskRows, MaskCols []bool
}

// Apply works out which cells of t are shown. It returns one state per
// cell, in the shape of t.Counts, and does not change t.
func Apply(t Table) [][]State {
	s := &solver{minCount: t.MinCount, counts: t.Counts}
	s.states = make([][]State, len(t.Counts))
	s.chosenBy = make([][]line, len(t.Counts))
	width := 0
	for r, row := range t.Counts {
		width = max(width, len(row))
		s.states[r] = make([]State, len(row))
		s.chosenBy[r] = make([]line, len(row))
		for c, v := range row {
			if v > 0 && v < t.MinCount {
				s.states[r][c] = Small
			}
			if (r < len(t.MaskRows) && t.MaskRows[r]) || (c < len(t.MaskCols) && t.MaskCols[c]) {
				s.states[r][c] = Masked
			}
		}
	}
	for changed := true; changed; {
		changed = false
		if t.RowsAdd {
			for r := range t.Counts {
				changed = s.protect(line{index: r}) || changed
			}
		}
		if t.ColsAdd {
			for c := range width {
				changed = s.protect(line{column: true, index: c}) || changed
			}
		}
	}
	return s.states
}

// line names a row, or a column when column is set, of the table being
// solved.
type line struct {
	column bool
	index  int
}

// cell is a cell's row and column.
type cell struct{ row, col int }

// solver holds the table while cells are hidden.
type solver struct {
	minCount int
	counts   [][]int
	states   [][]State
	chosenBy [][]line // the line that made a cell Secondary
}

func (s *solver) count(p cell) int   { return s.counts[p.row][p.col] }
func (s *solver) state(p cell) State { return s.states[p.row][p.col] }

// cells lists the cells of line l.
func (s *solver) cells(l line) []cell {
	var out []cell
	if l.column {
		for r, row := range s.counts {
			if l.index < len(row) {
				out = append(out, cell{r, l.index})
			}
		}
		return out
	}
	for c := range s.counts[l.index] {
		out = append(out, cell{l.index, c})
	}
	return out
}

// smallestShown is the smallest non-zero count shown in line l, or -1.
func (s *solver) smallestShown(l line) int {
	m := -1
	for _, p := range s.cells(l) {
		if v := s.count(p); s.state(p) == Shown && v > 0 && (m < 0 || v < m) {
			m = v
		}
	}
	return m
}

// bounds are what a reader knows of the hidden cell p, in a line adding
// up to total.
func (s *solver) bounds(p cell, total int) (lo, hi int) {
	switch s.state(p) {
	case Small:
		return 1, s.minCount - 1
	case Secondary:
		hi = total
		if m := s.smallestShown(s.chosenBy[p.row][p.col]); m >= 0 && m < hi {
			hi = m // it was the smallest then, and shown ones stay shown
		}
		return s.minCount, hi
	}
	return 0, total
}

// exposed reports whether some hidden cell of line l (whose cells are
// ps) can be worked out exactly from the line's total, the counts shown
// and the bounds of the hidden ones.
func (s *solver) exposed(ps []cell) bool {
	total, shown, masked := 0, 0, 0
	var hidden []cell
	for _, p := range ps {
		v := s.count(p)
		total += v
		switch s.state(p) {
		case Shown:
			shown += v
		case Masked:
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
		los[i], his[i] = s.bounds(p, total)
		sumLo += los[i]
		sumHi += his[i]
	}
	for i := range hidden {
		lo := max(los[i], rest-(sumHi-his[i]))
		hi := min(his[i], rest-(sumLo-los[i]))
		if lo >= hi {
			return true
		}
	}
	return false
}

// protect hides one more cell of line l, or all of it, when a hidden
// cell of l can be worked out exactly. It reports whether it changed
// anything.
func (s *solver) protect(l line) bool {
	ps := s.cells(l)
	if !s.exposed(ps) {
		return false
	}
	best, found := cell{}, false
	for _, p := range ps {
		if v := s.count(p); s.state(p) == Shown && v > 0 && (!found || v < s.count(best)) {
			best, found = p, true
		}
	}
	if found {
		s.states[best.row][best.col] = Secondary
		s.chosenBy[best.row][best.col] = l
		return true
	}
	for _, p := range ps {
		s.states[p.row][p.col] = Masked
	}
	return true
}
