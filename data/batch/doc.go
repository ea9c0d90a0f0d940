// Package batch is the Chorus batch file format, version 1
// ("chorus-batch/1"): how a device's records travel to the analyst.
//
// # The file
//
// A batch is one file named chorus-<device>-<seq>.tar.age ([FileName]):
// the last 12 hex digits of the device id ([DeviceShort]) and the batch
// number, 6 digits, counting 1, 2, ... per device. Nothing personal is in
// the name.
//
// The file is age-encrypted (binary, not armored) to the analyst's
// recipients. Inside is a tar archive written the same way every time:
// regular files only, mode 0644, owner 0:0 without names, modification time
// 1970-01-01T00:00:00Z, USTAR headers (no extended records), no folders or
// links, in this order:
//
//	responses.jsonl    one response a line (see [Response]): clear metadata and
//	                   the answers, sealed with age to the analyst at submit
//	                   time, in base64
//	consents.jsonl     one consent record a line ([Consent])
//	declined.jsonl     the "no thanks" tally ([Declined]): a count per survey,
//	                   language, session (with venue) and local day
//	withdrawals.jsonl  responses of earlier batches withdrawn since ([Withdrawal])
//	audit.jsonl        the device's audit events ([AuditEvent])
//	surveys.jsonl      the exact survey files the batch's responses were
//	                   given to ([SurveyDef]), so the analyst's codebook has
//	                   the questions as asked
//	manifest.json      the [Manifest]: who, which, when, and the size, line
//	                   count and SHA-256 of every member above
//	manifest.sig       the device's Ed25519 signature over the exact bytes of
//	                   manifest.json
//
// Lines are JSON objects as encoding/json writes them, each ending in a
// newline; records are in the order the device saved them, never sorted by
// a clock. The manifest comes last because it describes the members before
// it; this lets a device write a batch in one stream. Survey files travel
// in a member of their own, rather than one file per survey, so that the
// set of member names is fixed and a reader can insist on exactly these
// eight, each once.
//
// # Writing
//
// [Write] streams a batch from a [Source] (the device's database) to an
// io.Writer, and nothing but age ciphertext reaches it. A tar header
// needs its member's size, so the source writes each member once, as
// [AppendLine] encodes its records ([LineWriter]), to a spool: memory for
// a small member, a private temporary file without a name for a large
// one, which holds what the device's database holds (clear metadata,
// answers sealed at submit). Memory use does not grow with the number of
// records. [WriteFile] puts a
// batch on disk atomically: temporary file, sync, rename (one that never
// replaces an existing file: [RenameNoReplace]), sync of the folder, read
// back and compare; on failure nothing is left behind. Its
// errors say what went wrong ([ErrDiskFull], [ErrNotWritable],
// [ErrNoFolder], [ErrExists], [ErrReadBack]).
//
// # What stays identical
//
// The tar is a function of the records and of the manifest's fields,
// which a device fixes when it allocates the batch (number, id, time,
// previous manifest's hash, app and schema version, recipients, demo
// flag). Written again from the same records, the tar is byte for byte the
// same. Its manifest, which holds every data member's SHA-256, identifies
// it: the device records the manifest's SHA-256 ([Result].ManifestSHA256)
// and checks a re-export against it, and [Read] reports the SHA-256 of the
// whole tar as well. The age layer is not: age encryption is randomised (a new file
// key and ephemeral key each time), so a re-export is a different .tar.age
// file holding the identical tar. The analyst's tools compare manifests
// (and tars), never the encrypted files. A device keeps nothing of a
// batch but its database rows and these hashes.
//
// # Reading
//
// [Read] is the analyst's side. It refuses files over [MaxFileSize] by
// their size, decrypts into a private temporary file and looks at nothing
// until age reports a clean end (age hands out the plaintext of a
// truncated file before failing). It then insists on exactly the members
// above, each once, regular files with safe names; checks the manifest's
// signature, every member's size, hash and line count and the counts;
// and decodes every line. Each failure has its own error ([ErrTruncated],
// [ErrDamaged], [ErrWrongKey], [ErrMember], [ErrBadSignature],
// [ErrHashMismatch], [ErrRecord], ...), wrapped with the details. Whether
// the device key is the one known for that device is for the caller (see
// package central).
package batch
