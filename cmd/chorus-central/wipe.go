package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"chorus/data/central"
)

// runWipe is `chorus-central wipe --db DB --confirm PROJECT [--report
// DIR]`: the end-of-project wipe of the analyst database (central.Wipe).
// It prints the report of what it destroyed and, with --report, writes it
// as JSON into DIR too.
func runWipe(c *cli, args []string) error {
	fset := flag.NewFlagSet("wipe", flag.ContinueOnError)
	dbPath := dbFlag(fset)
	confirm := fset.String("confirm", "", "the project: the survey id of the merged responses")
	reportDir := fset.String("report", "", "folder for the wipe report (JSON)")
	rest, err := flags(fset, args)
	if err != nil {
		return err
	}
	if *dbPath == "" || len(rest) > 0 {
		return withHint(errors.New("wipe needs --db DB and --confirm PROJECT"), "chorus-central wipe --db central.db --confirm PROJECT")
	}
	if *reportDir != "" {
		if fi, err := os.Stat(*reportDir); err != nil || !fi.IsDir() {
			return withHint(fmt.Errorf("%s is not a folder", *reportDir), "make the folder first, or give another with --report")
		}
	}
	db, err := openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	project, err := db.Project(ctx)
	if err != nil {
		return err
	}
	rep, err := db.Wipe(ctx, *confirm)
	if errors.Is(err, central.ErrWipeConfirm) {
		return withHint(err, fmt.Sprintf("this database's project is %q: give --confirm %q to destroy it, with %d responses, for good", project, project, rep.Responses))
	}
	if err != nil {
		return err
	}
	fmt.Fprint(c.stdout, rep.Text())
	if *reportDir == "" {
		return nil
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(*reportDir, "chorus-central-wipe-"+rep.WipedAt.Format("20060102T150405Z")+".json")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("cannot write the wipe report (it is above: keep a copy): %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "report written: %s\n", path)
	return nil
}
