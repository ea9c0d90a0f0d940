package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"chorus/data/central"
)

// runDashboardRole is `chorus-central dashboard-role --db URL ROLE`: the
// role may read the dashboard views and nothing else.
func runDashboardRole(c *cli, args []string) error {
	fset := flag.NewFlagSet("dashboard-role", flag.ContinueOnError)
	dbPath := dbFlag(fset)
	rest, err := flags(fset, args)
	if err != nil {
		return err
	}
	if *dbPath == "" || len(rest) != 1 {
		return withHint(errors.New("dashboard-role needs --db URL and one role"), "chorus-central dashboard-role --db postgres://analyst@dbhost/chorus dashboards")
	}
	if !central.IsPostgres(*dbPath) {
		return withHint(central.ErrNotPostgres, "give the PostgreSQL database's URL with --db postgres://…")
	}
	db, err := central.Open(*dbPath, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.GrantDashboard(context.Background(), rest[0]); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "role %s may read dashboard.%s, and nothing else here\n", rest[0], strings.Join(central.DashboardViews, ", dashboard."))
	return db.Close()
}
