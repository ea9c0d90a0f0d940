// Command chorus collects feedback about health and care, offline, at
// community venues. See README.md.
//
//	chorus --demo [--data DIR]              demo mode: built-in survey, demo key
//	chorus --data DIR [--kiosk]             real mode (first run: setup)
//	chorus setup --data DIR ...             headless setup for provisioning
//	chorus export --data DIR --to DIR       write a batch for the analyst
//	chorus fingerprint --data DIR           this laptop's line for the analyst's enrolment list
//	chorus demo-fill --data DIR --n N       fill a demo folder with test data
//	chorus backup --data DIR --to DIR       a consistent copy of the database
//	chorus status --data DIR                what waits to export, the keys (read only)
//	chorus keys --data DIR [--add-recipient FILE | --replace-recipient FILE]
//	                                        list or change the analyst keys
//	chorus ack --data DIR FILE              delete answers the analyst confirmed merged
//	chorus wipe --data DIR [--report DIR] [--confirm NAME] [--force]
//	                                        end of project: destroy everything, report what
//
// Without a subcommand chorus opens its window (gui.go). Each subcommand
// has a file of its own. Errors go to standard error, prefixed "chorus:",
// with "hint:" lines where there is advice; the exit status is 1 after an
// error, 0 otherwise.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"chorus/data/store"
	"chorus/data/survey"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is a headless subcommand: it reads its flags from args, writes
// its results to stdout and its messages to stderr.
type command func(args []string, stdout, stderr io.Writer) error

// commands are the headless subcommands by name. Any other first argument
// is a flag of the window's (see runGUI).
var commands = map[string]command{
	"setup":       runSetup,
	"export":      runExport,
	"fingerprint": runFingerprint,
	"demo-fill":   runDemoFill,
	"backup":      runBackup,
	"fontcheck":   runFontCheck, // for test harnesses: not in the usage text
	"status":      runStatus,
	"keys":        runKeys,
	"ack":         runAck,
	"wipe":        runWipe,
}

// run runs chorus with args (without the program's name) and returns its
// exit status.
func run(args []string, stdout, stderr io.Writer) int {
	var err error
	if cmd, ok := commands[first(args)]; ok {
		err = cmd(args[1:], stdout, stderr)
	} else {
		err = runGUI(args, stderr)
	}
	if err != nil {
		report(stderr, err)
		return 1
	}
	return 0
}

// first returns args[0], or "" when there is none.
func first(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// report prints err, and a hint where there is advice for it.
func report(stderr io.Writer, err error) {
	fmt.Fprintln(stderr, "chorus:", err)
	var p survey.Problems
	if errors.As(err, &p) {
		fmt.Fprintln(stderr, "hint: fix the survey file; every problem above names its line")
	}
	if errors.Is(err, store.ErrLocked) {
		fmt.Fprintln(stderr, "hint: close the other Chorus window first, or use another --data folder")
	}
}
