package fonts

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-text/typesetting/font"
)

// TestFontsParse checks that every embedded font parses as Fyne parses it
// and has the characters it is there for, in regular and bold.
func TestFontsParse(t *testing.T) {
	has := func(t *testing.T, name string, data []byte, text string) {
		t.Helper()
		f, err := font.ParseTTF(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, r := range text {
			if _, ok := f.NominalGlyph(r); !ok {
				t.Errorf("%s: no glyph for %U %q", name, r, r)
			}
		}
	}
	all := "العربية اردو ےہ ਪੰਜਾਬੀ বাংলা ગુજરાતી 简体中文，。"
	has(t, "ChorusSans-Regular.ttf", SansRegular, all)
	has(t, "ChorusSans-Bold.ttf", SansBold, all)
	for family, text := range map[string]string{
		"NotoSansArabic":   "العربية اردو ےہ",
		"NotoSansGurmukhi": "ਪੰਜਾਬੀ",
		"NotoSansBengali":  "বাংলা",
		"NotoSansGujarati": "ગુજરાતી",
	} {
		r, b, err := Script(family)
		if err != nil {
			t.Fatal(err)
		}
		has(t, r.Name, r.Data, text)
		has(t, b.Name, b.Data, text)
	}
	if !strings.Contains(License, "SIL OPEN FONT LICENSE Version 1.1") {
		t.Error("License is not the OFL 1.1")
	}
}

// TestScriptUnknownFamily checks the error for a family that is not there.
func TestScriptUnknownFamily(t *testing.T) {
	_, _, err := Script("NotoSansTamil")
	if err == nil || !strings.Contains(err.Error(), `"NotoSansTamil"`) || !strings.Contains(err.Error(), "NotoSansArabic") {
		t.Fatalf("err = %v, want one naming the family and those there are", err)
	}
}
