package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"chorus/data/survey"
	"chorus/data/survey/xlsform"
)

// runSurveyImport is `chorus-central survey import FORM.xlsx --out
// SURVEY.json [--report REPORT.txt] [--version N] [--consent CONSENT.json]`.
func runSurveyImport(c *cli, args []string) error {
	fset := flag.NewFlagSet("survey import", flag.ContinueOnError)
	out := fset.String("out", "", "survey file to write")
	report := fset.String("report", "", "report file to write (default: stderr)")
	version := fset.Int("version", 0, "survey version (default: the form's)")
	consent := fset.String("consent", "", "JSON file with the survey's consent block")
	rest, err := flags(fset, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || *out == "" {
		return withHint(errors.New("survey import needs FORM.xlsx and --out SURVEY.json"), "chorus-central survey import form.xlsx --out survey.json --report report.txt")
	}
	opt := xlsform.Options{Version: *version}
	if *consent != "" {
		b, err := os.ReadFile(*consent)
		if err != nil {
			return err
		}
		var cb survey.Consent
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cb); err != nil {
			return fmt.Errorf("%s: not a consent block: %v", filepath.Base(*consent), err)
		}
		opt.Consent = &cb
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	data, err := readLimited(f, xlsform.MaxFileSize)
	f.Close()
	if err != nil {
		return err
	}
	res, err := xlsform.Import(filepath.Base(rest[0]), data, opt)
	if err != nil {
		return err
	}
	text := res.Report.String()
	if *report != "" {
		if err := writeAtomic(*report, []byte(text)); err != nil {
			return err
		}
	} else {
		fmt.Fprint(c.stderr, text)
	}
	if err := writeAtomic(*out, res.JSON); err != nil {
		return err
	}
	fg := res.Report.Figures
	c.logf("wrote %s: %d questions (%d of %d mapped), %d of %d relevant expressions mapped; %d report lines",
		*out, len(res.Survey.Questions), fg.Mapped, fg.Questions, fg.RelevantMapped, fg.Relevant, len(res.Report.Items))
	return nil
}

// runSurveyExport is `chorus-central survey export SURVEY.json --out
// FORM.xlsx`.
func runSurveyExport(c *cli, args []string) error {
	fset := flag.NewFlagSet("survey export", flag.ContinueOnError)
	out := fset.String("out", "", "workbook to write")
	rest, err := flags(fset, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || *out == "" {
		return withHint(errors.New("survey export needs SURVEY.json and --out FORM.xlsx"), "chorus-central survey export survey.json --out form.xlsx")
	}
	sv, err := survey.ParseFile(rest[0])
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := xlsform.Export(sv, &b); err != nil {
		return err
	}
	if err := writeAtomic(*out, b.Bytes()); err != nil {
		return err
	}
	c.logf("wrote %s: %d questions in %d languages", *out, len(sv.Questions), len(sv.Languages))
	return nil
}

// readLimited reads at most limit bytes of f, and fails when there are
// more.
func readLimited(f *os.File, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d MiB; an XLSForm is smaller", filepath.Base(f.Name()), limit>>20)
	}
	return b, nil
}
