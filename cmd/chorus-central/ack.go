package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"chorus/data/ack"
	"chorus/data/batch"
)

// runAck is `chorus-central ack --db DB --to DIR`: for every device with
// merged batches, an acknowledgement (package ack) naming each merged
// batch and its manifest's SHA-256, written into DIR as
// chorus-ack-DEVICE.json for the coordinator to carry back. On the laptop,
// `chorus ack` then deletes those batches' sealed answers.
func runAck(c *cli, args []string) error {
	fset := flag.NewFlagSet("ack", flag.ContinueOnError)
	dbPath := fset.String("db", "", "analyst database")
	to := fset.String("to", "", "folder for the acknowledgements (the coordinator's USB stick)")
	rest, err := flags(fset, args)
	if err != nil {
		return err
	}
	example := "chorus-central ack --db central.db --to /media/usb"
	if *dbPath == "" || *to == "" || len(rest) > 0 {
		return withHint(errors.New("ack needs --db DB and --to DIR"), example)
	}
	if fi, err := os.Stat(*to); err != nil || !fi.IsDir() {
		return withHint(fmt.Errorf("%s is not a folder", *to), "plug in the stick, or give another folder with --to")
	}
	db, err := openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	links, err := db.BatchLinks(context.Background())
	if err != nil {
		return err
	}
	if len(links) == 0 {
		return withHint(errors.New("no batch has been merged yet: there is nothing to acknowledge"), "run chorus-central merge first")
	}
	var order []string
	byDevice := map[string][]ack.Batch{}
	for _, l := range links { // by device, then number
		if _, ok := byDevice[l.DeviceID]; !ok {
			order = append(order, l.DeviceID)
		}
		byDevice[l.DeviceID] = append(byDevice[l.DeviceID], ack.Batch{Seq: l.Seq, ManifestSHA256: l.ManifestSHA256})
	}
	now := time.Now().UTC().Truncate(time.Second)
	for _, dev := range order {
		path, err := ack.Write(*to, ack.File{DeviceID: dev, WrittenAt: now, Batches: byDevice[dev]})
		if err != nil {
			return err
		}
		var seqs []string
		for _, b := range byDevice[dev] {
			seqs = append(seqs, fmt.Sprint(b.Seq))
		}
		fmt.Fprintf(c.stdout, "%s: device %s, batches %s\n", path, batch.DeviceShort(dev), strings.Join(seqs, ", "))
	}
	fmt.Fprintln(c.stdout, "on each laptop: chorus ack --data DIR FILE deletes the answers of these batches from it")
	return nil
}
