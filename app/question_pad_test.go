package app

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"chorus/data/survey"
	"chorus/data/survey/xlsform"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"
)

// padForm imports an XLSForm with an open whole number, a decimal and a
// date, and returns the survey file's path.
func padForm(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "survey")
	for i, r := range [][]any{
		{"type", "name", "label::English (en)", "label::Arabic (ar)"},
		{"integer", "children", "How many children live with you?", "كم طفلا يعيش معك؟"},
		{"decimal", "change", "How much did the price change?", "كم تغير السعر؟"},
		{"date", "moved", "When did you move here?", "متى انتقلت إلى هنا؟"},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("survey", cell, &r)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	res, err := xlsform.Import("pads.xlsx", b.Bytes(), xlsform.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pads.json")
	if err := os.WriteFile(path, res.JSON, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A number, a decimal and a date answered by taps alone, on the pads, in
// English and in Arabic: the pad has what each question allows (a point
// for the decimal, a minus sign where the number may be below zero, the
// date's dashes put in), delete takes back the last tap, and the sealed
// answers are the ones tapped.
func TestPadsByTapsOnly(t *testing.T) {
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			r := newRig(t, padForm(t))
			k := r.k
			test.Tap(k.welcome.langs[lang])
			test.Tap(k.consent.agree)

			s := r.onQuestion(t, "children")
			p := s.keys.pad
			if p == nil || s.keys.kb != nil {
				t.Fatal("an open number question has no number pad")
			}
			if p.point != nil || p.minus == nil || p.inc != nil {
				t.Errorf("open whole number: point %v, minus %v, steps %v; want a minus sign only", p.point != nil, p.minus != nil, p.inc != nil)
			}
			test.Tap(p.digits[1])
			test.Tap(p.digits[7])
			test.Tap(p.back)
			test.Tap(p.digits[2])
			if s.entry.Text != "12" {
				t.Errorf("1, 7, ⌫, 2: box %q, want 12", s.entry.Text)
			}
			test.Tap(s.next)

			s = r.onQuestion(t, "change")
			p = s.keys.pad
			if p == nil || p.point == nil || p.minus == nil {
				t.Fatal("a decimal question has no pad with a point and a minus sign")
			}
			for _, key := range []*keyCap{p.minus, p.digits[2], p.point, p.digits[5]} {
				test.Tap(key)
			}
			if s.entry.Text != "-2.5" {
				t.Errorf("-, 2, ., 5: box %q, want -2.5", s.entry.Text)
			}
			test.Tap(s.next)

			s = r.onQuestion(t, "moved")
			p = s.keys.pad
			if p == nil || p.point != nil || p.minus != nil {
				t.Fatal("a date question has no pad of digits")
			}
			for _, d := range []int{2, 0, 1, 9, 0, 3, 1, 5} {
				test.Tap(p.digits[d])
				if d == 9 && s.entry.Text != "2019" {
					t.Errorf("after four digits: %q", s.entry.Text)
				}
			}
			if s.entry.Text != "2019-03-15" {
				t.Errorf("2, 0, 1, 9, 0, 3, 1, 5: box %q, want 2019-03-15", s.entry.Text)
			}
			test.Tap(p.back)
			test.Tap(p.back)
			if s.entry.Text != "2019-03" {
				t.Errorf("⌫ twice: box %q, want 2019-03 (the dash goes with its digit)", s.entry.Text)
			}
			test.Tap(p.digits[3])
			test.Tap(p.digits[0])
			test.Tap(p.digits[9]) // a ninth digit is not taken
			test.Tap(s.next)

			test.Tap(k.review.submit)
			waitFor(t, "the thank-you screen", func() bool { return k.thanks != nil })
			want := survey.Answers{"children": {Number: ptr(12)}, "change": {Text: "-2.5"}, "moved": {Text: "2019-03-30"}}
			if got := openOnly(t, r.st).Answers; !reflect.DeepEqual(got, want) {
				t.Errorf("sealed answers\n%v\nwant\n%v", got, want)
			}
		})
	}
}

// At the largest text on a 1024x768 screen the pad folds into two rows
// (1-5 and delete, 6-0 and the point), so that on the real screen the date
// box and every key fit together between the header and the buttons (seen
// in screenshots: with four rows, the 0 key lay under the buttons in
// Arabic); at normal text it keeps the phone's four rows.
func TestPadRowsAtLargestText(t *testing.T) {
	for _, tc := range []struct {
		scale float32
		rows  int
	}{{1, 4}, {2, 2}} {
		r := newRig(t, padForm(t))
		k := r.k
		size := fyne.NewSize(1024, 768)
		r.win.Resize(size)
		test.Tap(k.welcome.langs["ar"])
		k.display.setScale(tc.scale)
		test.Tap(k.consent.agree)
		k.goTo(1)
		s := r.onQuestion(t, "change")
		settleLayout(r.win, size)
		p := s.keys.pad
		if p == nil {
			t.Fatal("no pad")
		}
		ys := map[float32]bool{}
		for _, key := range append(p.digits[:], p.back, p.point, p.minus) {
			at, ok := positionIn(p.root, key)
			if !ok {
				t.Fatalf("at %v%%: a key is not on the pad", tc.scale*100)
			}
			ys[at.Y] = true
		}
		if len(ys) != tc.rows {
			t.Errorf("at %v%%: the keys are in %d rows, want %d", tc.scale*100, len(ys), tc.rows)
		}
	}
}

// today() in a constraint is the kiosk's own clock's date (24 November 2026
// in these tests), not the machine's.
func TestTodayIsTheKiosksClock(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "survey")
	for i, r := range [][]any{
		{"type", "name", "label::English (en)", "constraint", "constraint_message::English (en)"},
		{"date", "moved", "When did you move here?", ". <= today()", "That date has not come yet."},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("survey", cell, &r)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	res, err := xlsform.Import("today.xlsx", b.Bytes(), xlsform.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "today.json")
	if err := os.WriteFile(path, res.JSON, 0o644); err != nil {
		t.Fatal(err)
	}
	r := newRig(t, path)
	k := r.k
	test.Tap(k.welcome.langs["en"])
	test.Tap(k.consent.agree)
	s := r.onQuestion(t, "moved")
	s.entry.SetText("2026-11-30")
	test.Tap(s.next)
	r.onQuestion(t, "moved")
	if !s.message.Visible() || s.message.Text != "That date has not come yet." {
		t.Errorf("a date after the kiosk's today: message %q (shown %v)", s.message.Text, s.message.Visible())
	}
	s.entry.SetText("2026-11-20")
	test.Tap(s.next)
	if k.review == nil {
		t.Error("a date before the kiosk's today is refused")
	}
}
