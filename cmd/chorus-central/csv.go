package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"chorus/data/central"
)

// runCSV is `chorus-central csv --db DB --out DIR [--survey ID] [--lang TAG] [--excel]`:
// the CSV files and analysis.xlsx.
func runCSV(c *cli, args []string) error {
	fset := flag.NewFlagSet("csv", flag.ContinueOnError)
	dbPath := dbFlag(fset)
	out := fset.String("out", "", "folder for the CSV files")
	surveyID := fset.String("survey", "", "survey id, when the database holds several")
	lang := fset.String("lang", "", "language of codebook texts and answer labels, one of the survey's (default English)")
	excel := fset.Bool("excel", false, "start the CSVs with a UTF-8 byte-order mark, for spreadsheets opened by double-clicking")
	rest, err := flags(fset, args)
	if err != nil {
		return err
	}
	if *dbPath == "" || *out == "" || len(rest) > 0 {
		return withHint(errors.New("csv needs --db DB and --out DIR"), "chorus-central csv --db central.db --out analysis")
	}
	if missing(*dbPath) {
		return withHint(fmt.Errorf("%s: no such database", *dbPath), "merge batches first: chorus-central merge --db "+*dbPath+" -i IDENTITY FILE...")
	}
	db, err := central.Open(*dbPath, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.WriteCSV(context.Background(), *out, central.CSVOptions{Survey: *surveyID, Language: *lang, Workbook: true, BOM: *excel})
	if errors.Is(err, central.ErrNoData) {
		return withHint(err, "merge batches first, or check --survey")
	}
	if errors.Is(err, central.ErrNoLanguage) {
		return withHint(err, "chorus-central csv --db "+shown(*dbPath)+" --out "+*out+" --lang cy")
	}
	if err != nil {
		return err
	}
	for _, f := range res.Files {
		fmt.Fprintln(c.stdout, f)
	}
	c.logf("%d responses, %d answers", res.Responses, res.Answers)
	return nil
}
