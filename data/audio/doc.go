// Package audio is a survey's audio pack: a recording of every text a
// participant sees, in every language, so that each screen can be heard.
//
// # Pack format ("chorus-audio/1")
//
// A pack is a folder:
//
//	manifest.json
//	en/q.devices.text.mp3
//	en/q.devices.option.phone.mp3
//	cy/...
//
// manifest.json lists, per language, one clip per text key (see [Keys]),
// each with its file (under the language's own folder), size, duration,
// SHA-256 and whether it is a draft (a synthetic voice) or a person's
// recording. Clips are MP3 (mono, 16 kHz, 24 kbit/s for drafts), read with
// github.com/hajimehoshi/go-mp3, a pure-Go decoder.
//
// # Identity
//
// A pack belongs to one survey version. The survey file names the pack and
// the SHA-256 of its manifest.json ("audio": {"pack": ..., "sha256": ...});
// the manifest names each clip's SHA-256. So the survey file's own SHA-256,
// which every response already carries, pins every sound a participant
// could have heard, and a changed recording needs a new survey version,
// as a changed text does. A pack whose manifest does not match the hash
// its survey names is not played at all.
//
// # Validation
//
// [Load] never fails for a bad clip: it returns the pack with what could be
// checked and a list of problems, each naming the language and text key
// (missing, unreadable, wrong language, oversized, wrong hash, not MP3).
// A clip with a problem is left out, so that screen is simply not read
// aloud; start-up never stops for audio.
package audio
