package batch_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"chorus/data/batch"
	"chorus/data/seal"

	"filippo.io/age"
)

// testKey is an analyst key pair. The tests of this package make their
// keys and batches themselves, so that they import nothing above package
// batch (package storetest uses the device's store).
type testKey struct {
	Identities []age.Identity
	Recipients []seal.Recipient
}

func newKey(t testing.TB) testKey {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	ids, err := seal.ParseIdentities(id.String())
	if err != nil {
		t.Fatal(err)
	}
	rs, err := seal.ParseRecipients(id.Recipient().String())
	if err != nil {
		t.Fatal(err)
	}
	return testKey{Identities: ids, Recipients: rs}
}

// deviceBatch writes, to a file in a new folder, a batch such as a device
// writes: three responses with their answers sealed to k, their consent
// records, a declined tally, an audit event and the survey file.
func deviceBatch(t testing.TB, k testKey) string {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("..", "survey", "testdata", "alltypes.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	sha := hex.EncodeToString(sum[:])
	m, dk := header(t)
	m.Surveys = []batch.SurveyRef{{ID: "all_types", Version: 3, SHA256: sha}}
	m.Counts.Declined = 2
	src := memSource{}
	add := func(name string, v any) {
		line, err := batch.AppendLine(nil, v)
		if err != nil {
			t.Fatal(err)
		}
		src[name] = append(src[name], line...)
	}
	for i, mode := range []string{"self", "assisted", "worker"} {
		sealed, err := seal.Seal(k.Recipients, fmt.Appendf(nil, `{"format":"chorus-answers/1","answers":{"story":{"text":"story %d"}}}`, i))
		if err != nil {
			t.Fatal(err)
		}
		at := fmt.Sprintf("2026-11-24T09:0%d:00Z", i)
		add(batch.ResponsesMember, batch.Response{ResponseMeta: batch.ResponseMeta{
			ID: fmt.Sprint("r", i), SurveyID: "all_types", SurveyVersion: 3, SurveySHA256: sha, Language: "cy", Mode: mode,
			Venue: "Llyfrgell <Caerdydd>", ConsentID: fmt.Sprint("c", i), Status: "complete", StartedAt: at, CreatedAt: at,
		}, Sealed: sealed})
		add(batch.ConsentsMember, batch.Consent{ID: fmt.Sprint("c", i), SurveyID: "all_types", SurveyVersion: 3,
			Language: "cy", Format: "standard", Purposes: map[string]bool{"take_part": true, "quotes": i%2 == 0},
			HowGiven: "tap", Mode: mode, CreatedAt: at})
	}
	add(batch.DeclinedMember, batch.Declined{SurveyID: "all_types", SurveyVersion: 3, Language: "en", Day: "2026-11-24", Count: 2})
	add(batch.AuditMember, batch.AuditEvent{ID: "a1", Actor: "coordinator", Action: "pin.changed", CreatedAt: "2026-11-24T09:00:00Z"})
	add(batch.SurveysMember, batch.SurveyDef{SHA256: sha, ID: "all_types", Version: 3, Body: body})
	path := filepath.Join(t.TempDir(), batch.FileName("000000000001", 1))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := batch.Write(context.Background(), f, m, src, dk, k.Recipients, batch.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return path
}
