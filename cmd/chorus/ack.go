package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"chorus/data/ack"
	"chorus/data/store"
)

// runAck is `chorus ack --data DIR FILE`: given the acknowledgement the
// analyst's `chorus-central ack` wrote after merging this laptop's
// batches, it deletes those batches' sealed answers from the laptop
// (store.Acknowledge), keeping the counts. It deletes nothing unless the
// file names batches this laptop exported, with the same manifests.
func runAck(args []string, stdout, stderr io.Writer) error {
	const usage = "usage: chorus ack --data DIR FILE"
	fset := flag.NewFlagSet("chorus ack", flag.ContinueOnError)
	fset.SetOutput(stderr)
	data := fset.String("data", "", "data folder of a laptop that is set up")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *data == "" || fset.NArg() != 1 {
		return errors.New(usage)
	}
	a, err := ack.Read(fset.Arg(0))
	if err != nil {
		return err
	}
	if _, err := folderDevice(*data); err != nil {
		return err
	}
	st, err := store.Open(*data, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := st.Acknowledge(context.Background(), a, "coordinator")
	if err != nil {
		return err
	}
	seqs := make([]string, len(res.Batches))
	for i, s := range res.Batches {
		seqs[i] = fmt.Sprint(s)
	}
	fmt.Fprintf(stdout, "the analyst merged batches %s: the answers of %d responses were deleted from this laptop\n",
		strings.Join(seqs, ", "), res.Responses)
	fmt.Fprintln(stdout, "the counts stay; answers not yet exported stay too")
	return st.Close()
}
