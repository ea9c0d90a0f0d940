package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"chorus/assets"
	"chorus/data/demo"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"
)

// runExport is `chorus export --data DIR --to DIR`: the coordinator's
// export, headless, through the same code as the export screen.
func runExport(args []string) error { return export(os.Stdout, args) }

// export is runExport writing what it did to w. It ends with this
// laptop's fingerprint, which the analyst enrols it by.
func export(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("chorus export", flag.ContinueOnError)
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
		fmt.Fprintln(os.Stderr, "chorus: nothing new to export")
		return nil
	}
	return err
}

// runDemoFill is `chorus demo-fill --data DIR --n N`: N synthetic responses
// in a demo folder, sealed to the demo key.
func runDemoFill(args []string) error {
	fs := flag.NewFlagSet("chorus demo-fill", flag.ContinueOnError)
	data := fs.String("data", "", "demo data folder (made if new)")
	n := fs.Int("n", 100, "number of responses")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" || *n < 1 || fs.NArg() > 0 {
		return errors.New("usage: chorus demo-fill --data DIR --n N")
	}
	st, err := store.Open(*data, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	dev, err := st.Device()
	if errors.Is(err, store.ErrNoDevice) {
		dev, err = st.InitDevice("demo", true)
	}
	if err != nil {
		return err
	}
	if !dev.Demo {
		return fmt.Errorf("%s holds real data: demo-fill only fills demo folders (chorus --demo --data DIR makes one)", *data)
	}
	if _, err := st.Recipients(); err != nil {
		rs, err := seal.ParseRecipients(assets.DemoRecipient())
		if err != nil {
			return err
		}
		if err := st.SetRecipients(rs); err != nil {
			return err
		}
	}
	body, err := assets.Survey(assets.BuiltinSurvey)
	if err != nil {
		return err
	}
	sv, err := survey.Parse(assets.BuiltinSurvey, body)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := demo.Fill(context.Background(), st, sv, body, *n, uint64(start.UnixNano()))
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d responses, %d declined, %d withdrawn before export, %d withdrawals queued (%s)\n",
		*data, res.Responses, res.Declined, res.WithdrawnHere, res.WithdrawnQueued, time.Since(start).Round(time.Millisecond))
	return nil
}
