package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"chorus/data/central"
	"chorus/data/survey"
)

// runWithdraw is `chorus-central withdraw --db DB --staff NAME
// [--device FINGERPRINT] RECEIPT`. It prints which device and batch the
// withdrawn response came from, never the code.
func runWithdraw(c *cli, args []string) error {
	fset := flag.NewFlagSet("withdraw", flag.ContinueOnError)
	dbPath := dbFlag(fset)
	staff := fset.String("staff", "", "who records the withdrawal")
	dev := fset.String("device", "", "the device's fingerprint, when the code matches two")
	rest, err := flags(fset, args)
	if err != nil {
		return err
	}
	example := "chorus-central withdraw --db central.db --staff 'Alex Team' K7QM-2XRP-9D"
	if *dbPath == "" || len(rest) == 0 {
		return withHint(errors.New("withdraw needs --db DB, --staff NAME and the receipt code"), example)
	}
	if *staff == "" {
		return withHint(errors.New("withdraw needs --staff NAME: the audit records who withdrew"), example)
	}
	db, err := openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	// A code read out over the phone may come as two or three words.
	code := ""
	for _, a := range rest {
		code += a
	}
	w, err := db.Withdraw(context.Background(), code, *staff, *dev)
	var amb *central.AmbiguousReceiptError
	switch {
	case errors.Is(err, survey.ErrReceipt):
		return withHint(fmt.Errorf("that is not a receipt code: %w", err), "a receipt code is 10 letters and digits, as printed on the thanks screen")
	case errors.Is(err, central.ErrReceiptNotFound):
		return withHint(err, "check the code with the participant",
			"if they took part since the laptop's last export, merge its newer batches first, or withdraw on the laptop (coordinator screen)")
	case errors.As(err, &amb):
		return withHint(fmt.Errorf("nothing withdrawn: %w", err),
			"receipt codes are unique on one laptop only: ask the participant where and when they took part",
			"then run again with --device FINGERPRINT")
	case err != nil:
		return err
	}
	what := "its answers and consent record are deleted"
	if !w.Response {
		what = "its consent record is deleted (no answers had merged)"
	}
	fmt.Fprintf(c.stdout, "withdrawn: the response from device %s (%s), batch %d; %s, and no batch can bring them back\n",
		w.Fingerprint, w.DeviceName, w.BatchSeq, what)
	return db.Close()
}
