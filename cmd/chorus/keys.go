package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"chorus/data/seal"
	"chorus/data/store"
)

// runKeys is `chorus keys --data DIR [--add-recipient FILE |
// --replace-recipient FILE]`: without a flag it lists the analyst keys'
// fingerprints; with one it shows the new key's fingerprint and changes
// the keys only when "yes" is typed on standard input
// (store.ChangeRecipients, audited). Responses saved before stay sealed
// to the keys they were sealed to.
func runKeys(args []string, stdout, stderr io.Writer) error {
	return keys(args, os.Stdin, stdout, stderr)
}

// keys is runKeys reading the confirmation from stdin.
func keys(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	const usage = "usage: chorus keys --data DIR [--add-recipient FILE | --replace-recipient FILE]"
	fset := flag.NewFlagSet("chorus keys", flag.ContinueOnError)
	fset.SetOutput(stderr)
	data := fset.String("data", "", "data folder of a laptop that is set up")
	addFile := fset.String("add-recipient", "", "file with an analyst's age public key to add")
	replaceFile := fset.String("replace-recipient", "", "file with the analyst's age public key that replaces the keys there are")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *data == "" || fset.NArg() > 0 || (*addFile != "" && *replaceFile != "") {
		return errors.New(usage)
	}
	if _, err := folderDevice(*data); err != nil {
		return err
	}
	st, err := store.Open(*data, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	old, err := st.Recipients()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "responses are sealed to:")
	listKeys(stdout, old)
	file, add := *replaceFile, false
	if *addFile != "" {
		file, add = *addFile, true
	}
	if file == "" {
		return st.Close()
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	rs, err := seal.ParseRecipients(string(b))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if dev, err := st.Device(); err == nil && !dev.Demo {
		if err := store.CheckRealRecipients(rs); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	waiting, err := st.Unexported(context.Background())
	if err != nil {
		return err
	}
	if add {
		fmt.Fprintln(stdout, "to add:")
	} else {
		fmt.Fprintln(stdout, "to replace them with:")
	}
	listKeys(stdout, rs)
	fmt.Fprintln(stdout, "read the new fingerprint to the analyst: it must match the one their key shows")
	if !add {
		fmt.Fprintf(stdout, "responses saved before the change (%d of them not yet exported) stay sealed to the old key:\n", waiting.Responses)
		fmt.Fprintln(stdout, "the analyst needs the old key to read them")
	}
	fmt.Fprint(stdout, "type yes to go ahead: ")
	sc := bufio.NewScanner(io.LimitReader(stdin, 4096))
	if !sc.Scan() || strings.TrimSpace(strings.ToLower(sc.Text())) != "yes" {
		fmt.Fprintln(stdout)
		return errors.New("the keys were not changed")
	}
	next, err := st.ChangeRecipients(context.Background(), "coordinator", rs, add)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nnew responses are sealed to:")
	listKeys(stdout, next)
	return st.Close()
}

// listKeys writes one line per analyst key: fingerprint and kind.
func listKeys(w io.Writer, rs []seal.Recipient) {
	for _, r := range rs {
		fmt.Fprintf(w, "  %s  (%s)\n", r.Fingerprint(), r.Kind())
	}
}
