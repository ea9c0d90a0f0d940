package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"chorus/data/central"
)

// runBackup is `chorus-central backup --db DB --to DIR`: a consistent
// copy of the analyst database, named by the time it was taken.
func runBackup(c *cli, args []string) error {
	fset := flag.NewFlagSet("backup", flag.ContinueOnError)
	dbPath := dbFlag(fset)
	to := fset.String("to", "", "folder for the backup")
	rest, err := flags(fset, args)
	if err != nil {
		return err
	}
	if *dbPath == "" || *to == "" || len(rest) > 0 {
		return withHint(errors.New("backup needs --db DB and --to DIR"), "chorus-central backup --db central.db --to /media/backup")
	}
	if central.IsPostgres(*dbPath) {
		return withHint(central.ErrBackupPostgres, "docs/POSTGRES.md says what a backup of the analyst database on PostgreSQL needs")
	}
	if fi, err := os.Stat(*to); err != nil || !fi.IsDir() {
		return withHint(fmt.Errorf("%s is not a folder", *to), "make the folder first, or give another with --to")
	}
	db, err := openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	name := "central-" + time.Now().UTC().Format("20060102T150405Z") + ".db"
	path := filepath.Join(*to, name)
	if err := db.Backup(context.Background(), path, "chorus-central backup"); err != nil {
		return withHint(err, "check the folder has room and you may write to it; nothing was left behind")
	}
	fmt.Fprintf(c.stdout, "backup written: %s (readable by you only: it holds the answers)\n", path)
	fmt.Fprintln(c.stdout, "to restore: stop using the database, then copy the backup in its place (as central.db)")
	return db.Close()
}
