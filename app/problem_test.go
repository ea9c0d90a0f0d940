package app

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"chorus/data/batch"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/translations"

	"fyne.io/fyne/v2/test"
)

// Every error staff can meet reaches them in plain, translated words, with
// the field it is about; only an error nobody foresaw shows its own text.
func TestProblemsInPlainWords(t *testing.T) {
	cat, _ := LoadCatalog(translations.FS())
	for _, lang := range []string{"en", "cy", "ar"} {
		l := cat.Localizer(lang)
		for _, c := range []struct {
			err  error
			want string
		}{
			{fmt.Errorf("export: %w", batch.ErrDiskFull), l.T("staff.disk_full")},
			{seal.ErrWeakPIN, l.T("staff.weak_pin")},
			{store.ErrDemoKey, l.T("problem.demo_key")},
			{&store.FieldError{Field: store.FieldVenue, Err: store.ErrNameEmpty}, l.T("staff.venue") + ": " + l.T("problem.name_empty")},
			{fmt.Errorf("setup: %w", &store.FieldError{Field: store.FieldDeviceName, Err: store.ErrNameTooLong}), l.T("setup.device") + ": " + l.T("problem.name_too_long")},
			{errors.New("disk I/O error"), l.T("problem.other", map[string]any{"Err": "disk I/O error"})},
		} {
			if got := l.problem(c.err); got != c.want {
				t.Errorf("%s: %v gives %q, want %q", lang, c.err, got, c.want)
			}
		}
	}
}

// A session with no venue typed is refused in words a worker understands,
// not the store's "venue: the name is empty".
func TestOpeningASessionWithNoVenueSaysWhatToDo(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	h := r.sh.home
	test.Tap(h.open)
	want := h.l.T("staff.venue") + ": " + h.l.T("problem.name_empty")
	if h.sessionMsg.Text != want || strings.Contains(h.sessionMsg.Text, "the name is empty") {
		t.Fatalf("an empty venue says %q, want %q", h.sessionMsg.Text, want)
	}
	if r.sh.session != nil {
		t.Fatal("a session opened with no venue")
	}
}
