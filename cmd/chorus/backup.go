package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"chorus/data/store"
)

// runBackup is `chorus backup --data DIR --to DIR`: a consistent copy of
// the laptop's database (store.BackupTo), named by the time it was taken.
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
	path, err := st.BackupTo(context.Background(), *to, "coordinator")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written: %s\n", path)
	fmt.Fprintln(stdout, "it holds this laptop's key and the sealed answers: keep the stick locked away")
	fmt.Fprintln(stdout, "to restore: copy it as chorus.db into an empty data folder and start Chorus with --data on that folder")
	return st.Close()
}
