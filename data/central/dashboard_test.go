package central_test

import (
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"chorus/data/central"
	"chorus/data/store/storetest"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestDashboardRole: a role given the dashboard views reads them, and
// reads none of the private tables; a free-text answer shows there only
// for people who agreed to be quoted.
func TestDashboardRole(t *testing.T) {
	if pg == nil {
		if err := openDB(t).GrantDashboard(ctx, "dash"); !errors.Is(err, central.ErrNotPostgres) {
			t.Fatalf("on SQLite: %v", err)
		}
		return
	}
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	stories := []string{"CANARY-dash-0", "CANARY-dash-1", "CANARY-dash-2", "CANARY-dash-3"}
	dev.SubmitStories(stories...)
	dev.Decline(2)
	url := pg.NewDatabase(t)
	db, err := central.Open(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	merge(t, db, dev.Export(t.TempDir()), k)

	if err := db.GrantDashboard(ctx, "nobody_here"); err == nil || !strings.Contains(err.Error(), "CREATE ROLE") {
		t.Fatalf("unknown role: %v", err)
	}
	if err := db.GrantDashboard(ctx, "chorus"); err == nil || !strings.Contains(err.Error(), "superuser") {
		t.Fatalf("superuser: %v", err)
	}
	var dbName string
	if err := db.SQL().QueryRow(`SELECT current_database()`).Scan(&dbName); err != nil {
		t.Fatal(err)
	}
	role := "dash_" + dbName
	if _, err := pg.Admin().Exec(`CREATE ROLE ` + role + ` LOGIN`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Admin().Exec(`DROP OWNED BY ` + role) })
	// A role that reads a private table already is refused.
	if _, err := pg.Admin().Exec(`CREATE ROLE ` + role + `_wide LOGIN`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`GRANT SELECT ON consents TO ` + role + `_wide`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Admin().Exec(`DROP OWNED BY ` + role + `_wide`) })
	if err := db.GrantDashboard(ctx, role+"_wide"); err == nil || !strings.Contains(err.Error(), "[consents]") {
		t.Fatalf("a role that reads consents: %v", err)
	}
	if err := db.GrantDashboard(ctx, role); err != nil {
		t.Fatal(err)
	}
	dash, err := sql.Open("pgx", pg.UserURL(role, dbName))
	if err != nil {
		t.Fatal(err)
	}
	defer dash.Close()

	for view, want := range map[string]int{"responses": 4, "answers": 20, "codebook": 5, "declined": 1} {
		var n int
		if err := dash.QueryRow(`SELECT count(*) FROM dashboard.` + view).Scan(&n); err != nil {
			t.Fatalf("dashboard.%s: %v", view, err)
		}
		if n < want {
			t.Errorf("dashboard.%s has %d rows, want at least %d", view, n, want)
		}
	}
	for _, tab := range append(tables(t, db), "enrolment") {
		_, err := dash.Exec(`SELECT 1 FROM public.` + tab + ` LIMIT 1`)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42501" {
			t.Errorf("the dashboard role reading %s: %v, want permission denied (42501)", tab, err)
		}
	}

	// Quotable stories, by the consent records themselves.
	var want []string
	rows, err := db.SQL().Query(`SELECT r.answers, c.purposes FROM responses r JOIN consents c ON c.id = r.consent_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var answers, purposes string
		rows.Scan(&answers, &purposes)
		var a map[string]struct{ Text string }
		var p map[string]bool
		json.Unmarshal([]byte(answers), &a)
		json.Unmarshal([]byte(purposes), &p)
		if p["quotes"] {
			want = append(want, a["story"].Text)
		}
	}
	rows.Close()
	if len(want) == 0 || len(want) == len(stories) {
		t.Fatalf("%d of %d stories quotable: the check proves nothing", len(want), len(stories))
	}
	var got []string
	rows, err = dash.Query(`SELECT value FROM dashboard.answers WHERE type = 'text' ORDER BY value`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v string
		rows.Scan(&v)
		got = append(got, v)
	}
	rows.Close()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("free text on the dashboard %v, want only the quotable %v", got, want)
	}
}
