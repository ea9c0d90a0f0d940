package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"chorus/assets"
	"chorus/data/demo"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"
)

// runDemoFill is `chorus demo-fill --data DIR --n N`: N synthetic responses
// in a demo folder, sealed to the demo key. It says what it added on
// stdout.
func runDemoFill(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chorus demo-fill", flag.ContinueOnError)
	fs.SetOutput(stderr)
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
	fmt.Fprintf(stdout, "%s: %d responses, %d declined, %d withdrawn before export, %d withdrawals queued (%s)\n",
		*data, res.Responses, res.Declined, res.WithdrawnHere, res.WithdrawnQueued, time.Since(start).Round(time.Millisecond))
	return nil
}
