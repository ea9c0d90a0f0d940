package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"chorus/data/store"
	"chorus/data/survey/xlsform"
)

// This file is the coordinator's Survey tab taking an XLSForm (.xlsx):
// the workbook is imported as `chorus-central survey import` does, the
// mapping report is shown, and the survey is used only when the
// coordinator confirms, having been told of answers not yet exported. A
// workbook that cannot make a survey that passes Chorus's checks changes
// nothing.

// loadXLSForm imports the workbook at path and asks before using it.
func (c *coordinatorTabs) loadXLSForm(path string) {
	l, sh := c.l, c.sh
	res, err := importWorkbook(path)
	if err != nil {
		c.surveyMsg.SetText(l.T("staff.survey_bad") + "\n" + err.Error())
		return
	}
	f := res.Report.Figures
	report := l.T("staff.survey_xlsform_report", map[string]any{
		"Mapped": f.Mapped, "Questions": f.Questions - f.Calculations,
		"RelevantMapped": f.RelevantMapped, "Relevant": f.Relevant,
	}) + "\n" + res.Report.String()
	c.surveyMsg.SetText(report)
	msg := l.T("staff.survey_xlsform_confirm")
	waiting, err := sh.cfg.Store.Unexported(context.Background())
	switch {
	case err != nil:
		c.surveyMsg.SetText(report + "\n" + l.problem(err))
		return
	case waiting.Responses > 0:
		msg = l.T("staff.survey_xlsform_waiting", map[string]any{"Count": waiting.Responses}) + " " + msg
	}
	sh.confirm(l.T("staff.survey_xlsform_title"), msg, l.T("staff.survey_use"), func() { c.useImported(res, report) })
}

// importWorkbook reads and imports the workbook at path, no more than
// xlsform.MaxFileSize of it.
func importWorkbook(path string) (*xlsform.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, xlsform.MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > xlsform.MaxFileSize {
		return nil, fmt.Errorf("%s: an XLSForm is at most %d MiB", filepath.Base(path), xlsform.MaxFileSize>>20)
	}
	return xlsform.Import(filepath.Base(path), data, xlsform.Options{})
}

// useImported makes an imported survey the one new answers use, as a
// survey file loaded on the tab is.
func (c *coordinatorTabs) useImported(res *xlsform.Result, report string) {
	l, sh := c.l, c.sh
	sv := res.Survey
	err := sh.cfg.Store.UseSurvey(context.Background(), sh.user.Name, sv, res.JSON)
	switch {
	case errors.Is(err, store.ErrSurveyChanged) || errors.Is(err, store.ErrConsentChanged):
		c.surveyMsg.SetText(l.T("staff.survey_bad") + "\n" + err.Error() + "\n\n" + report)
		return
	case err != nil:
		c.surveyMsg.SetText(l.problem(err))
		return
	}
	if sh.kiosk != nil {
		sh.kiosk.SetSurvey(sv)
		sh.kiosk.SetAudio(sh.audioFor(sv))
	}
	c.surveyMsg.SetText(l.T("staff.survey_loaded", map[string]any{"ID": sv.ID, "Version": sv.Version}) + "\n\n" + report)
}
