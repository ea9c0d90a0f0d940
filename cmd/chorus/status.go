package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"chorus/data/store"
)

// runStatus is `chorus status --data DIR`: what is waiting to export, the
// last export, this laptop's name and fingerprint, the survey, its
// languages and the analyst keys. It reads the folder without its lock
// (store.OpenReadOnly), so it works while the window is open, and writes
// nothing. It shows no answers, PINs or private keys.
func runStatus(args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("chorus status", flag.ContinueOnError)
	fset.SetOutput(stderr)
	data := fset.String("data", "", "data folder of a laptop")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *data == "" || fset.NArg() > 0 {
		return errors.New("usage: chorus status --data DIR")
	}
	st, err := store.OpenReadOnly(*data)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := st.Status(context.Background())
	if errors.Is(err, store.ErrNoDevice) {
		return fmt.Errorf("%s is not set up yet: run chorus setup first", *data)
	}
	if err != nil {
		return err
	}
	w := &strings.Builder{}
	kind := ""
	if s.Demo {
		kind = " (demo)"
	}
	fmt.Fprintf(w, "laptop:            %s%s\n", s.DeviceName, kind)
	fmt.Fprintf(w, "fingerprint:       %s\n", s.DeviceFingerprint)
	if s.SurveyID != "" {
		fmt.Fprintf(w, "survey:            %s version %d\n", s.SurveyID, s.SurveyVersion)
		fmt.Fprintf(w, "languages:         %s\n", strings.Join(s.Languages, " "))
	} else {
		fmt.Fprintln(w, "survey:            none chosen")
	}
	for _, fp := range s.AnalystKeys {
		fmt.Fprintf(w, "analyst key:       %s\n", fp)
	}
	fmt.Fprintf(w, "waiting to export: %d responses, %d declined, %d withdrawals\n",
		s.Waiting.Responses, s.Waiting.Declined, s.Waiting.Withdrawals)
	if s.LastExport.Seq == 0 {
		fmt.Fprintln(w, "last export:       none yet")
	} else {
		fmt.Fprintf(w, "last export:       batch %d, %s, %d responses (%d batches in all)\n", s.LastExport.Seq,
			s.LastExport.ExportedAt.Local().Format(time.DateTime), s.LastExport.Counts.Responses, s.Batches)
	}
	_, err = io.WriteString(stdout, w.String())
	return err
}
