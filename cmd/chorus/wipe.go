package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"chorus/data/store"
)

// runWipe is `chorus wipe --data DIR [--report DIR] [--confirm NAME]
// [--force]`: the end-of-project wipe (store.Wipe). It destroys the
// laptop's answers, consent records, tallies, audit log, staff, keys and
// the backups it wrote, prints a report of what it destroyed, and, with
// --report, writes it as JSON into that folder too (a stick: never inside
// the data folder). It goes ahead only when the laptop's name is typed
// (on standard input, or with --confirm), and refuses while anything
// waits to export unless --force.
func runWipe(args []string, stdout, stderr io.Writer) error {
	return wipe(args, os.Stdin, stdout, stderr)
}

// wipe is runWipe reading the confirmation from stdin.
func wipe(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	const usage = "usage: chorus wipe --data DIR [--report DIR] [--confirm NAME] [--force]"
	fset := flag.NewFlagSet("chorus wipe", flag.ContinueOnError)
	fset.SetOutput(stderr)
	data := fset.String("data", "", "data folder of a laptop that is set up")
	reportDir := fset.String("report", "", "folder for the wipe report (JSON), outside the data folder")
	confirm := fset.String("confirm", "", "the laptop's name, to wipe without being asked")
	force := fset.Bool("force", false, "wipe even what waits to export (it is lost)")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *data == "" || fset.NArg() > 0 {
		return errors.New(usage)
	}
	if *reportDir != "" {
		if err := checkReportDir(*reportDir, *data); err != nil {
			return err
		}
	}
	if _, err := folderDevice(*data); err != nil {
		return err
	}
	st, err := store.Open(*data, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	dev, err := st.Device()
	if err != nil {
		return err
	}
	var waiting *store.WaitingError
	if err := st.CheckWipe(ctx); errors.As(err, &waiting) && !*force {
		return fmt.Errorf("%w\nhint: run chorus export first; chorus wipe --force destroys them unexported", err)
	} else if err != nil && !errors.As(err, &waiting) {
		return err
	}
	fmt.Fprintf(stdout, "this destroys every answer, consent record, count, the audit log, staff PINs and keys of %q (%s),\n",
		dev.Name, dev.Key.Fingerprint())
	fmt.Fprintln(stdout, "and the backups this laptop wrote. It cannot be undone.")
	if waiting != nil {
		fmt.Fprintf(stdout, "--force: %s\n", waiting)
	}
	typed := *confirm
	if typed == "" {
		fmt.Fprintf(stdout, "type the laptop's name (%s) to wipe it: ", dev.Name)
		sc := bufio.NewScanner(io.LimitReader(stdin, 4096))
		if sc.Scan() {
			typed = sc.Text()
		}
		fmt.Fprintln(stdout)
	}
	if !store.WipeConfirmed(dev.Name, typed) {
		return errors.New("the name does not match: nothing was wiped")
	}
	rep, err := st.Wipe(ctx, store.WipeOptions{Force: *force})
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, rep.Text())
	if *reportDir != "" {
		path, err := store.WriteWipeReport(*reportDir, rep)
		if err != nil {
			return fmt.Errorf("%w (the report is above: keep a copy)", err)
		}
		fmt.Fprintf(stdout, "report written: %s\n", path)
	}
	for _, b := range rep.Backups {
		if !b.Destroyed {
			return fmt.Errorf("a backup was not destroyed: %s: %s", b.Path, b.Problem)
		}
	}
	return nil
}

// checkReportDir refuses a report folder that is missing or inside the
// data folder (which the wipe removes).
func checkReportDir(dir, data string) error {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return fmt.Errorf("%s is not a folder: plug in the stick, or give another folder with --report", dir)
	}
	absDir, err1 := filepath.Abs(dir)
	absData, err2 := filepath.Abs(data)
	if err1 != nil || err2 != nil {
		return errors.Join(err1, err2)
	}
	if rel, err := filepath.Rel(absData, absDir); err == nil && (rel == "." || !strings.HasPrefix(rel, "..")) {
		return fmt.Errorf("%s is inside the data folder, which the wipe removes: give another folder with --report", dir)
	}
	return nil
}
