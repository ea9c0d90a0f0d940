package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/survey"
)

// survey import and export run as a survey author runs them: files in,
// files out, the report where asked, nothing written when it fails.
func TestSurveyImportExport(t *testing.T) {
	dir := t.TempDir()
	form := filepath.Join("..", "..", "data", "survey", "xlsform", "testdata", "pyxform_spec_test.xlsx")
	out, rep := filepath.Join(dir, "spec.json"), filepath.Join(dir, "report.txt")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"survey", "import", form, "--out", out, "--report", rep, "--version", "7"}, &stdout, &stderr); code != 0 {
		t.Fatalf("survey import: exit %d: %s", code, stderr.String())
	}
	sv, err := survey.ParseFile(out)
	if err != nil {
		t.Fatalf("the survey written does not parse: %v", err)
	}
	if sv.Version != 7 || sv.ID != "spec_test" {
		t.Errorf("survey %s version %d; want spec_test version 7", sv.ID, sv.Version)
	}
	report, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(report), "survey row 34: geopoint_test (geopoint)") {
		t.Errorf("report has no line for the geopoint:\n%s", report)
	}
	if !strings.Contains(stderr.String(), "29 of 40 mapped") {
		t.Errorf("stderr %q; want the figures", stderr.String())
	}

	// Export it, and import the export: the same survey.
	wb := filepath.Join(dir, "spec.xlsx")
	if code := run([]string{"survey", "export", out, "--out", wb}, &stdout, &stderr); code != 0 {
		t.Fatalf("survey export: exit %d: %s", code, stderr.String())
	}
	again := filepath.Join(dir, "again.json")
	if code := run([]string{"survey", "import", wb, "--out", again, "--report", filepath.Join(dir, "r2.txt")}, &stdout, &stderr); code != 0 {
		t.Fatalf("survey import of the export: exit %d: %s", code, stderr.String())
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Errorf("exported and imported again, the survey differs:\n%s\nwant\n%s", b, a)
	}

	// A file that is not a workbook: a clear error, and no survey file.
	bad := filepath.Join(dir, "bad.xlsx")
	os.WriteFile(bad, []byte("type,name\n"), 0o644)
	stderr.Reset()
	missing := filepath.Join(dir, "none.json")
	if code := run([]string{"survey", "import", bad, "--out", missing}, &stdout, &stderr); code == 0 || !strings.Contains(stderr.String(), "not an .xlsx workbook") {
		t.Errorf("importing a CSV: exit %d, stderr %q", code, stderr.String())
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a failed import left %s behind", missing)
	}
	stderr.Reset()
	if code := run([]string{"survey", "frobnicate"}, &stdout, &stderr); code == 0 || !strings.Contains(stderr.String(), "audio, import or export") {
		t.Errorf("survey frobnicate: exit %d, stderr %q", code, stderr.String())
	}
}
