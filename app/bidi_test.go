package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"chorus/translations"
)

// TestBidiVisualOrder checks right-to-left lines against the visual order
// the Unicode Bidirectional Algorithm gives (paragraph level 1). Each want
// is written left to right as it appears on screen, except that a run of
// Arabic-script letters (with the spaces between its words) is kept in
// logical order, because Fyne shapes such a run right to left itself.
// Neutrals between runs are reversed and brackets mirrored (rule L4).
func TestBidiVisualOrder(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"pure Arabic", "مرحبا بكم", "مرحبا بكم"},
		{"Arabic then digits", "مرحبا 123", "123 مرحبا"},
		{"Latin name inside Arabic", "استخدم NHS App الآن", "الآن NHS App استخدم"},
		{"brackets around Arabic", "(نعم) لا", "لا (نعم)"},
		{"brackets around a Latin word", "خدمات الصحة (NHS) والرعاية", "والرعاية (NHS) خدمات الصحة"},
		{"sentence with a full stop", "المشاركة باختيارك.", ".المشاركة باختيارك"},
		{"number of minutes", "يستغرق ذلك حوالي 5 دقائق.", ".دقائق 5 يستغرق ذلك حوالي"},
		{"Urdu receipt code after a colon", "آپ کا کوڈ: 7KQ2M-X9D4R ہے", "ہے 7KQ2M-X9D4R :آپ کا کوڈ"},
		{"Urdu age with digits in brackets", "عمر (18 سال) ہے", "ہے (سال 18) عمر"},
		{"Urdu question mark stays in the run", "کیا آپ کے پاس فون ہے؟", "کیا آپ کے پاس فون ہے؟"},
		{"Urdu full stop between sentences", "چاہتی ہیں۔ ان سب", "چاہتی ہیں۔ ان سب"},
		{"Arabic comma (class CS, a neutral)", "نعم، سأشارك", "سأشارك ،نعم"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := strings.ReplaceAll(visualLine(c.in), lrm, "")
			if got != c.want {
				t.Errorf("visualLine(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestLeftToRightTextIsLeftAlone(t *testing.T) {
	en := Language{Tag: "en", Dir: "ltr"}
	for _, s := range []string{"Question 3 of 12", "Ffôn clyfar (ffôn gydag apiau)", "简体中文 (测试) 123"} {
		if got := visual(en, s); got != s {
			t.Errorf("visual(en, %q) = %q", s, got)
		}
	}
}

// TestWrapRTLKeepsReadingOrder: a long right-to-left paragraph is broken
// into lines in reading order (the first words on the first line), each
// line no wider than asked, and only then put in visual order.
func TestWrapRTLKeepsReadingOrder(t *testing.T) {
	test.NewTempApp(t)
	words := strings.Fields("الأولى ثانية ثالثة رابعة خامسة سادسة سابعة ثامنة تاسعة عاشرة أخيرة")
	text := strings.Join(words, " ")
	style := fyne.TextStyle{}
	width := fyne.MeasureText(strings.Join(words[:4], " "), 20, style).Width + 1
	lines := strings.Split(wrapRTL(text, 20, style, width), "\n")
	if len(lines) < 2 {
		t.Fatalf("not wrapped: %q", lines)
	}
	if !strings.Contains(lines[0], words[0]) || strings.Contains(lines[0], words[len(words)-1]) {
		t.Errorf("first line %q does not start the paragraph", lines[0])
	}
	for _, l := range lines {
		if w := fyne.MeasureText(strings.ReplaceAll(l, lrm, ""), 20, style).Width; w > width {
			t.Errorf("line %q is %.0f wide, more than %.0f", l, w, width)
		}
	}
	if got := strings.Join(strings.Fields(strings.Join(lines, " ")), " "); got != text {
		t.Errorf("words lost or reordered in wrapping: %q", got)
	}
}

// TestDatesReadInOrderRightToLeft: a date in Arabic or Urdu text (the date
// question's hint and error) keeps its year, month and day in order. x/text
// split "2001-02-28" at its dashes and the parts came out reversed:
// "28-02-2001".
func TestDatesReadInOrderRightToLeft(t *testing.T) {
	cat, problems := LoadCatalog(translations.FS())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	for _, tag := range []string{"ar", "ur"} {
		l := cat.Localizer(tag)
		for _, key := range []string{"question.date_help", "question.date_bad"} {
			text := l.T(key)
			if !strings.Contains(text, "2001-02-28") {
				t.Fatalf("%s %s has no example date: %q", tag, key, text)
			}
			got := visualLine(text)
			if !strings.Contains(got, "2001-02-28") || strings.ContainsAny(got, "\u2066\u2067\u2068\u2069") {
				t.Errorf("%s %s drawn as %q", tag, key, got)
			}
		}
	}
	if got := visualLine("الساعة 10:30 اليوم"); !strings.Contains(got, "10:30") {
		t.Errorf("a time drawn as %q", got)
	}
}
