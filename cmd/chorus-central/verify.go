package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"chorus/data/batch"
	"chorus/data/central"
	"chorus/data/seal"

	"filippo.io/age"
)

// runVerify is `chorus-central verify -i IDENTITY FILE...`.
func runVerify(c *cli, args []string) error {
	fset := flag.NewFlagSet("verify", flag.ContinueOnError)
	var idFiles listFlag
	fset.Var(&idFiles, "i", "identity file")
	files, err := flags(fset, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return withHint(errors.New("verify needs batch files"), "chorus-central verify -i IDENTITY chorus-*.tar.age")
	}
	ids, err := identities(idFiles)
	if err != nil {
		return err
	}
	failed := false
	for _, f := range files {
		m, err := central.Verify(f, ids, "")
		if err != nil {
			c.report(fileError(f, err))
			failed = true
			continue
		}
		fmt.Fprintf(c.stdout, "%s: ok: %s\n", filepath.Base(f), describe(m))
	}
	if failed {
		return errFailed
	}
	return nil
}

// describe summarises a manifest in a line.
func describe(m batch.Manifest) string {
	s := fmt.Sprintf("batch %d from device %s, created %s: %d responses, %d consents, %d declined, %d withdrawals, %d audit events",
		m.Seq, batch.DeviceShort(m.DeviceID), m.CreatedAt, m.Counts.Responses, m.Counts.Consents, m.Counts.Declined,
		m.Counts.Withdrawals, m.Counts.Audit)
	if m.Demo {
		s += " [demo]"
	}
	return s
}

// identities reads the analyst's identity files.
func identities(files []string) ([]age.Identity, error) {
	if len(files) == 0 {
		return nil, withHint(errors.New("no identity given"), "give the analyst identity file with -i (made by chorus-central keygen)")
	}
	var out []age.Identity
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		ids, err := seal.ParseIdentities(string(b))
		if err != nil {
			hint := "an identity file holds lines starting AGE-SECRET-KEY-; passphrase-protected files are not supported"
			if strings.HasPrefix(strings.TrimSpace(string(b)), "age1") {
				hint = "this looks like a public key (age1...); -i takes the private identity file"
			}
			return nil, withHint(fmt.Errorf("%s: not an identity file", f), hint)
		}
		out = append(out, ids...)
	}
	return out, nil
}

// fileError puts the file name in front of err and adds a hint for the
// common cases.
func fileError(file string, err error) error {
	err = fmt.Errorf("%s: %w", filepath.Base(file), err)
	switch {
	case errors.Is(err, batch.ErrWrongKey):
		return withHint(err, "the batch is sealed to the public key the device was set up with; check its fingerprint on the device's coordinator screen")
	case errors.Is(err, batch.ErrTruncated), errors.Is(err, batch.ErrDamaged), errors.Is(err, batch.ErrEmpty):
		return withHint(err, "copy the file from the device's USB stick again, or ask the coordinator to re-export this batch")
	case errors.Is(err, batch.ErrNotAge):
		return withHint(err, "batch files are named chorus-XXXXXXXXXXXX-NNNNNN.tar.age")
	case errors.Is(err, batch.ErrRecord) && strings.Contains(err.Error(), "merge it first"):
		return withHint(err, "merge this device's batches in order (their file names sort by batch number)")
	case errors.Is(err, batch.ErrBadSignature), errors.Is(err, batch.ErrHashMismatch), errors.Is(err, batch.ErrMember),
		errors.Is(err, batch.ErrManifest), errors.Is(err, batch.ErrCountMismatch), errors.Is(err, batch.ErrRecord),
		errors.Is(err, central.ErrPayload), errors.Is(err, batch.ErrNotTar):
		return withHint(err, "the batch was altered after the device signed it; do not use it, and ask for a fresh export")
	case errors.Is(err, central.ErrRetired):
		return withHint(err, "the analyst retired this device; if it is back in use, set it up again as a new device and enrol it")
	case errors.Is(err, central.ErrKeyChanged):
		return withHint(err, "a device that was reinstalled must be set up as a new device; if it was not, this batch is not from that device")
	case errors.Is(err, central.ErrConflict) && strings.Contains(err.Error(), "needs a new"):
		return withHint(err, "the survey's author must give every changed survey (or consent text, or question) a new version or id, and load it on the laptops; nothing of this batch was merged")
	case errors.Is(err, central.ErrConflict):
		return withHint(err, "two different files claim to be the same batch; find out which one the device really exported")
	}
	return err
}
