package app

import (
	"context"
	"strings"
	"testing"

	"chorus/assets"
	"chorus/data/seal"
	"chorus/data/store/storetest"

	"fyne.io/fyne/v2/test"
)

// TestCoordinatorReplacesKey: on the Export tab the coordinator pastes a
// new analyst key; the demo key is refused, the new key's fingerprint is
// shown and must be confirmed, the question says that answers already
// saved stay sealed to the old key, and after the change the audit has it
// and a response submitted afterwards opens with the new identity and not
// the old one, while the one saved before still opens with the old.
func TestCoordinatorReplacesKey(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	submit := func() {
		t.Helper()
		r.sh.showKiosk(Visit{})
		answerAll(t, r.sh.kiosk, "en")
		test.Tap(r.sh.kiosk.thanks.finish)
	}
	submit()
	if err := r.signIn(t, "Asha Patel", "480215"); err != nil {
		t.Fatal(err)
	}
	c := r.sh.home.coord
	k, l := c.keys, c.l

	k.key.SetText(strings.TrimSpace(assets.DemoRecipient()))
	k.confirm.SetChecked(true)
	r.sh.confirming = nil
	test.Tap(k.replace)
	if want := l.T("problem.demo_key"); k.msg.Text != want || k.fp.Text != want || r.sh.confirming != nil {
		t.Errorf("demo key: says %q, shows %q, asked %v; want %q", k.msg.Text, k.fp.Text, r.sh.confirming != nil, want)
	}

	next := storetest.NewKey(t, false)
	k.key.SetText(next.Recipient)
	fp := next.Recipients[0].Fingerprint()
	if !strings.Contains(k.fp.Text, fp) || k.confirm.Checked {
		t.Fatalf("new key: shows %q (confirmed %v), want its fingerprint %s, unconfirmed", k.fp.Text, k.confirm.Checked, fp)
	}
	test.Tap(k.replace)
	if k.msg.Text != l.T("setup.confirm_needed") || r.sh.confirming != nil {
		t.Errorf("unconfirmed: %q", k.msg.Text)
	}
	test.Tap(k.confirm)
	test.Tap(k.replace)
	if r.sh.confirming == nil || r.sh.confirming.msg != l.T("staff.keys_confirm_replace", map[string]any{"Fingerprints": fp}) {
		t.Fatalf("no question, or not the one that warns about the old key: %+v", r.sh.confirming)
	}
	test.Tap(r.sh.confirming.yes)
	want := l.T("staff.keys_done", map[string]any{"Fingerprints": fp})
	waitFor(t, "the change", func() bool { return k.msg.Text != "" })
	if k.msg.Text != want {
		t.Fatalf("after the change: %q, want %q", k.msg.Text, want)
	}
	log, err := r.st.AuditLog(context.Background(), 3)
	if err != nil {
		t.Fatal(err)
	}
	if log[0].Action != "keys.change" || log[0].Actor != "Asha Patel" || !strings.Contains(log[0].Detail, fp) {
		t.Errorf("audit: %+v", log[0])
	}

	r.signOut(t)
	submit()
	rs, err := r.st.Responses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("%d responses, want 2", len(rs))
	}
	before, after := rs[0].Sealed, rs[1].Sealed
	if _, err := seal.Open(next.Identities, after); err != nil {
		t.Errorf("the response after the change does not open with the new key: %v", err)
	}
	if _, err := seal.Open(r.key.Identities, after); err == nil {
		t.Error("the response after the change opens with the old key")
	}
	if _, err := seal.Open(r.key.Identities, before); err != nil {
		t.Errorf("the response before the change does not open with the old key: %v", err)
	}
}
