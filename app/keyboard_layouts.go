package app

import "strings"

// keyLayout is one language's on-screen keyboard: pages of rows of keys.
// Each key types its text (one or more runes, always in NFC) into the entry.
type keyLayout struct {
	pages []keyPage
	// note is the translation key of a line shown above the keys, or "".
	note string
}

// keyPage is one page of keys. name is shown on the key that switches to
// the page, so it is a sample of the page's own letters.
type keyPage struct {
	name string
	rows [][]string
}

// page builds a keyPage from rows of keys separated by spaces.
func page(name string, rows ...string) keyPage {
	p := keyPage{name: name}
	for _, r := range rows {
		p.rows = append(p.rows, strings.Fields(r))
	}
	return p
}

// The Latin letters every Latin layout starts from: QWERTY, which is what
// keyboards in the UK, Wales, Poland, Romania, Portugal's neighbours and
// Somalia's diaspora use, with the apostrophe Somali and Welsh need.
var (
	latinRows = []string{
		"q w e r t y u i o p",
		"a s d f g h j k l '",
		"z x c v b n m , .",
	}
	latinSymbols = page("123",
		"1 2 3 4 5 6 7 8 9 0",
		"- / : ; ( ) £ & @ \"",
		". , ? ! ' % + = # *",
	)
)

// latin is a QWERTY layout with a language's own letters on an extra row.
func latin(extra string) keyLayout {
	rows := latinRows
	if extra != "" {
		rows = append(append([]string{}, latinRows...), extra)
	}
	return keyLayout{pages: []keyPage{page("abc", rows...), latinSymbols}}
}

// keyLayouts are the on-screen keyboards by language tag. A language not
// listed uses English's.
//
// Arabic and Urdu keep the letters where the standard keyboards have them
// (Arabic 101; Urdu phonetic, as Pakistani and UK Urdu keyboards have it),
// first key at the left, as on a real keyboard; only the row of Space,
// delete and Done is mirrored.
//
// Gurmukhi, Bengali and Gujarati are laid out in the order of the alphabet
// (varnamala) rather than InScript's finger positions: people who do not
// touch-type find a letter faster where the alphabet puts it. The first
// page has the consonants and the vowel signs (most syllables are a
// consonant and a sign), the second the vowels, the other signs and the
// forms with nukta, the third digits and punctuation. Letters that Unicode
// normalisation would decompose (such as ਸ਼ or য়) are typed decomposed, so
// the text is already in NFC.
var keyLayouts = map[string]keyLayout{
	"en": latin(""),
	"so": latin(""),
	"cy": latin("â ê î ô û ŵ ŷ ä ë ï ö ÿ"),
	"pl": latin("ą ć ę ł ń ó ś ź ż"),
	"ro": latin("ă â î ș ț"),
	"pt": latin("á à â ã ç é ê í ó ô õ ú"),
	// Chinese characters need an input method with a dictionary of
	// thousands of words; see keyboard.go. The Latin keys let a person
	// answer in pinyin or English.
	"zh-Hans": {pages: latin("").pages, note: "keys.chinese"},
	"ar": {pages: []keyPage{
		page("أ ب",
			"ض ص ث ق ف غ ع ه خ ح ج د",
			"ش س ي ب ل ا ت ن م ك ط",
			"ئ ء ؤ ر لا ى ة و ز ظ",
			"ذ أ إ آ ، . ؟",
		),
		page("١٢٣",
			"١ ٢ ٣ ٤ ٥ ٦ ٧ ٨ ٩ ٠",
			"1 2 3 4 5 6 7 8 9 0",
			"- / : ؛ ( ) ! \" % +",
		),
	}},
	"ur": {pages: []keyPage{
		page("ا ب",
			"ق و ع ر ت ے ء ی ہ پ ٹ",
			"ا س د ف گ ح ج ک ل ڈ ڑ",
			"ز ش چ ط ب ن م ں ھ ۔ ،",
			"آ ث ذ ژ ص ض ظ غ خ ئ ؤ ۃ ؟",
		),
		page("۱۲۳",
			"۱ ۲ ۳ ۴ ۵ ۶ ۷ ۸ ۹ ۰",
			"1 2 3 4 5 6 7 8 9 0",
			"- / : ؛ ( ) ! \" % +",
		),
	}},
	"pa": {pages: []keyPage{
		page("ਕ ਾ",
			"ਕ ਖ ਗ ਘ ਙ ਚ ਛ ਜ ਝ ਞ",
			"ਟ ਠ ਡ ਢ ਣ ਤ ਥ ਦ ਧ ਨ",
			"ਪ ਫ ਬ ਭ ਮ ਯ ਰ ਲ ਵ ੜ ਸ ਹ",
			"ਾ ਿ ੀ ੁ ੂ ੇ ੈ ੋ ੌ ਂ ੰ ੱ",
		),
		page("ਅ ੳ",
			"ੳ ਅ ੲ ਆ ਇ ਈ ਉ ਊ ਏ ਐ ਓ ਔ",
			"ਸ਼ ਖ਼ ਗ਼ ਜ਼ ਫ਼ ਲ਼ ੍ ਼ ਃ ।",
		),
		page("੧੨੩",
			"੧ ੨ ੩ ੪ ੫ ੬ ੭ ੮ ੯ ੦",
			"1 2 3 4 5 6 7 8 9 0",
			"- / : ( ) . , ? ! \"",
		),
	}},
	"bn": {pages: []keyPage{
		page("ক া",
			"ক খ গ ঘ ঙ চ ছ জ ঝ ঞ",
			"ট ঠ ড ঢ ণ ত থ দ ধ ন",
			"প ফ ব ভ ম য র ল শ ষ স হ",
			"া ি ী ু ূ ৃ ে ৈ ো ৌ ্ ং",
		),
		page("অ আ",
			"অ আ ই ঈ উ ঊ ঋ এ ঐ ও ঔ",
			"ড় ঢ় য় ৎ ঁ ং ঃ ় ্ ক্ষ ।",
		),
		page("১২৩",
			"১ ২ ৩ ৪ ৫ ৬ ৭ ৮ ৯ ০",
			"1 2 3 4 5 6 7 8 9 0",
			"- / : ( ) . , ? ! \"",
		),
	}},
	"gu": {pages: []keyPage{
		page("ક ા",
			"ક ખ ગ ઘ ઙ ચ છ જ ઝ ઞ ક્ષ જ્ઞ",
			"ટ ઠ ડ ઢ ણ ત થ દ ધ ન ળ",
			"પ ફ બ ભ મ ય ર લ વ શ ષ સ હ",
			"ા િ ી ુ ૂ ૃ ે ૈ ો ૌ ્ ં",
		),
		page("અ આ",
			"અ આ ઇ ઈ ઉ ઊ ઋ એ ઐ ઓ ઔ",
			"ઁ ં ઃ ્ ૅ ૉ ઍ ઑ ૐ ।",
		),
		page("૧૨૩",
			"૧ ૨ ૩ ૪ ૫ ૬ ૭ ૮ ૯ ૦",
			"1 2 3 4 5 6 7 8 9 0",
			"- / : ( ) . , ? ! \"",
		),
	}},
}

// layoutFor returns the keyboard for a language: its own, or English's.
func layoutFor(tag string) keyLayout {
	if l, ok := keyLayouts[tag]; ok {
		return l
	}
	return keyLayouts["en"]
}
