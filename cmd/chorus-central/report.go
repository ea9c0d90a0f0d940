package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"chorus/data/central"
	"chorus/data/report"
)

// runReport is `chorus-central report --db DB --out FILE [--survey ID]
// [--lang en|cy] [--min-count N] [--include-quotes] [--key-questions IDS]`.
func runReport(c *cli, args []string) error {
	fset := flag.NewFlagSet("report", flag.ContinueOnError)
	dbPath := dbFlag(fset)
	out := fset.String("out", "", "HTML file to write")
	surveyID := fset.String("survey", "", "survey id, when the database holds several")
	lang := fset.String("lang", "en", "language of the report's headings: "+strings.Join(report.Languages(), " or "))
	minCount := fset.Int("min-count", report.DefaultMinCount, "smallest count shown; smaller ones read \"fewer than N\"")
	quotes := fset.Bool("include-quotes", false, "list free-text answers of people who agreed to be quoted")
	keys := fset.String("key-questions", strings.Join(report.DefaultKeyQuestions, ","), "question ids broken down by mode, language and venue, comma-separated")
	rest, err := flags(fset, args)
	if err != nil {
		return err
	}
	if *dbPath == "" || *out == "" || len(rest) > 0 {
		return withHint(errors.New("report needs --db DB and --out FILE"), "chorus-central report --db central.db --out report.html")
	}
	if !slices.Contains(report.Languages(), *lang) {
		return withHint(fmt.Errorf("--lang %s: the report's own words exist in %s only", *lang, strings.Join(report.Languages(), " and ")),
			"question texts come from the survey; the report's headings are in English unless --lang cy")
	}
	if *minCount < 2 {
		return withHint(fmt.Errorf("--min-count %d: the smallest count shown must be at least 2", *minCount), "the default is 5")
	}
	if missing(*dbPath) {
		return withHint(fmt.Errorf("%s: no such database", *dbPath), "merge batches first: chorus-central merge --db "+*dbPath+" -i IDENTITY FILE...")
	}
	if st, err := os.Stat(*out); err == nil && st.IsDir() {
		return withHint(fmt.Errorf("%s is a folder", *out), "give the HTML file to write, e.g. --out "+filepath.Join(*out, "report.html"))
	}
	if dir := filepath.Dir(*out); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return withHint(fmt.Errorf("%s: no such folder", dir), "make the folder first, or write the report elsewhere")
		}
	}
	var keyIDs []string
	for _, id := range strings.Split(*keys, ",") {
		if id = strings.TrimSpace(id); id != "" {
			keyIDs = append(keyIDs, id)
		}
	}
	if keyIDs == nil {
		keyIDs = []string{} // none: not the defaults
	}
	db, err := central.Open(*dbPath, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := report.WriteFile(context.Background(), db, *out, report.Options{
		Survey:        *surveyID,
		Language:      *lang,
		MinCount:      *minCount,
		IncludeQuotes: *quotes,
		KeyQuestions:  keyIDs,
	})
	if errors.Is(err, central.ErrNoData) {
		return withHint(err, "merge batches first, or check --survey")
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, *out)
	msg := fmt.Sprintf("%d responses, %d questions, %d numbers not shown (fewer than %d, or protecting those)", res.Responses, res.Questions, res.Suppressed, *minCount)
	if *quotes {
		msg += fmt.Sprintf(", %d quotes", res.Quotes)
	}
	c.logf("%s", msg)
	return nil
}
