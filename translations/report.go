package translations

import (
	"embed"
	"io/fs"
)

//go:embed report/*.json
var reportFiles embed.FS

// ReportFS holds the words of chorus-central's report: one file per
// language (en.json, cy.json) in the same format as the UI's, every key
// starting "report.". They sit apart from the UI's files because the
// report exists in fewer languages than the kiosk, and the kiosk never
// shows them.
func ReportFS() fs.FS {
	sub, err := fs.Sub(reportFiles, "report")
	if err != nil {
		return reportFiles // "report" is a valid path: Sub cannot fail
	}
	return sub
}
