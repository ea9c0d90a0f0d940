package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"time"

	"chorus/data/seal"

	"filippo.io/age"
)

// runKeygen is `chorus-central keygen [--pq] -o FILE`.
func runKeygen(c *cli, args []string) error {
	fset := flag.NewFlagSet("keygen", flag.ContinueOnError)
	pq := fset.Bool("pq", false, "post-quantum hybrid key")
	out := fset.String("o", "", "identity file to create")
	rest, err := flags(fset, args)
	if err != nil {
		return err
	}
	if *out == "" || len(rest) > 0 {
		return withHint(errors.New("keygen needs -o FILE and nothing else"),
			"the private key is only ever written to a new file: chorus-central keygen -o analyst-key.txt")
	}
	var secret, public string
	if *pq {
		id, err := age.GenerateHybridIdentity()
		if err != nil {
			return err
		}
		secret, public = id.String(), id.Recipient().String()
	} else {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return err
		}
		secret, public = id.String(), id.Recipient().String()
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return withHint(fmt.Errorf("%s already exists; not overwriting a key", *out),
			"losing an identity loses every response sealed to it: choose a new file name")
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "# created: %s\n# public key: %s\n%s\n", time.Now().UTC().Format(time.RFC3339), public, secret)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return fmt.Errorf("cannot write %s: %w", *out, err)
	}
	fmt.Fprintln(c.stdout, public)
	c.logf("wrote the identity to %s; keep it safe and backed up, it opens every response", *out)
	c.logf("fingerprint %s: the coordinator sees this when setting up a device with the public key", seal.Fingerprint(public))
	return nil
}
