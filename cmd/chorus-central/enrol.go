package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"chorus/data/central"
)

// runEnrol is `chorus-central enrol --db DB [--name NAME] FINGERPRINT...`
// and `chorus-central enrol --db DB --list FILE`.
func runEnrol(c *cli, args []string) error {
	fset := flag.NewFlagSet("enrol", flag.ContinueOnError)
	dbPath := dbFlag(fset)
	list := fset.String("list", "", "enrolment list")
	name := fset.String("name", "", "what to call the device")
	fps, err := flags(fset, args)
	if err != nil {
		return err
	}
	if *dbPath == "" || (len(fps) == 0) == (*list == "") {
		return withHint(errors.New("enrol needs --db DB and either fingerprints or --list FILE"),
			"chorus-central enrol --db central.db K3QF-7XMA-2PLD-4RTE",
			"chorus-central enrol --db central.db --list enrol.txt   (lines that chorus fingerprint printed)")
	}
	if *name != "" && len(fps) != 1 {
		return withHint(errors.New("--name names one device"), "give one fingerprint with --name")
	}
	type entry struct {
		fp, name, note string
	}
	var todo []entry
	for _, fp := range fps {
		todo = append(todo, entry{fp, *name, "enrolled by fingerprint"})
	}
	if *list != "" {
		f, err := os.Open(*list)
		if err != nil {
			return err
		}
		entries, err := central.ParseList(filepath.Base(*list), f)
		f.Close()
		if err != nil {
			return withHint(err, "each line: a fingerprint (K3QF-7XMA-2PLD-4RTE), then the device's name; # starts a comment")
		}
		for _, e := range entries {
			todo = append(todo, entry{e.Fingerprint, e.Name, "enrolled from " + filepath.Base(*list)})
		}
	}
	// Every fingerprint is checked before the database is touched.
	for _, e := range todo {
		if _, err := central.ParseFingerprint(e.fp); err != nil {
			return withHint(err, "read the fingerprint from the laptop's Export tab, or from chorus fingerprint --data DIR run on it")
		}
	}
	db, err := central.Open(*dbPath, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	failed := false
	for _, e := range todo {
		res, err := db.Enrol(context.Background(), e.fp, e.name, e.note)
		if err != nil {
			c.report(enrolError(err))
			failed = true
			continue
		}
		fmt.Fprintln(c.stdout, res.Summary())
	}
	if failed {
		return errFailed
	}
	return nil
}

func enrolError(err error) error {
	switch {
	case errors.Is(err, central.ErrKeyChanged):
		return withHint(err, "check with the coordinator which laptop this is; `chorus-central devices` lists the register")
	case errors.Is(err, central.ErrRetired):
		return withHint(err, "a retired laptop that is back in use must be set up again as a new device")
	}
	return err
}

// runRetire is `chorus-central retire --db DB FINGERPRINT...`.
func runRetire(c *cli, args []string) error {
	fset := flag.NewFlagSet("retire", flag.ContinueOnError)
	dbPath := dbFlag(fset)
	fps, err := flags(fset, args)
	if err != nil {
		return err
	}
	if *dbPath == "" || len(fps) == 0 {
		return withHint(errors.New("retire needs --db DB and fingerprints"), "chorus-central retire --db central.db K3QF-7XMA-2PLD-4RTE")
	}
	db, err := openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	failed := false
	for _, fp := range fps {
		d, err := db.Retire(context.Background(), fp, "retired by the analyst")
		if err != nil {
			c.report(withHint(err, "chorus-central devices lists the register with fingerprints"))
			failed = true
			continue
		}
		fmt.Fprintf(c.stdout, "%s %s: retired; what it sent stays merged, further batches are refused\n", d.Fingerprint, d.Name)
	}
	if failed {
		return errFailed
	}
	return nil
}

// openExisting opens an analyst database that must exist already.
func openExisting(path string) (*central.DB, error) {
	if _, err := os.Stat(path); err != nil && !central.IsPostgres(path) {
		return nil, withHint(err, "give the analyst database made by chorus-central merge or enrol (--db)")
	}
	return central.Open(path, nil)
}
