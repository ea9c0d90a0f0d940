package store_test

import (
	"errors"
	"os"
	"testing"

	"chorus/assets"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/store/storetest"
	"chorus/data/survey"
)

// TestRealFolderRefusesTheDemoKey is issue 14 item 11 at the store: the
// demo analyst key's private key ships with Chorus, so a real data folder
// is never set up with it (alone or beside the analyst's own key) nor
// given it later, with a message that says why; the folder stays not set
// up. A demo folder keeps using it.
func TestRealFolderRefusesTheDemoKey(t *testing.T) {
	demo, err := seal.ParseRecipients(assets.DemoRecipient())
	if err != nil {
		t.Fatal(err)
	}
	analyst := storetest.NewKey(t, false)
	body, err := os.ReadFile(storetest.SurveyFile)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := survey.Parse("alltypes.json", body)
	if err != nil {
		t.Fatal(err)
	}
	setup := func(rs []seal.Recipient, isDemo bool) (*store.Store, error) {
		st, err := store.Open(t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		_, err = st.Setup(ctx, store.SetupInput{DeviceName: "Library laptop 3", CoordinatorName: "Asha", PIN: "480215",
			Recipients: rs, Survey: sv, SurveyBody: body}, isDemo)
		return st, err
	}
	want := "this is the published demo key; anyone can read data sealed to it; use your analyst's key"
	for name, rs := range map[string][]seal.Recipient{
		"demo key":               demo,
		"demo key as escrow key": {analyst.Recipients[0], demo[0]},
	} {
		st, err := setup(rs, false)
		if !errors.Is(err, store.ErrDemoKey) || err.Error() != want {
			t.Errorf("real setup with the %s = %v, want %q", name, err, want)
		}
		if ok, _ := st.IsSetUp(ctx); ok {
			t.Errorf("real setup with the %s: the folder is set up", name)
		}
		if _, err := st.Device(); !errors.Is(err, store.ErrNoDevice) {
			t.Errorf("real setup with the %s made a device (%v)", name, err)
		}
	}
	st, err := setup(analyst.Recipients, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetRecipients(demo); !errors.Is(err, store.ErrDemoKey) {
		t.Errorf("giving a real folder the demo key later = %v, want ErrDemoKey", err)
	}
	if rs, _ := st.Recipients(); len(rs) != 1 || rs[0].Text != analyst.Recipient {
		t.Errorf("the real folder's keys are now %v", rs)
	}
	if _, err := setup(demo, true); err != nil {
		t.Errorf("demo setup with the demo key: %v", err)
	}
}
