package xlsform

import (
	"regexp"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// names maps language names as XLSForm authors write them (label::English)
// to BCP 47 tags, for columns without "(tag)".
var names = map[string]string{
	"english": "en", "welsh": "cy", "cymraeg": "cy", "french": "fr", "français": "fr", "spanish": "es",
	"español": "es", "portuguese": "pt", "português": "pt", "arabic": "ar", "chinese": "zh", "hindi": "hi",
	"swahili": "sw", "kiswahili": "sw", "bengali": "bn", "bangla": "bn", "urdu": "ur", "punjabi": "pa",
	"gujarati": "gu", "polish": "pl", "romanian": "ro", "somali": "so", "nepali": "ne", "amharic": "am",
	"german": "de", "italian": "it", "russian": "ru", "turkish": "tr", "vietnamese": "vi", "indonesian": "id",
	"hausa": "ha", "yoruba": "yo", "igbo": "ig", "luganda": "lg", "kinyarwanda": "rw", "tigrinya": "ti",
	"oromo": "om", "burmese": "my", "khmer": "km", "lao": "lo", "thai": "th", "dari": "fa-AF", "pashto": "ps",
	"persian": "fa", "farsi": "fa", "tamil": "ta", "telugu": "te", "marathi": "mr", "sinhala": "si",
	"ukrainian": "uk", "tagalog": "tl", "filipino": "fil", "malay": "ms", "dutch": "nl", "greek": "el",
	"hebrew": "he", "japanese": "ja", "korean": "ko", "zulu": "zu", "xhosa": "xh", "afrikaans": "af",
	"shona": "sn", "chichewa": "ny", "malagasy": "mg", "haitian creole": "ht", "kurdish": "ku", "tetum": "tet",
}

var tagInName = regexp.MustCompile(`\(([A-Za-z0-9-]+)\)\s*$`)

// tagOf returns the language tag a column's language part names: "English
// (en)" is en, "english" is en by name, "fr" is fr. ok is false when it
// names no language Chorus can tell.
func tagOf(name string) (string, bool) {
	name = strings.TrimSpace(name)
	if m := tagInName.FindStringSubmatch(name); m != nil {
		if t, err := language.Parse(m[1]); err == nil {
			return t.String(), true
		}
		return "", false
	}
	if t, ok := names[strings.ToLower(name)]; ok {
		return t, true
	}
	if len(name) <= 3 {
		if t, err := language.Parse(name); err == nil && t.String() == strings.ToLower(name) {
			return t.String(), true
		}
	}
	return "", false
}

// columnName writes a language column's header for tag, as XLSForm
// recommends: "label::English (en)".
func columnName(field, tag string) string {
	t := language.Make(tag)
	name := display.English.Tags().Name(t)
	if name == "" {
		name = tag
	}
	return field + "::" + name + " (" + tag + ")"
}
