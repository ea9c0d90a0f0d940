package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"chorus/data/batch"
	"chorus/data/central"
)

// runDevices is `chorus-central devices --db DB`.
func runDevices(c *cli, args []string) error {
	fset := flag.NewFlagSet("devices", flag.ContinueOnError)
	dbPath := dbFlag(fset)
	rest, err := flags(fset, args)
	if err != nil {
		return err
	}
	if *dbPath == "" || len(rest) > 0 {
		return withHint(errors.New("devices needs --db DB and nothing else"), "chorus-central devices --db central.db")
	}
	db, err := openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	devs, err := db.Devices(context.Background())
	if err != nil {
		return err
	}
	if len(devs) == 0 {
		fmt.Fprintln(c.stdout, "no devices yet: enrol them with chorus-central enrol")
		return nil
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tFINGERPRINT\tNAME\tDEVICE\tBATCHES\tHIGHEST\tRESPONSES\tSINCE\tNOTE")
	for _, d := range devs {
		name := d.Name
		if d.ClaimedName != "" && d.ClaimedName != d.Name {
			name += fmt.Sprintf(" (calls itself %q)", d.ClaimedName)
		}
		id, note := "-", d.Note
		if d.DeviceID != "" {
			id = batch.DeviceShort(d.DeviceID)
		}
		if d.Status == central.Quarantined {
			note = fmt.Sprintf("%d batch file(s) refused, the last %s", d.Quarantined, d.LastFile)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", d.Status, d.Fingerprint, name, id, d.Batches, d.HighestSeq,
			d.Responses, d.ChangedAt, note)
	}
	return tw.Flush()
}
