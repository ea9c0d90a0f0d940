package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"chorus/data/audio"
	"chorus/data/survey"
	"chorus/translations"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// espeakVoices maps a survey language to its espeak-ng voice. Somali (so)
// has none in espeak-ng: its clips must be recorded.
var espeakVoices = map[string]string{
	"en": "en-gb", "cy": "cy", "pl": "pl", "ro": "ro", "pt": "pt", "pa": "pa",
	"ur": "ur", "bn": "bn", "gu": "gu", "ar": "ar", "zh-Hans": "cmn", "zh": "cmn",
}

// runSurvey is `chorus-central survey audio ...`, the survey authors'
// commands.
func runSurvey(c *cli, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "audio":
			return runSurveyAudio(c, args[1:])
		case "import":
			return runSurveyImport(c, args[1:]) // survey_xlsform.go
		case "export":
			return runSurveyExport(c, args[1:])
		}
	}
	return withHint(errors.New("survey needs a command: audio, import or export"), "chorus-central survey import FORM.xlsx --out SURVEY.json")
}

// clipJob is one clip to make.
type clipJob struct {
	lang, key, text string
	// spell says text is one character to name, as the language names
	// letters and digits (a receipt code's "K", "7").
	spell     bool
	recording string // a person's recording to use instead, or ""
}

// runSurveyAudio is `chorus-central survey audio SURVEY.json --out PACK
// [--recordings DIR]`: it makes a draft pack with espeak-ng and lame, using
// a person's recording DIR/LANG/KEY.mp3 (or .wav) wherever one exists, and
// reports what each language lacks.
func runSurveyAudio(c *cli, args []string) error {
	fset := flag.NewFlagSet("survey audio", flag.ContinueOnError)
	out := fset.String("out", "", "pack folder to write")
	recs := fset.String("recordings", "", "folder of recordings, LANG/KEY.mp3 or LANG/KEY.wav")
	rest, err := flags(fset, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || *out == "" {
		return withHint(errors.New("survey audio needs SURVEY.json and --out PACK"), "chorus-central survey audio survey.json --out survey-audio")
	}
	sv, err := survey.ParseFile(rest[0])
	if err != nil {
		return err
	}
	for _, tool := range []string{"espeak-ng", "lame"} {
		if _, err := exec.LookPath(tool); err != nil {
			return withHint(fmt.Errorf("%s is not installed", tool), "on Debian or Ubuntu: apt-get install espeak-ng lame")
		}
	}
	words, err := appWords(sv.Languages)
	if err != nil {
		return err
	}
	var jobs []clipJob
	for _, lang := range sv.Languages {
		texts, err := clipTexts(sv, lang, words[lang])
		if err != nil {
			return err
		}
		for _, t := range texts {
			j := clipJob{lang: lang, key: t.Key, text: t.Text, spell: strings.HasPrefix(t.Key, "spell.")}
			if *recs != "" {
				for _, ext := range []string{".mp3", ".wav"} {
					p := filepath.Join(*recs, lang, t.Key+ext)
					if _, err := os.Stat(p); err == nil {
						j.recording = p
						break
					}
				}
			}
			jobs = append(jobs, j)
		}
	}
	for _, lang := range sv.Languages {
		if err := os.MkdirAll(filepath.Join(*out, lang), 0o755); err != nil {
			return err
		}
	}
	m := audio.Manifest{Format: audio.Format, SurveyID: sv.ID, Languages: map[string]*audio.Language{}}
	for _, lang := range sv.Languages {
		l := &audio.Language{Clips: map[string]audio.Clip{}}
		if v, ok := espeakVoices[lang]; ok {
			l.Voice = "espeak-ng " + v
		}
		m.Languages[lang] = l
	}
	type result struct {
		job  clipJob
		clip audio.Clip
		err  error
	}
	results := make([]result, len(jobs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.NumCPU() {
		wg.Go(func() {
			for i := range next {
				clip, err := makeClip(*out, jobs[i])
				results[i] = result{jobs[i], clip, err}
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	failed := 0
	for _, r := range results {
		switch {
		case errors.Is(r.err, errNoVoice):
		case errors.Is(r.err, errSilent):
			c.logf("%s: %s: %v", r.job.lang, r.job.key, r.err) // reported as missing below
		case r.err != nil:
			c.logf("%s: %s: %v", r.job.lang, r.job.key, r.err)
			failed++
		default:
			m.Languages[r.job.lang].Clips[r.job.key] = r.clip
		}
	}
	if err := addPictures(c, sv, rest[0], *out, &m); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return err
	}
	raw = append(raw, '\n')
	if err := writeAtomic(filepath.Join(*out, audio.ManifestName), raw); err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	p, probs, err := audio.Load(os.DirFS(*out), sv, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%-8s %-9s %6s %6s %8s %9s %9s  %s\n", "language", "status", "clips", "drafts", "missing", "duration", "bytes", "voice")
	var total int64
	for _, s := range p.Statuses(sv) {
		var size int64
		for _, cl := range m.Languages[s.Lang].Clips {
			size += cl.Bytes
		}
		total += size
		voice := m.Languages[s.Lang].Voice
		if voice == "" {
			voice = "none: espeak-ng has no voice; record every text"
		}
		fmt.Fprintf(c.stdout, "%-8s %-9s %6d %6d %8d %9s %9d  %s\n", s.Lang, s.Status, s.Clips, s.Drafts, s.Missing,
			(time.Duration(s.Millis) * time.Millisecond).Round(time.Second), size, voice)
	}
	fmt.Fprintf(c.stdout, "total %d bytes\n", total)
	fmt.Fprintf(c.stdout, "manifest sha256 %s\n", hex.EncodeToString(sum[:]))
	for _, pr := range probs {
		if pr.Msg != "missing" {
			c.logf("%v", pr)
		}
	}
	c.logf("put this in the survey file (and give it a new version): \"audio\": {\"pack\": %q, \"sha256\": %q}",
		filepath.Base(*out), hex.EncodeToString(sum[:]))
	if failed > 0 {
		return fmt.Errorf("%d clips could not be made", failed)
	}
	return nil
}

// addPictures copies the easy-read consent's pictures from beside the
// survey file into the pack's pictures/ folder and lists them in m.
func addPictures(c *cli, sv *survey.Survey, surveyPath, out string, m *audio.Manifest) error {
	e := sv.Consent.EasyRead
	if e == nil {
		return nil
	}
	for _, p := range e.Purposes {
		if p.Picture == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(filepath.Dir(surveyPath), p.Picture))
		if err != nil {
			c.logf("picture %s: not found beside the survey file; the easy-read consent shows no picture for %s", p.Picture, p.ID)
			continue
		}
		if err := os.MkdirAll(filepath.Join(out, "pictures"), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "pictures", p.Picture), b, 0o644); err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		if m.Pictures == nil {
			m.Pictures = map[string]audio.Picture{}
		}
		m.Pictures[p.Picture] = audio.Picture{File: "pictures/" + p.Picture, Bytes: int64(len(b)), SHA256: hex.EncodeToString(sum[:])}
	}
	return nil
}

// errNoVoice means a language has no draft voice and no recording.
var errNoVoice = errors.New("no voice")

// makeClip makes one clip in the pack folder out: a person's recording
// (MP3 copied as it is, WAV encoded), or a draft from espeak-ng.
func makeClip(out string, j clipJob) (audio.Clip, error) {
	rel := j.lang + "/" + j.key + ".mp3"
	dst := filepath.Join(out, filepath.FromSlash(rel))
	draft := j.recording == ""
	switch {
	case j.recording != "":
		// A person's recording, MP3 or WAV, is encoded again at the
		// pack's one sample rate, at a higher bit rate than drafts.
		if err := encode(j.recording, dst, "32"); err != nil {
			return audio.Clip{}, err
		}
	default:
		voice, ok := espeakVoices[j.lang]
		if !ok {
			return audio.Clip{}, errNoVoice
		}
		wav, err := os.CreateTemp("", "chorus-clip-*.wav")
		if err != nil {
			return audio.Clip{}, err
		}
		wav.Close()
		defer os.Remove(wav.Name())
		if err := speak(voice, j.text, j.spell, wav.Name(), dst); err != nil {
			return audio.Clip{}, err
		}
	}
	b, err := os.ReadFile(dst)
	if err != nil {
		return audio.Clip{}, err
	}
	pcm, err := audio.Decode(bytes.NewReader(b))
	if err != nil {
		return audio.Clip{}, fmt.Errorf("%s does not decode: %w", rel, err)
	}
	if rms := pcm.RMS(); rms < audio.SilenceFloor {
		os.Remove(dst)
		return audio.Clip{}, fmt.Errorf("%w (RMS %.4f); record it", errSilent, rms)
	}
	sum := sha256.Sum256(b)
	return audio.Clip{File: rel, Bytes: int64(len(b)), Millis: pcm.Duration().Milliseconds(),
		SHA256: hex.EncodeToString(sum[:]), Draft: draft}, nil
}

// errSilent means a clip came out silent and was left out.
var errSilent = errors.New("the clip is silent")

// speak makes an MP3 draft of text with an espeak-ng voice, through wav.
// A character to spell is said as its name ("H" as "aitch", "7" in the
// language's own word), through SSML's say-as.
func speak(voice, text string, spell bool, wav, dst string) error {
	args := []string{"-v", voice, "-s", "150", "-w", wav, "--stdin"}
	text = shaddaFirst(text)
	if spell {
		args = append(args, "-m")
		text = `<speak><say-as interpret-as="characters">` + html.EscapeString(text) + `</say-as></speak>`
	}
	cmd := exec.Command("espeak-ng", args...)
	cmd.Stdin = strings.NewReader(text)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("espeak-ng: %v: %s", err, bytes.TrimSpace(msg))
	}
	return encode(wav, dst, "16")
}

// shaddaFirst puts each Arabic shadda (U+0651, a doubled consonant)
// before the short-vowel mark it is stacked with. Unicode's canonical
// order, which text editors and normalisation give, has the vowel first
// (fatha U+064E, then shadda); espeak-ng 1.51 reads only shadda-then-vowel
// and otherwise drops the vowel. A word whose one vowel was so marked
// became consonants alone: Arabic "Skip", تخطَّ, came out "tXt:", which is
// near silence, so the old draft pack had no clip for it.
func shaddaFirst(s string) string {
	r := []rune(s)
	for i := 1; i < len(r); i++ {
		if r[i] == 0x0651 && isHaraka(r[i-1]) {
			r[i-1], r[i] = r[i], r[i-1]
		}
	}
	return string(r)
}

// isHaraka reports whether r is an Arabic short-vowel or tanwin mark
// (fathatan to kasra, and sukun), the marks a shadda can carry.
func isHaraka(r rune) bool { return r >= 0x064B && r <= 0x0650 || r == 0x0652 }

// clipTexts lists every text of a complete pack in lang with its key, in
// the order of [audio.Keys]: the survey's texts, its questions' messages
// with their numbers in place, the progress line's words and numbers, the
// app's words, and the receipt code's characters. words are the app's
// words in lang.
func clipTexts(sv *survey.Survey, lang string, words map[string]string) ([]audio.Text, error) {
	texts := audio.SurveyTexts(sv, lang)
	loc, err := localizer(lang)
	if err != nil {
		return nil, err
	}
	for _, p := range audio.QuestionProblems(sv) {
		cfg := &i18n.LocalizeConfig{MessageID: p.MsgID, TemplateData: p.Data}
		if p.Count > 0 {
			cfg.PluralCount = p.Count
		}
		s, err := loc.Localize(cfg)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", lang, p.MsgID, err)
		}
		texts = append(texts, audio.Text{Key: p.Key, Text: s})
	}
	words0, _ := audio.ProgressTexts(lang)
	progress := map[string]string{}
	for _, t := range words0 {
		progress[t.Key] = t.Text
	}
	for _, key := range audio.ProgressKeys(sv, lang) {
		text, ok := progress[key]
		if !ok {
			text = key[strings.LastIndexByte(key, '.')+1:] // the number, in digits
		}
		texts = append(texts, audio.Text{Key: key, Text: text})
	}
	for _, k := range audio.AppKeys {
		texts = append(texts, audio.Text{Key: audio.App(k), Text: words[k]})
	}
	for _, c := range survey.ReceiptAlphabet {
		texts = append(texts, audio.Text{Key: audio.Spell(c), Text: string(c)})
	}
	return texts, nil
}

// localizer gives the app's messages in lang, with plural forms, from the
// embedded translation files.
func localizer(lang string) (*i18n.Localizer, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, tag := range []string{"en", lang} {
		if _, err := b.LoadMessageFileFS(translations.FS(), tag+".json"); err != nil {
			return nil, fmt.Errorf("app words in %s: %w", tag, err)
		}
	}
	return i18n.NewLocalizer(b, lang), nil
}

// encode makes a mono 16 kHz MP3 at kbps from a WAV or MP3 file with lame.
func encode(src, dst, kbps string) error {
	args := []string{"--quiet", "-m", "m", "--resample", "16", "-b", kbps}
	if strings.HasSuffix(src, ".mp3") {
		args = append(args, "--mp3input")
	}
	cmd := exec.Command("lame", append(args, src, dst)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("lame: %v: %s", err, bytes.TrimSpace(msg))
	}
	return nil
}

// appWords reads the app's participant-facing words for langs from the
// embedded translation files.
func appWords(langs []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, lang := range langs {
		b, err := fs.ReadFile(translations.FS(), lang+".json")
		if err != nil {
			return nil, fmt.Errorf("no app words in %s: %w", lang, err)
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return nil, fmt.Errorf("%s.json: %w", lang, err)
		}
		words := map[string]string{}
		for k, v := range raw {
			var s string
			if json.Unmarshal(v, &s) != nil {
				var plural struct{ Other string }
				_ = json.Unmarshal(v, &plural)
				s = plural.Other
			}
			words[k] = s
		}
		out[lang] = words
	}
	return out, nil
}

// writeAtomic writes b to name through a temporary file and a rename.
func writeAtomic(name string, b []byte) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
