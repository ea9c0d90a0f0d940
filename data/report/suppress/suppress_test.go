package suppress

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// states reads a table of states written one row a word: o shown, f
// small ("fewer than"), x secondary, m masked.
func states(t *testing.T, s string) [][]State {
	t.Helper()
	out := [][]State{}
	for _, word := range strings.Fields(s) {
		var row []State
		for _, ch := range word {
			i := strings.IndexRune("ofxm", ch)
			if i < 0 {
				t.Fatalf("state %q in %q", ch, s)
			}
			row = append(row, State(i))
		}
		out = append(out, row)
	}
	return out
}

func TestApply(t *testing.T) {
	for _, c := range []struct {
		name  string
		table Table
		want  string
	}{
		{"empty table", Table{MinCount: 5, RowsAdd: true, ColsAdd: true}, ""},
		{"all zero", Table{Counts: [][]int{{0, 0, 0}}, MinCount: 5, RowsAdd: true}, "ooo"},
		{"all zero, two ways", Table{Counts: [][]int{{0, 0}, {0, 0}}, MinCount: 5, RowsAdd: true, ColsAdd: true}, "oo oo"},
		{"nothing small", Table{Counts: [][]int{{5, 12, 30}}, MinCount: 5, RowsAdd: true}, "ooo"},
		{"one small cell, row adds up: the smallest other is hidden", Table{Counts: [][]int{{3, 10, 20}}, MinCount: 5, RowsAdd: true}, "fxo"},
		{"one small cell, row does not add up", Table{Counts: [][]int{{3, 10, 20}}, MinCount: 5}, "foo"},
		{"zeros stay shown and are never chosen", Table{Counts: [][]int{{0, 3, 12, 30}}, MinCount: 5, RowsAdd: true}, "ofxo"},
		{"small cell beside zeros only: the total gives it away, so the row goes", Table{Counts: [][]int{{3, 0, 0}}, MinCount: 5, RowsAdd: true}, "mmm"},
		{"two small cells protect each other", Table{Counts: [][]int{{2, 3, 40}}, MinCount: 5, RowsAdd: true}, "ffo"},
		{"two small cells that must both be 4", Table{Counts: [][]int{{4, 4, 9, 30}}, MinCount: 5, RowsAdd: true}, "ffxo"},
		{"a secondary cell bounded by the smallest shown one", Table{Counts: [][]int{{1, 5, 5}}, MinCount: 5, RowsAdd: true}, "mmm"},
		{"MinCount 2: \"fewer than 2\" is 1, so a row that adds up goes", Table{Counts: [][]int{{1, 2, 9}}, MinCount: 2, RowsAdd: true}, "mmm"},
		{"MinCount 2, row does not add up", Table{Counts: [][]int{{1, 2, 9}}, MinCount: 2}, "foo"},
		{"rows and columns both add up", Table{Counts: [][]int{{3, 20}, {20, 20}}, MinCount: 5, RowsAdd: true, ColsAdd: true}, "fx xx"},
		{"a masked row is given away by its columns", Table{Counts: [][]int{{10, 20}, {30, 40}}, MinCount: 5, RowsAdd: true, ColsAdd: true, MaskRows: []bool{false, true}}, "xx mm"},
		{"a masked column in rows that do not add up", Table{Counts: [][]int{{10, 3}, {30, 40}}, MinCount: 5, MaskCols: []bool{true}}, "mf mo"},
		{"masks longer than the table", Table{Counts: [][]int{{10, 20}}, MinCount: 5, RowsAdd: true, MaskRows: []bool{false, false, true}, MaskCols: []bool{false, false, true}}, "oo"},
		{"ragged rows", Table{Counts: [][]int{{3, 20, 7}, {20}}, MinCount: 5, RowsAdd: true, ColsAdd: true}, "fom m"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := make([][]int, len(c.table.Counts))
			for i, row := range c.table.Counts {
				before[i] = slices.Clone(row)
			}
			got := Apply(c.table)
			if want := states(t, c.want); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("Apply(%v) = %v, want %v", c.table.Counts, got, want)
			}
			if !slices.EqualFunc(before, c.table.Counts, slices.Equal) {
				t.Errorf("Apply changed the counts to %v", c.table.Counts)
			}
		})
	}
}

// TestApplyNothingWorkedOut checks the rule on random tables by brute
// force: in every row (and, for breakdowns, column) that adds up, no
// hidden count can be worked out exactly from the counts shown, the
// total and what the words say ("fewer than k": 1 to k-1; "not shown"
// for the smallest other: at least k).
func TestApplyNothingWorkedOut(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const k = 5
	seen := map[State]int{}
	for trial := range 3000 {
		rows, cols := 1, 2+rng.IntN(5)
		rowsAdd, colsAdd := rng.IntN(4) != 0, false
		if trial%2 == 1 {
			rows, colsAdd = 2+rng.IntN(3), true
		}
		n := make([][]int, rows)
		for r := range n {
			n[r] = make([]int, cols)
			for c := range n[r] {
				switch rng.IntN(4) {
				case 0:
				case 1:
					n[r][c] = 1 + rng.IntN(k-1)
				default:
					n[r][c] = rng.IntN(25)
				}
			}
		}
		var maskRows []bool
		if colsAdd && rng.IntN(3) == 0 {
			maskRows = make([]bool, rows)
			maskRows[rng.IntN(rows)] = true
		}
		st := Apply(Table{Counts: n, MinCount: k, RowsAdd: rowsAdd, ColsAdd: colsAdd, MaskRows: maskRows})
		for _, row := range st {
			for _, s := range row {
				seen[s]++
			}
		}
		var lines [][][2]int
		if rowsAdd {
			for r := range rows {
				var l [][2]int
				for c := range cols {
					l = append(l, [2]int{r, c})
				}
				lines = append(lines, l)
			}
		}
		if colsAdd {
			for c := range cols {
				var l [][2]int
				for r := range rows {
					l = append(l, [2]int{r, c})
				}
				lines = append(lines, l)
			}
		}
		for r := range rows {
			for c := range cols {
				switch st[r][c] {
				case Shown:
					if n[r][c] > 0 && n[r][c] < k {
						t.Fatalf("trial %d: small count %d shown: %v %v", trial, n[r][c], n, st)
					}
				case Secondary:
					if n[r][c] < k {
						t.Fatalf("trial %d: count %d hidden as not small", trial, n[r][c])
					}
				}
			}
		}
		for _, l := range lines {
			if w, ok := solvable(n, st, l, k); ok {
				t.Fatalf("trial %d: hidden cell %v of %v (states %v) can be worked out from its line", trial, w, n, st)
			}
		}
	}
	if seen[Small] == 0 || seen[Secondary] == 0 || seen[Masked] == 0 {
		t.Errorf("the random tables did not try every state: %v", seen)
	}
}

// solvable reports whether a hidden cell of line l has only one value
// that fits the line's total and what the reader knows of each cell,
// by listing the sums the other hidden cells can make.
func solvable(n [][]int, st [][]State, l [][2]int, k int) ([2]int, bool) {
	if allMasked(st, l) {
		return [2]int{}, false
	}
	total, shown := 0, 0
	var hidden [][2]int
	for _, p := range l {
		total += n[p[0]][p[1]]
		if st[p[0]][p[1]] == Shown {
			shown += n[p[0]][p[1]]
		} else {
			hidden = append(hidden, p)
		}
	}
	rest := total - shown
	known := func(p [2]int) (lo, hi int) {
		switch st[p[0]][p[1]] {
		case Small:
			return 1, k - 1
		case Secondary:
			return k, rest
		}
		return 0, rest
	}
	for i, p := range hidden {
		reach := make([]bool, rest+1) // sums the other hidden cells can make
		reach[0] = true
		for j, o := range hidden {
			if j == i {
				continue
			}
			lo, hi := known(o)
			next := make([]bool, rest+1)
			for s, ok := range reach {
				for v := lo; ok && v <= hi && s+v <= rest; v++ {
					next[s+v] = true
				}
			}
			reach = next
		}
		lo, hi := known(p)
		values := 0
		for v := lo; v <= min(hi, rest); v++ {
			if reach[rest-v] {
				values++
			}
		}
		if values < 2 {
			return p, true
		}
	}
	return [2]int{}, false
}

func allMasked(st [][]State, l [][2]int) bool {
	return !slices.ContainsFunc(l, func(p [2]int) bool { return st[p[0]][p[1]] != Masked })
}

// FuzzApply: whatever the counts, Apply returns without panicking, one
// state per cell, and never shows a small count.
func FuzzApply(f *testing.F) {
	f.Add([]byte{3, 10, 20, 0}, uint8(3), uint8(5), true, true)
	f.Add([]byte{0, 0, 0}, uint8(1), uint8(2), true, false)
	f.Fuzz(func(t *testing.T, data []byte, width, minCount uint8, rowsAdd, colsAdd bool) {
		if len(data) > 64 {
			return
		}
		w := max(int(width%8), 1)
		var counts [][]int
		for i := 0; i < len(data); i += w {
			row := []int{}
			for _, b := range data[i:min(i+w, len(data))] {
				row = append(row, int(b%40))
			}
			counts = append(counts, row)
		}
		st := Apply(Table{Counts: counts, MinCount: int(minCount % 12), RowsAdd: rowsAdd, ColsAdd: colsAdd})
		for r, row := range counts {
			if len(st[r]) != len(row) {
				t.Fatalf("row %d: %d states for %d counts", r, len(st[r]), len(row))
			}
			for c, v := range row {
				if v > 0 && v < int(minCount%12) && st[r][c] == Shown {
					t.Fatalf("small count %d shown in %v: %v", v, counts, st)
				}
			}
		}
	})
}
