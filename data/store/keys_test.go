package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"chorus/assets"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/store/storetest"
)

// TestChangeRecipients: after a replacement new responses are sealed to
// the new key only, while those saved before stay sealed to the old key
// only; adding a key keeps the old; the demo key is refused on a real
// laptop and changes nothing; each change is audited with fingerprints.
func TestChangeRecipients(t *testing.T) {
	ctx := context.Background()
	oldKey, newKey, escrow := storetest.NewKey(t, false), storetest.NewKey(t, false), storetest.NewKey(t, true)
	d := storetest.NewDevice(t, oldKey.Recipients, false)
	d.Submit(1)

	demo, err := seal.ParseRecipients(assets.DemoRecipient())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Store.ChangeRecipients(ctx, "Asha Patel", demo, false); !errors.Is(err, store.ErrDemoKey) {
		t.Errorf("replacing with the demo key: %v, want ErrDemoKey", err)
	}
	if _, err := d.Store.ChangeRecipients(ctx, "Asha Patel", demo, true); !errors.Is(err, store.ErrDemoKey) {
		t.Errorf("adding the demo key: %v, want ErrDemoKey", err)
	}
	if _, err := d.Store.ChangeRecipients(ctx, "Asha Patel", oldKey.Recipients, false); !errors.Is(err, store.ErrSameRecipients) {
		t.Errorf("replacing with the same key: %v, want ErrSameRecipients", err)
	}
	if got, _ := d.Store.Recipients(); len(got) != 1 || got[0].Text != oldKey.Recipient {
		t.Fatalf("after refused changes the keys are %v", got)
	}

	next, err := d.Store.ChangeRecipients(ctx, "Asha Patel", newKey.Recipients, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := d.Store.Recipients(); len(got) != 1 || got[0].Text != newKey.Recipient || len(next) != 1 {
		t.Fatalf("after the replacement the keys are %v", got)
	}
	d.Keys = next // as the window reads them again
	d.Submit(1)
	resps, err := d.Store.Responses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(resps) != 2 {
		t.Fatalf("%d responses, want 2", len(resps))
	}
	for i, tc := range []struct{ opens, not storetest.Key }{{oldKey, newKey}, {newKey, oldKey}} {
		if _, err := seal.Open(tc.opens.Identities, resps[i].Sealed); err != nil {
			t.Errorf("response %d does not open with its key: %v", i+1, err)
		}
		if _, err := seal.Open(tc.not.Identities, resps[i].Sealed); err == nil {
			t.Errorf("response %d opens with the other key", i+1)
		}
	}

	next, err = d.Store.ChangeRecipients(ctx, "Asha Patel", escrow.Recipients, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(next) != 2 || next[0].Text != newKey.Recipient || next[1].Text != escrow.Recipient {
		t.Errorf("after adding, the keys are %v", next)
	}
	log, err := d.Store.AuditLog(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for _, e := range log {
		if e.Action == "keys.change" {
			changes = append(changes, e.Actor+": "+e.Detail)
		}
	}
	fp := func(k storetest.Key) string { return k.Recipients[0].Fingerprint() }
	want := []string{
		"Asha Patel: analyst keys added: were " + fp(newKey) + "; now " + fp(newKey) + " " + fp(escrow),
		"Asha Patel: analyst keys replaced: were " + fp(oldKey) + "; now " + fp(newKey),
	}
	if strings.Join(changes, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(changes, "\n"), strings.Join(want, "\n"))
	}
}
