// Package xlsform reads XLSForm workbooks (.xlsx), as ODK, KoboToolbox and
// CommCare-style tools write them, into Chorus surveys, and writes Chorus
// surveys as XLSForms.
//
// [Import] maps the survey, choices and settings sheets: label, hint and
// constraint_message columns per language (label::English (en), or
// label::english by name), required, relevant and constraint in Chorus's
// expression language (see chorus/data/survey.ParseExpr), begin group and
// end group with their relevant, text, integer, decimal, date, note,
// select_one and select_multiple. What a kiosk should not have (repeats,
// locations, photos and recordings, calculations, device metadata) is left
// out and listed in the [Report] row by row with why. The survey made is
// checked with survey.Parse; Import fails rather than return one that does
// not pass.
//
// A workbook is untrusted: its zip directory is checked before it is
// opened (sizes, parts; a directory that understates a size is caught by
// archive/zip while unpacking, under the same caps given to excelize),
// each sheet is read with caps on rows, columns and cells, and merged
// cells are refused with the cells named. A formula cell gives the value
// saved with it (real forms have =TRUE() in required columns); Chorus
// never works formulas out, and the report lists each one.
//
// Relevant and constraint expressions are read with Chorus's own parser;
// XPath references (../age, /data/group/age) become ${age} where one row
// has that name. Each [Report] also counts the form's questions and
// relevant expressions, and how many map now and would have mapped to the
// survey format before issue 20, as [Figures].
//
// [Export] writes a survey as an XLSForm with a column per language, for
// translators, and Chorus's own settings in chorus_ columns and a chorus
// sheet, so that importing the workbook gives the same survey.
package xlsform
