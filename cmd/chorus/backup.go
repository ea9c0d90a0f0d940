package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"chorus/data/store"
)

// runBackup is `chorus backup --data DIR --to DIR`: a consistent copy of
// the laptop's database (store.Backup), named by the time it was taken.
func runBackup(args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("chorus backup", flag.ContinueOnError)
	fset.SetOutput(stderr)
	data := fset.String("data", "", "data folder of a laptop that is set up")
	to := fset.String("to", "", "folder for the backup (a USB stick)")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *data == "" || *to == "" || fset.NArg() > 0 {
		return errors.New("usage: chorus backup --data DIR --to DIR")
	}
	if fi, err := os.Stat(*to); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s is not a folder: plug in the stick, or give another folder with --to", *to)
	}
	if _, err := folderDevice(*data); err != nil {
		return err
	}
	st, err := store.Open(*data, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	path := filepath.Join(*to, "chorus-backup-"+time.Now().UTC().Format("20060102T150405Z")+".db")
	if err := st.Backup(path); err != nil {
		return fmt.Errorf("%w: check the stick has room and is not read-only", err)
	}
	if err := st.Audit(context.Background(), "coordinator", "backup", "a copy of the database was written"); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written: %s\n", path)
	fmt.Fprintln(stdout, "it holds this laptop's key and the sealed answers: keep the stick locked away")
	fmt.Fprintln(stdout, "to restore: copy it as chorus.db into an empty data folder and start Chorus with --data on that folder")
	return st.Close()
}
