package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"chorus/data/store"
)

// runExport is `chorus export --data DIR --to DIR`: the coordinator's
// export, headless, through the same code as the export screen. It writes
// what it did to w, ending with this laptop's fingerprint, which the
// analyst enrols it by.
func runExport(args []string, w, stderr io.Writer) error {
	fs := flag.NewFlagSet("chorus export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data folder")
	to := fs.String("to", "", "folder to write the batch file into (e.g. a USB stick)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" || *to == "" || fs.NArg() > 0 {
		return errors.New("usage: chorus export --data DIR --to DIR")
	}
	st, err := store.Open(*data, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	results, err := st.Export(context.Background(), *to, store.ExportOptions{})
	for _, r := range results {
		fmt.Fprintf(w, "%s: batch %d, %d responses, %d consents, %d declined, %d withdrawals, %d audit events\n",
			r.Path, r.Seq, r.Counts.Responses, r.Counts.Consents, r.Counts.Declined, r.Counts.Withdrawals, r.Counts.Audit)
	}
	if dev, derr := st.Device(); derr == nil {
		fmt.Fprintln(w, fingerprintNote(dev))
	}
	if errors.Is(err, store.ErrNothingToExport) {
		fmt.Fprintln(stderr, "chorus: nothing new to export")
		return nil
	}
	return err
}
