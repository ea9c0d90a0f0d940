package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"chorus/data/central"
)

// runMerge is `chorus-central merge --db DB -i IDENTITY [--demo] FILE...`.
func runMerge(c *cli, args []string) error {
	fset := flag.NewFlagSet("merge", flag.ContinueOnError)
	dbPath := dbFlag(fset)
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
	isNew := missing(*dbPath)
	db, err := central.Open(*dbPath, nil)
	if err != nil {
		return err
	}
	merged, quarantined := 0, 0
	defer func() {
		db.Close()
		if isNew && merged == 0 && quarantined == 0 { // a failed first run leaves no empty database behind
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(*dbPath + suffix)
			}
		}
	}()
	ctx := context.Background()
	failed := false
	err = db.MergeFiles(ctx, files, ids, central.MergeOptions{Demo: *demo}, func(res central.MergeResult, err error) {
		switch {
		case errors.Is(err, central.ErrNotEnrolled):
			quarantined++
			var q *central.NotEnrolledError
			errors.As(err, &q)
			err = withHint(fmt.Errorf("%s: %w", filepath.Base(res.File), err),
				fmt.Sprintf("if the coordinator reads %s from that laptop's Export tab, enrol it: chorus-central enrol --db %s %s; then merge the file again", q.Fingerprint, shown(*dbPath), q.Fingerprint),
				"if nobody knows that laptop, keep the file aside and tell your information governance lead")
		case errors.Is(err, central.ErrDemo):
			err = withHint(fmt.Errorf("%s: %w", filepath.Base(res.File), err), "keep demo and real data in separate databases (--db)")
		case err != nil:
			err = fileError(res.File, err)
		}
		if err != nil {
			c.report(err)
			failed = true
			return
		}
		merged++
		fmt.Fprintln(c.stdout, res.Summary())
	})
	if err != nil {
		return err
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
