package xlsform

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file asks a repeat as copies. A repeat with a repeat_count is asked
// as MaxCopies copies of its questions at most, one after another, each
// copy a group shown when the count reaches it; the participant never
// manages a list. Names in copy k get _k, so its questions are separate
// questions in the survey. A repeat without a count (the participant
// would choose how many) is left out.

// MaxCopies is the most copies of a repeat a survey asks.
const MaxCopies = 5

var refPattern = regexp.MustCompile(`\$\{([^}]*)\}`)

// expression columns, in which ${name} of a row in the repeat is the
// copy's own row.
var exprColumns = []string{"relevant", "constraint", "calculation", "choice_filter", "repeat_count", "required"}

// unroll gives the survey sheet's rows with each repeat that has a count
// written out as copies, every row with a key of its own.
func (im *importer) unroll(s *sheet) {
	if !s.has("relevant") {
		s.header = append(s.header, "relevant")
	}
	var out []row
	rows := s.rows
	for i := 0; i < len(rows); i++ {
		r := rows[i]
		typ := strings.ToLower(strings.Join(strings.Fields(s.get(r, "type")), " "))
		if typ != "begin repeat" && typ != "begin_repeat" {
			out = append(out, r)
			continue
		}
		end := repeatEnd(s, rows, i)
		count := s.get(r, "repeat_count")
		nested := false
		for _, x := range rows[i+1 : end] {
			t := strings.ToLower(strings.Join(strings.Fields(s.get(x, "type")), " "))
			nested = nested || t == "begin repeat" || t == "begin_repeat"
		}
		if count == "" || nested || end == len(rows) {
			out = append(out, rows[i:min(end+1, len(rows))]...)
			i = end
			continue
		}
		n := MaxCopies
		literal, err := strconv.Atoi(count)
		if err == nil {
			n = max(0, min(literal, MaxCopies))
		}
		im.copies[r.num] = n
		im.repeatRel[r.num] = s.get(r, "relevant") != ""
		names := map[string]bool{}
		for _, x := range rows[i+1 : end] {
			if nm := s.get(x, "name"); nm != "" {
				names[nm] = true
			}
		}
		for k := 1; k <= n; k++ {
			suffix := "_" + strconv.Itoa(k)
			for j := i; j <= end; j++ {
				c := row{num: rows[j].num, cells: slices.Clone(rows[j].cells), suffix: suffix, copy: k}
				for _, col := range exprColumns {
					s.set(&c, col, refPattern.ReplaceAllStringFunc(s.get(c, col), func(m string) string {
						if name := m[2 : len(m)-1]; names[name] {
							return "${" + name + suffix + "}"
						}
						return m
					}))
				}
				switch j {
				case i:
					s.set(&c, "type", "begin group")
					s.set(&c, "name", s.get(c, "name")+suffix)
					c.suffix = ""
					rel := s.get(c, "relevant")
					if err != nil {
						cond := "(" + count + ") >= " + strconv.Itoa(k)
						if rel != "" {
							cond = "(" + rel + ") and " + cond
						}
						rel = cond
					}
					s.set(&c, "relevant", rel)
				case end:
					s.set(&c, "type", "end group")
				}
				out = append(out, c)
			}
		}
		i = end
	}
	for i := range out {
		out[i].key = i + 1
	}
	s.rows = out
}

// repeatEnd finds the row that ends the repeat begun at rows[i], or
// len(rows).
func repeatEnd(s *sheet, rows []row, i int) int {
	depth := 0
	for j := i; j < len(rows); j++ {
		switch strings.ToLower(strings.Join(strings.Fields(s.get(rows[j], "type")), " ")) {
		case "begin group", "begin_group", "begin repeat", "begin_repeat":
			depth++
		case "end group", "end_group", "end repeat", "end_repeat":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(rows)
}
