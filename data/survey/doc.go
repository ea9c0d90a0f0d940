// Package survey is Chorus's domain: survey definitions, the answers a
// participant gives, and the consent record that goes with them.
//
// # Survey files
//
// A survey is a JSON file (format "chorus-survey/1") with an id and a
// version. Every text a participant sees is a [Text]: a map from a BCP 47
// language tag to the string in that language, and every text must exist in
// every language the survey declares. A survey carries its own consent block:
// versioned text per language and the purposes a participant agrees to, each
// required or optional.
//
// [Parse] reads a file and reports every problem it finds at once, each
// naming the file, the line and the field, for example
//
//	survey.json:41: questions[3].show_if: unknown question "q9"
//
// A bad file never panics; the problems come back as [Problems].
//
// # Questions and skip logic
//
// Questions are shown one per screen. A question's show_if condition looks
// at one earlier answer (equals, any_of or answered), or is an expression
// over earlier answers ([ParseExpr]); a [Group] shows or hides a run of
// questions together, and [Survey.Check] checks a question's constraint.
// [Survey.Visible],
// [Survey.Next] and [Survey.Prev] walk the survey with those conditions, and
// [Survey.Clean] drops answers to questions a participant ended up skipping.
// [Survey.Progress] gives "question n of total", where total is the most
// questions that can still be shown, so it never grows as answers are given.
//
// A text question may read its answer a special way, its input: with
// [PostcodeOutward] the box takes a whole UK postcode and the answer keeps
// only the first part ([OutwardCode]).
//
// # Receipts
//
// A participant gets a receipt code ([NewReceipt], K7D-4MX-9RA) to withdraw
// later; only its hash ([HashReceipt]) is stored. [ParseReceipt] reads codes
// as people type them, older 10-character codes included.
//
// docs/SURVEY-FORMAT.md describes every field of a survey file.
package survey
