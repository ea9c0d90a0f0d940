package xlsform

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestMeasureForms imports every .xlsx in the folder named by
// CHORUS_XLSFORMS (forms that are not in testdata, such as the CHT and WHO
// forms the figures were measured on) and prints each form's
// figures, the total, and the report's reasons by how often they occur.
// It is skipped without CHORUS_XLSFORMS.
//
//	CHORUS_XLSFORMS=/path/to/forms go test -run MeasureForms -v ./data/survey/xlsform
func TestMeasureForms(t *testing.T) {
	dir := os.Getenv("CHORUS_XLSFORMS")
	if dir == "" {
		t.Skip("set CHORUS_XLSFORMS to a folder of .xlsx forms")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.xlsx"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .xlsx in %s (%v)", dir, err)
	}
	slices.Sort(files)
	var total Figures
	reasons := map[string]int{}
	quoted := regexp.MustCompile(`"[^"]*"|\$\{[^}]*\}|\([^)]*\)|\d+`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Import(filepath.Base(f), data, Options{})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		g := res.Report.Figures
		fmt.Printf("%-32s questions %3d/%3d (%s), asked %3d/%3d (%s)  relevant %3d/%3d (%s)  calculations used %d/%d\n", filepath.Base(f),
			g.Mapped, g.Questions, pct(g.Mapped, g.Questions), g.Mapped, g.Questions-g.Calculations, pct(g.Mapped, g.Questions-g.Calculations),
			g.RelevantMapped, g.Relevant, pct(g.RelevantMapped, g.Relevant), g.CalculationsUsed, g.Calculations)
		total.Questions += g.Questions
		total.Calculations += g.Calculations
		total.CalculationsUsed += g.CalculationsUsed
		total.Mapped += g.Mapped
		total.Relevant += g.Relevant
		total.RelevantMapped += g.RelevantMapped
		for _, it := range res.Report.Items {
			if it.Row == 0 {
				continue
			}
			msg := it.Msg
			if i := strings.Index(msg, ": "); i >= 0 && !strings.HasPrefix(msg, "relevant") {
				msg = msg[i+2:]
			}
			reasons[quoted.ReplaceAllString(msg, "_")]++
		}
	}
	g := total
	fmt.Printf("%-32s questions %3d/%3d (%s), asked %3d/%3d (%s)  relevant %3d/%3d (%s)  calculations used %d/%d\n", "all",
		g.Mapped, g.Questions, pct(g.Mapped, g.Questions), g.Mapped, g.Questions-g.Calculations, pct(g.Mapped, g.Questions-g.Calculations),
		g.RelevantMapped, g.Relevant, pct(g.RelevantMapped, g.Relevant), g.CalculationsUsed, g.Calculations)
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return reasons[b] - reasons[a] })
	for _, k := range keys {
		fmt.Printf("%4d  %s\n", reasons[k], k)
	}
}
