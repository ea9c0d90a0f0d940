// Command chorus-central is the analyst's tool for Chorus batches.
//
//	chorus-central keygen [--pq] -o FILE
//	chorus-central verify -i IDENTITY FILE...
//	chorus-central enrol --db DB [--name NAME] FINGERPRINT... | --list FILE
//	chorus-central devices --db DB
//	chorus-central retire --db DB FINGERPRINT...
//	chorus-central merge --db DB -i IDENTITY [--demo] FILE...
//	chorus-central csv --db DB --out DIR [--survey ID] [--lang TAG] [--excel]
//	chorus-central report --db DB --out FILE [--survey ID] [--lang en|cy] [--min-count N] [--include-quotes] [--key-questions IDS]
//	chorus-central survey audio SURVEY.json --out PACK [--recordings DIR]
//	chorus-central survey import FORM.xlsx --out SURVEY.json [--report REPORT.txt] [--version N] [--consent CONSENT.json]
//	chorus-central survey export SURVEY.json --out FORM.xlsx
//	chorus-central withdraw --db DB --staff NAME [--device FINGERPRINT] RECEIPT
//	chorus-central backup --db DB --to DIR
//	chorus-central ack --db DB --to DIR
//	chorus-central wipe --db DB --confirm PROJECT [--report DIR]
//	chorus-central dashboard-role --db URL ROLE
//
// keygen makes the analyst's age identity and prints the public key that
// devices are set up with. verify checks batch files without changing
// anything. enrol, devices and retire keep the register of devices whose
// batches may merge. merge adds batches from enrolled devices to the
// analyst database, once each, applying withdrawals and reporting missing
// batches; a batch from any other device is quarantined. csv writes the files analysis
// starts from.
//
// Messages go to standard error, prefixed "chorus-central:"; results to
// standard output. The exit status is 1 if anything failed. Nothing here
// prints answers or private keys.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

const usage = `Usage:
    chorus-central keygen [--pq] -o FILE
    chorus-central verify -i IDENTITY FILE...
    chorus-central enrol --db DB [--name NAME] FINGERPRINT...
    chorus-central enrol --db DB --list FILE
    chorus-central devices --db DB
    chorus-central retire --db DB FINGERPRINT...
    chorus-central merge --db DB -i IDENTITY [--demo] FILE...
    chorus-central csv --db DB --out DIR [--survey ID] [--lang TAG] [--excel]
    chorus-central report --db DB --out FILE [--survey ID] [--lang en|cy]
                          [--min-count N] [--include-quotes] [--key-questions IDS]
    chorus-central survey audio SURVEY.json --out PACK [--recordings DIR]
    chorus-central survey import FORM.xlsx --out SURVEY.json [--report REPORT.txt]
    chorus-central survey export SURVEY.json --out FORM.xlsx
    chorus-central withdraw --db DB --staff NAME [--device FINGERPRINT] RECEIPT
    chorus-central backup --db DB --to DIR
    chorus-central ack --db DB --to DIR
    chorus-central wipe --db DB --confirm PROJECT [--report DIR]
    chorus-central dashboard-role --db URL ROLE

keygen   makes an analyst identity (private key) in FILE, readable by you
         only, and prints its public key (age1...) for device setup.
         --pq makes a post-quantum hybrid key (age1pq1...).
verify   decrypts each batch, checks its signature, hashes and counts and
         opens every sealed response; changes nothing.
enrol    lets a device's batches merge into DB (made if new). Give the
         fingerprint the coordinator reads from the laptop's Export tab, or
         --list FILE with one device a line as "chorus fingerprint" prints
         it (fingerprint, then name), for many laptops at once.
devices  lists the devices DB knows: enrolled, quarantined (sent a batch
         but not enrolled: nothing of theirs is merged) and retired.
retire   refuses a device's further batches (a lost or replaced laptop);
         what it sent stays merged.
merge    verifies each batch and merges it into the analyst database DB
         (made if new). Batches from devices that are not enrolled are
         quarantined, not merged. The same batch twice changes nothing.
         Withdrawals are applied for good. Missing batches are reported.
         --demo merges demo batches, into a database kept for demo data.
csv      writes responses_wide.csv, answers_long.csv, codebook.csv,
         declined.csv and analysis.xlsx (a sheet each) into DIR, replacing
         older ones only when all five are complete. --lang must be one of
         the survey's languages; --excel starts the CSVs with a UTF-8
         byte-order mark.
report   writes one self-contained HTML report to FILE, replaced only when
         complete: overview, who took part, every question as a chart and
         a table, key questions by mode, language and venue. Counts below
         --min-count (default 5) read "fewer than 5" and cannot be worked
         out from totals. Free-text answers are listed only with
         --include-quotes, and only for people who agreed to be quoted.
         --lang cy writes the report's headings in Welsh.
         --key-questions defaults to confidence,barriers,preference.
survey audio
         makes the survey's audio pack in PACK: a draft voice (espeak-ng,
         encoded with lame) for every text in every language, or a
         person's recording where DIR/LANG/KEY.mp3 or .wav exists. Prints
         each language's clips, what is missing and durations, and the
         manifest's SHA-256 to put in the survey file.
survey import
         makes a Chorus survey of an XLSForm (.xlsx) and writes a report
         of every row it left out or changed, and why (REPORT, or stderr).
         It never writes a survey that fails Chorus's checks. --consent
         gives the consent block (JSON); without it a placeholder is used.
survey export
         writes a survey as an XLSForm, a column per language, for
         translators; importing it gives the same survey.
withdraw withdraws, for good, the response of a participant who gives
         their receipt code (as they read it: case, spaces and dashes do
         not matter): its answers and consent record are deleted, no batch
         can bring them back, and the withdrawal is audited (without the
         code). --staff names who records it. If the code matches
         responses from two devices, nothing is withdrawn and they are
         listed: ask the participant where and when, then give --device.
backup   writes a consistent copy of DB into DIR as central-TIME.db,
         readable by you only; restore by copying it in DB's place.
         On PostgreSQL it refuses: use pg_dump or the server's backups.
ack      writes, for each laptop with merged batches, DIR/chorus-ack-DEVICE.json
         naming them; on the laptop, chorus ack --data DIR FILE then deletes
         their sealed answers (see docs/RETENTION.md).
wipe     at the end of the project destroys everything in DB (every row;
         the file too on SQLite, the tables on PostgreSQL) and prints a
         report of what it destroyed; --report DIR writes it there as JSON
         too. PROJECT is the survey id of the merged responses (ids joined
         with commas if there are several): without it, wipe says what it is
         and wipes nothing.
dashboard-role
         lets a PostgreSQL role read the dashboard views (responses,
         answers, codebook, declined) and nothing else.

DB is a SQLite file, or a PostgreSQL database as a URL
(postgres://user@host/dbname) for a team of analysts; without --db,
$CHORUS_CENTRAL_DB. Several analysts may merge into one PostgreSQL
database at the same time. -i may be given more than once.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// cli carries where a command writes.
type cli struct {
	stdout, stderr io.Writer
}

// logf prints a message on stderr with the tool's prefix.
func (c *cli) logf(format string, args ...any) {
	fmt.Fprintf(c.stderr, "chorus-central: "+format+"\n", args...)
}

// hintError is an error with advice for the person at the keyboard.
type hintError struct {
	err   error
	hints []string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

func withHint(err error, hints ...string) error { return &hintError{err: err, hints: hints} }

// errFailed means the command reported its errors itself.
var errFailed = errors.New("failed")

func run(args []string, stdout, stderr io.Writer) int {
	c := &cli{stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 1
	}
	cmds := map[string]func(*cli, []string) error{
		"keygen":   runKeygen,
		"verify":   runVerify,
		"merge":    runMerge,
		"enrol":    runEnrol,
		"devices":  runDevices,
		"retire":   runRetire,
		"csv":      runCSV,
		"report":   runReport,
		"survey":   runSurvey,
		"withdraw": runWithdraw,
		"backup":   runBackup,
		"ack":      runAck,
		"wipe":     runWipe,

		"dashboard-role": runDashboardRole,
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := cmds[name]
	if !ok {
		c.report(withHint(fmt.Errorf("unknown command %q", name), "run chorus-central help for the commands"))
		return 1
	}
	if err := cmd(c, args[1:]); err != nil {
		if !errors.Is(err, errFailed) {
			c.report(err)
		}
		return 1
	}
	return 0
}

// report prints err and its hints.
func (c *cli) report(err error) {
	c.logf("error: %v", err)
	var h *hintError
	if errors.As(err, &h) {
		for _, hint := range h.hints {
			c.logf("hint: %s", hint)
		}
	}
}

// flags parses args with fs, allowing flags after file names, and returns
// the file names.
func flags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, withHint(err, "run chorus-central help for usage")
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// listFlag is a flag that may be given more than once.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
