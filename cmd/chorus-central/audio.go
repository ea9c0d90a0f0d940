package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
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
	recording       string // a person's recording to use instead, or ""
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
		texts := audio.SurveyTexts(sv, lang)
		for _, k := range audio.AppKeys {
			texts = append(texts, audio.Text{Key: audio.App(k), Text: words[lang][k]})
		}
		for _, t := range texts {
			j := clipJob{lang: lang, key: t.Key, text: t.Text}
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
		if err := speak(voice, j.text, wav.Name(), dst); err != nil {
			return audio.Clip{}, err
		}
		if silent(dst) {
			// espeak-ng says some words with vowel marks (Arabic تخطَّ) as
			// silence; without the marks it reads them.
			if err := speak(voice, stripMarks(j.text), wav.Name(), dst); err != nil {
				return audio.Clip{}, err
			}
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
func speak(voice, text, wav, dst string) error {
	cmd := exec.Command("espeak-ng", "-v", voice, "-s", "150", "-w", wav, "--stdin")
	cmd.Stdin = strings.NewReader(text)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("espeak-ng: %v: %s", err, bytes.TrimSpace(msg))
	}
	return encode(wav, dst, "16")
}

// silent reports whether the MP3 at name decodes to (near) silence.
func silent(name string) bool {
	b, err := os.ReadFile(name)
	if err != nil {
		return false
	}
	pcm, err := audio.Decode(bytes.NewReader(b))
	return err == nil && pcm.RMS() < audio.SilenceFloor
}

// stripMarks removes combining marks (vowel signs such as Arabic fatha
// and shadda) that are not needed to read a word.
func stripMarks(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x064B && r <= 0x0652 || r == 0x0670 {
			return -1
		}
		return r
	}, s)
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
