package central_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"chorus/data/batch"
	"chorus/data/central"
	"chorus/data/store/storetest"

	"github.com/google/uuid"
)

// TestRecordMergedTwiceIsAConflict: a later batch of the same device
// that carries a consent record, response or audit event already merged
// from an earlier batch is refused as a conflict naming the record, and
// changes nothing. The engine reports the broken key by its code (SQLite's
// constraint code, PostgreSQL's SQLSTATE 23505); matching "UNIQUE" in the
// message text missed PostgreSQL's wording and let the raw error through.
func TestRecordMergedTwiceIsAConflict(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	dev.Submit(3)
	b1 := dev.Export(t.TempDir())
	db := openDB(t)
	merge(t, db, b1, k)
	first := read(t, b1, k)
	all := contents(t, first)
	// An audit event, in a batch 2 that merges.
	ev, err := batch.AppendLine(nil, batch.AuditEvent{ID: uuid.Must(uuid.NewV7()).String(), Actor: "coordinator",
		Action: "export", Detail: "batch 2", CreatedAt: "2026-11-30T10:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	m2 := first.Manifest
	m2.Seq, m2.BatchID, m2.PrevManifestSHA256, m2.Surveys = 2, uuid.Must(uuid.NewV7()).String(), first.ManifestSHA256, nil
	m2.Counts = batch.Counts{Audit: 1}
	b2 := forge(t, m2, memSource{batch.AuditMember: ev}, dev.Info.Key, k.Recipients)
	merge(t, db, b2, k)
	all[batch.AuditMember] = ev
	second := read(t, b2, k)

	for _, c := range []struct {
		name, words string
		members     []string
	}{
		{"consent", "consent record", []string{batch.ConsentsMember, batch.SurveysMember}},
		{"response", "response", []string{batch.ResponsesMember, batch.SurveysMember}},
		{"audit", "audit event", []string{batch.AuditMember}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if len(all[c.members[0]]) == 0 {
				t.Fatalf("batch 1 has no %s", c.members[0])
			}
			src := memSource{}
			for _, name := range c.members {
				src[name] = all[name]
			}
			m := first.Manifest
			m.Seq, m.BatchID, m.PrevManifestSHA256 = 3, uuid.Must(uuid.NewV7()).String(), second.ManifestSHA256
			lines := func(name string) int64 { return int64(bytes.Count(src[name], []byte("\n"))) }
			m.Counts = batch.Counts{Responses: lines(batch.ResponsesMember), Consents: lines(batch.ConsentsMember),
				Audit: lines(batch.AuditMember), Surveys: lines(batch.SurveysMember)}
			if m.Counts.Surveys == 0 {
				m.Surveys = nil
			}
			before := dbHash(t, db)
			_, err := db.Merge(ctx, forge(t, m, src, dev.Info.Key, k.Recipients), k.Identities, central.MergeOptions{})
			if !errors.Is(err, central.ErrConflict) || !strings.Contains(err.Error(), c.words+" ") ||
				!strings.Contains(err.Error(), "already merged from another batch") {
				t.Fatalf("merge = %v, want a conflict naming the %s", err, c.words)
			}
			if dbHash(t, db) != before {
				t.Error("the refused batch changed the database")
			}
		})
	}
}
