package store

import (
	"strings"
	"testing"

	"chorus/data/batch"
)

// TestExportQueriesReadInOrder: the export's big members are read in seq
// order along the table, with no sort of their rows (sealed payloads and
// all) in a temporary b-tree; the declined tally is grouped straight from
// its covering index, only its few groups sorted, without a look at the
// table.
func TestExportQueriesReadInOrder(t *testing.T) {
	st, _, _ := openTest(t)
	plan := func(name string) string {
		t.Helper()
		rows, err := st.db.Query(`EXPLAIN QUERY PLAN `+memberQueries[name].query(), 1, 1, 100)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var steps []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			steps = append(steps, detail)
		}
		return strings.Join(steps, "; ")
	}
	for _, name := range []string{batch.ResponsesMember, batch.ConsentsMember} {
		p := plan(name)
		if strings.Contains(p, "TEMP B-TREE") || !strings.Contains(p, "INTEGER PRIMARY KEY (rowid>? AND rowid<?)") {
			t.Errorf("%s is read with plan %q, want a range of the table without a sort", name, p)
		}
	}
	p := plan(batch.DeclinedMember)
	if !strings.Contains(p, "COVERING INDEX declined_groups (batch_seq=?)") || strings.Contains(p, "FOR GROUP BY") {
		t.Errorf("%s is read with plan %q, want its groups from the covering index", batch.DeclinedMember, p)
	}
}
