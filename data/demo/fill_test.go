package demo_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"chorus/data/batch"
	"chorus/data/central"
	"chorus/data/demo"
	"chorus/data/store/storetest"
	"chorus/data/survey"
)

var ctx = context.Background()

func TestDemoFill(t *testing.T) {
	key := storetest.NewKey(t, false)
	real := storetest.NewDevice(t, key.Recipients, false)
	body, _ := os.ReadFile(storetest.SurveyFile)
	if _, err := demo.Fill(ctx, real.Store, real.Survey, body, 10, 1); !errors.Is(err, demo.ErrNotDemo) {
		t.Fatalf("demo-fill of a real folder = %v, want ErrNotDemo", err)
	}
	if c, _ := real.Store.Counts(ctx); c.Responses != 0 {
		t.Fatal("demo-fill wrote into a real folder")
	}

	dev := storetest.NewDevice(t, key.Recipients, true)
	res, err := demo.Fill(ctx, dev.Store, dev.Survey, body, 600, 7)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := dev.Store.Counts(ctx)
	if c.Responses != res.Responses || res.Responses < 500 || res.Declined == 0 || res.WithdrawnHere == 0 {
		t.Errorf("demo-fill result %+v, store counts %+v", res, c)
	}
	path := dev.Export(t.TempDir())
	b, err := batch.Read(path, key.Identities, batch.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	seen := map[string]bool{}
	err = b.Responses(func(r batch.Response) error {
		seen["mode:"+r.Mode] = true
		seen["lang:"+r.Language] = true
		seen["status:"+r.Status] = true
		seen["venue:"+r.Venue] = true
		if r.InterpreterLanguage != "" {
			seen["interpreter"] = true
		}
		if _, err := central.OpenResponse(key.Identities, &r, dev.Survey); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b.Consents(func(c batch.Consent) error { seen["how:"+c.HowGiven] = true; return nil })
	for _, want := range []string{"mode:self", "mode:assisted", "mode:worker", "lang:en", "lang:cy", "status:complete",
		"status:partial", "interpreter", "how:tap", "how:verbal"} {
		if !seen[want] {
			t.Errorf("demo data has no %s (saw %v)", want, seen)
		}
	}
	// Every question type is answered somewhere.
	types := map[survey.Type]bool{}
	b.Responses(func(r batch.Response) error {
		ans, _ := central.OpenResponse(key.Identities, &r, dev.Survey)
		for _, q := range dev.Survey.Questions {
			if bytes.Contains(ans, []byte(`"`+q.ID+`":`)) {
				types[q.Type] = true
			}
		}
		return nil
	})
	for _, ty := range []survey.Type{survey.Single, survey.Multi, survey.Faces4, survey.Scale5, survey.YesNo, survey.Free, survey.Number} {
		if !types[ty] {
			t.Errorf("no %s question answered in demo data", ty)
		}
	}

	// A second fill withdraws some exported responses: queued withdrawals.
	res, err = demo.Fill(ctx, dev.Store, dev.Survey, body, 200, 8)
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := dev.Store.Unexported(ctx); res.WithdrawnQueued == 0 || u.Withdrawals != int64(res.WithdrawnQueued) {
		t.Errorf("second fill %+v, unexported %+v: want queued withdrawals", res, u)
	}
}
