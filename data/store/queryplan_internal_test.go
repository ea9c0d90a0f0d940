package store

import (
	"strings"
	"testing"
)

// TestExportQueriesReadInOrder: the export's big members are read in seq
// order, responses along the table and consents along the index on
// batch_seq, with no sort of their rows (sealed payloads and all) in a
// temporary b-tree.
func TestExportQueriesReadInOrder(t *testing.T) {
	st, _, _ := openTest(t)
	for name, q := range map[string]struct{ query, want string }{
		"responses": {responsesQuery, "SEARCH r USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"},
		"consents":  {consentsQuery, "SEARCH c USING INDEX consents_batch (batch_seq=?)"},
	} {
		rows, err := st.db.Query(`EXPLAIN QUERY PLAN `+q.query, 1)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			steps = append(steps, detail)
		}
		rows.Close()
		p := strings.Join(steps, "; ")
		if strings.Contains(p, "TEMP B-TREE") || !strings.Contains(p, q.want) {
			t.Errorf("%s are read with plan %q, want %q without a sort", name, p, q.want)
		}
	}
}
