package central_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/central"
	"chorus/data/store/storetest"
)

// TestMergeFilesOpensAhead: MergeFiles opens a batch's sealed answers
// while the batch before is merged; a bad payload is still refused with
// the same message as Merge gives, nothing of that batch is merged, and
// withdrawals in an earlier batch still keep responses out of a later one.
func TestMergeFilesOpensAhead(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	out := t.TempDir()
	r := dev.Submit(4)
	b1 := dev.Export(out)
	dev.Withdraw(r[1].Code)
	dev.Submit(3)
	b2 := dev.Export(out)

	// Batch 2 again, with two responses' sealed answers swapped.
	orig := read(t, b2, k)
	swapped := contents(t, orig)
	swapSealed(t, swapped)
	bad := forge(t, orig.Manifest, swapped, dev.Info.Key, k.Recipients)

	db := openDB(t)
	mustEnrol(t, db, dev.Info.Key.Fingerprint())
	var results []central.MergeResult
	var errs []error
	if err := db.MergeFiles(ctx, []string{b1, bad, b2, b1}, k.Identities, central.MergeOptions{},
		func(res central.MergeResult, err error) {
			results, errs = append(results, res), append(errs, err)
		}); err != nil {
		t.Fatal(err)
	}
	if len(errs) != 4 {
		t.Fatalf("%d reports", len(errs))
	}
	if errs[0] != nil || results[0].Status != central.Merged || results[0].Responses != 4 {
		t.Errorf("batch 1 = %+v, %v", results[0], errs[0])
	}
	if !errors.Is(errs[1], central.ErrPayload) || !strings.Contains(errs[1].Error(), "responses.jsonl line 1: ") ||
		!strings.Contains(errs[1].Error(), "carries the sealed answers of another response") {
		t.Errorf("%s = %v, want the swapped answers refused", filepath.Base(bad), errs[1])
	}
	if errs[2] != nil || results[2].Status != central.Merged || results[2].Responses != 3 || results[2].WithdrawalsApplied != 1 {
		t.Errorf("batch 2 = %+v, %v", results[2], errs[2])
	}
	if errs[3] != nil || results[3].Status != central.AlreadyMerged {
		t.Errorf("batch 1 again = %+v, %v", results[3], errs[3])
	}
	if n := count(t, db, `SELECT count(*) FROM responses`); n != 4+3-1 {
		t.Errorf("%d responses merged, want 6", n)
	}
	if n := count(t, db, `SELECT count(*) FROM responses WHERE id = ?`, r[1].ResponseID); n != 0 {
		t.Error("a withdrawn response is in the database")
	}
}
