package report

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestReportTextContrast computes the WCAG contrast of every text colour in
// the report's style sheet (and its chart text) against the backgrounds text
// is drawn on: at least 7:1 (AAA), so it also prints legibly.
func TestReportTextContrast(t *testing.T) {
	css, err := os.ReadFile("report.html.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	colours := regexp.MustCompile(`(?:[^-]color|fill):\s*(#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b)`).FindAllStringSubmatch(string(css), -1)
	if len(colours) < 5 {
		t.Fatalf("found only %d text colours in the style sheet", len(colours))
	}
	backgrounds := []string{"#ffffff", "#f5f5f5"}
	for _, m := range colours {
		fg := m[1]
		if fg == "#F0E442" || fg == "#0072B2" {
			continue // face fill and bars: shapes, not text
		}
		if len(fg) == 4 { // #abc is #aabbcc
			fg = "#" + string([]byte{fg[1], fg[1], fg[2], fg[2], fg[3], fg[3]})
		}
		for _, bg := range backgrounds {
			if c := contrastRatio(fg, bg); c < 7 {
				t.Errorf("text %s on %s is %.2f:1, want at least 7:1", fg, bg, c)
			}
		}
	}
}

func contrastRatio(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	ch := func(i int) float64 {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(0) + 0.7152*ch(1) + 0.0722*ch(2)
}
