package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"chorus/data/central"
)

// runMerge is `chorus-central merge --db DB -i IDENTITY [--demo] FILE...`.
func runMerge(c *cli, args []string) error {
	fset := flag.NewFlagSet("merge", flag.ContinueOnError)
	dbPath := fset.String("db", "", "analyst database")
	demo := fset.Bool("demo", false, "merge demo batches")
	var idFiles listFlag
	fset.Var(&idFiles, "i", "identity file")
	files, err := flags(fset, args)
	if err != nil {
		return err
	}
	if *dbPath == "" || len(files) == 0 {
		return withHint(errors.New("merge needs --db DB and batch files"), "chorus-central merge --db central.db -i IDENTITY chorus-*.tar.age")
	}
	ids, err := identities(idFiles)
	if err != nil {
		return err
	}
	db, err := central.Open(*dbPath, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	failed := false
	for _, f := range files {
		res, err := db.Merge(ctx, f, ids, central.MergeOptions{Demo: *demo})
		if errors.Is(err, central.ErrDemo) {
			err = withHint(fmt.Errorf("%s: %w", f, err), "keep demo and real data in separate databases (--db)")
		} else if err != nil {
			err = fileError(f, err)
		}
		if err != nil {
			c.report(err)
			failed = true
			continue
		}
		fmt.Fprintln(c.stdout, res.Summary())
	}
	problems, err := db.Check(ctx)
	if err != nil {
		return err
	}
	for _, p := range problems {
		c.logf("warning: %s", p)
	}
	if failed {
		return errFailed
	}
	return nil
}
