package app

import (
	"errors"
	"log/slog"

	"chorus/data/batch"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"
)

// problems gives each error staff can meet its plain, translated message.
// The first match wins, so more specific errors come first.
var problems = []struct {
	err error
	key string
}{
	{store.ErrNameEmpty, "problem.name_empty"},
	{store.ErrNameTooLong, "problem.name_too_long"},
	{store.ErrNameNotText, "problem.name_not_text"},
	{seal.ErrWeakPIN, "staff.weak_pin"},
	{store.ErrNotAllowed, "problem.not_allowed"},
	{store.ErrNothingToExport, "staff.nothing_to_export"},
	{batch.ErrNoFolder, "staff.no_folder"},
	{batch.ErrNotWritable, "staff.not_writable"},
	{batch.ErrDiskFull, "staff.disk_full"},
	{batch.ErrExists, "problem.file_exists"},
	{batch.ErrReadBack, "problem.read_back"},
	{store.ErrDemoKey, "problem.demo_key"},
	{survey.ErrReceipt, "withdraw.bad_code"},
	{store.ErrUnknownReceipt, "withdraw.unknown"},
	{store.ErrAlreadyWithdrawn, "withdraw.already"},
}

// fieldLabels are the words on screen beside each field a problem names.
var fieldLabels = map[string]string{
	store.FieldDeviceName:  "setup.device",
	store.FieldCoordinator: "setup.coordinator",
	store.FieldVenue:       "staff.venue",
}

// problem is the one way an error reaches a person: a plain message in
// l's language. An error with no message of its own is logged by its
// cause (never with answers: store errors do not carry them) and shown as
// "something went wrong" with its English text for whoever helps.
func (l *Localizer) problem(err error) string {
	if err == nil {
		return ""
	}
	var fe *store.FieldError
	if errors.As(err, &fe) {
		if key, ok := fieldLabels[fe.Field]; ok {
			return l.T(key) + ": " + l.problem(fe.Err)
		}
	}
	for _, p := range problems {
		if errors.Is(err, p.err) {
			return l.T(p.key)
		}
	}
	slog.Warn("a problem shown to staff", "err", err)
	return l.T("problem.other", map[string]any{"Err": err.Error()})
}
