package audio

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"chorus/data/survey"
)

// Format is the value of a pack manifest's "format" field.
const Format = "chorus-audio/1"

// ManifestName is the manifest's file name in a pack folder.
const ManifestName = "manifest.json"

// Limits that keep a pack in proportion: a clip longer than a few minutes
// or a manifest this big is a mistake, not a recording of one screen.
const (
	MaxClipBytes     = 2 << 20 // 2 MiB, about 10 minutes at 24 kbit/s
	MaxManifestBytes = 4 << 20
)

// Manifest describes a pack. Its exact bytes are hashed into the survey's
// identity (see [survey.AudioRef]).
type Manifest struct {
	Format    string               `json:"format"`
	SurveyID  string               `json:"survey_id"`
	Languages map[string]*Language `json:"languages"` // by language tag
	// Pictures are the easy-read consent's pictures, by the name the
	// survey file gives them (survey.EasyPurpose.Picture).
	Pictures map[string]Picture `json:"pictures,omitempty"`
}

// Picture is one PNG picture in a pack.
type Picture struct {
	File   string `json:"file"` // "pictures/take_part.png"
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// MaxPictureBytes is the largest picture a pack may hold.
const MaxPictureBytes = 1 << 20

// Language is one language's clips in a pack.
type Language struct {
	// Voice says where the draft clips came from, e.g. "espeak-ng cy".
	Voice string          `json:"voice,omitempty"`
	Clips map[string]Clip `json:"clips"` // by text key, see [Keys]
}

// Clip is one recording.
type Clip struct {
	File   string `json:"file"` // in the pack, under the language's folder: "cy/q.devices.text.mp3"
	Bytes  int64  `json:"bytes"`
	Millis int64  `json:"ms"`
	SHA256 string `json:"sha256"`
	// Draft is true for a synthetic voice, false for a person's recording.
	Draft bool `json:"draft,omitempty"`
}

// Problem is one thing wrong with a pack, named by language and text key
// where it concerns one clip.
type Problem struct {
	Lang, Key string
	Msg       string
}

// Error is the problem as a message: "audio pack: LANG: KEY: what".
func (p Problem) Error() string {
	switch {
	case p.Lang == "":
		return "audio pack: " + p.Msg
	case p.Key == "":
		return "audio pack: " + p.Lang + ": " + p.Msg
	}
	return "audio pack: " + p.Lang + ": " + p.Key + ": " + p.Msg
}

// Pack is a loaded audio pack: the clips that passed every check.
type Pack struct {
	fsys     fs.FS
	Manifest Manifest
	// SHA256 is the hex SHA-256 of manifest.json's exact bytes.
	SHA256 string
	ok     map[string]map[string]Clip // language, key: clips that passed
	pics   map[string]Picture         // pictures that passed
}

// Status is a language's audio status, for staff.
type Status string

// Audio statuses.
const (
	Complete Status = "complete" // every key has a person's recording
	Draft    Status = "draft"    // every key has a clip, some in a synthetic voice
	Missing  Status = "missing"  // some keys have no usable clip
	// None means no key has a usable clip: the kiosk shows no Listen
	// control in the language until a project records it (Somali, which
	// espeak-ng has no voice for).
	None Status = "none"
)

// Load reads and checks the pack in fsys (a pack folder) against sv. It
// fails only when the manifest itself cannot be used (missing, unreadable,
// not a manifest, or not the manifest sv names); every clip problem is
// listed instead, and the clip left out, so a bad recording never stops
// start-up. want is the manifest SHA-256 the survey names, or "" to take
// any (the draft-pack command, staff checks).
func Load(fsys fs.FS, sv *survey.Survey, want string) (*Pack, []Problem, error) {
	raw, err := readLimited(fsys, ManifestName, MaxManifestBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("audio pack: cannot read %s: %w", ManifestName, err)
	}
	sum := sha256.Sum256(raw)
	p := &Pack{fsys: fsys, SHA256: hex.EncodeToString(sum[:]), ok: map[string]map[string]Clip{}, pics: map[string]Picture{}}
	if want != "" && p.SHA256 != want {
		return nil, nil, fmt.Errorf("audio pack: %s has SHA-256 %s but the survey names %s; the pack was changed after the survey was made (give the survey the new hash and a new version)", ManifestName, p.SHA256, want)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p.Manifest); err != nil {
		return nil, nil, fmt.Errorf("audio pack: %s: %w", ManifestName, err)
	}
	m := &p.Manifest
	if m.Format != Format {
		return nil, nil, fmt.Errorf("audio pack: %s: format must be %q, not %q", ManifestName, Format, m.Format)
	}
	if m.SurveyID != sv.ID {
		return nil, nil, fmt.Errorf("audio pack: made for survey %q, not %q", m.SurveyID, sv.ID)
	}
	var probs []Problem
	scratch := make([]byte, probeWindow)
	for _, lang := range sortedKeys(m.Languages) {
		if !sv.HasLanguage(lang) {
			probs = append(probs, Problem{Lang: lang, Msg: "not one of the survey's languages; its clips are not used"})
			continue
		}
		l := m.Languages[lang]
		if l == nil {
			continue
		}
		good := map[string]Clip{}
		known := map[string]bool{}
		for _, k := range Keys(sv, lang) {
			known[k] = true
		}
		for _, key := range sortedKeys(l.Clips) {
			c := l.Clips[key]
			if !known[key] {
				probs = append(probs, Problem{lang, key, "no text of the survey has this key; the clip is not used"})
				continue
			}
			if err := checkClip(fsys, lang, c, scratch); err != nil {
				probs = append(probs, Problem{lang, key, err.Error()})
				continue
			}
			good[key] = c
		}
		p.ok[lang] = good
	}
	probs = append(probs, p.checkPictures(sv)...)
	for _, lang := range sv.Languages {
		have := p.ok[lang]
		if len(have) == 0 {
			probs = append(probs, Problem{Lang: lang, Msg: "no recordings"})
			continue
		}
		for _, key := range Keys(sv, lang) {
			if _, ok := have[key]; !ok && !hasProblem(probs, lang, key) {
				probs = append(probs, Problem{lang, key, "missing"})
			}
		}
	}
	return p, probs, nil
}

func hasProblem(ps []Problem, lang, key string) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool { return p.Lang == lang && p.Key == key })
}

// checkClip checks one clip's file: in its language's folder, there,
// readable, not too big, the bytes the manifest names, and MP3. It reads
// the file through scratch (at least probeWindow bytes), which it reuses
// from clip to clip: a kiosk checks about 3,000 clips at every start, and
// reading each into memory of its own made 90 MB of garbage beside the
// window's start-up (issue 17; BenchmarkLoadShippedPack).
func checkClip(fsys fs.FS, lang string, c Clip, scratch []byte) error {
	dir, base := path.Split(c.File)
	if !fs.ValidPath(c.File) || strings.Contains(base, "/") {
		return fmt.Errorf("file name %q is not a plain path in the pack", c.File)
	}
	if dir != lang+"/" {
		return fmt.Errorf("wrong language: file %s is not in the %s/ folder", c.File, lang)
	}
	if !strings.HasSuffix(base, ".mp3") {
		return fmt.Errorf("file %s is not an .mp3 file", c.File)
	}
	f, err := fsys.Open(c.File)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", c.File, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", c.File, err)
	}
	if st.Size() > MaxClipBytes {
		return fmt.Errorf("file %s is %d bytes, more than the %d a clip may have", c.File, st.Size(), MaxClipBytes)
	}
	// The start of the file, for the MP3 check, then the rest through the
	// same buffer into the hash.
	n, err := io.ReadFull(f, scratch[:probeWindow])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fmt.Errorf("cannot read %s: %w", c.File, err)
	}
	rate, probeErr := probe(scratch[:n], n < probeWindow)
	h := sha256.New()
	h.Write(scratch[:n])
	rest, err := io.CopyBuffer(h, io.LimitReader(f, MaxClipBytes+1-int64(n)), scratch)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", c.File, err)
	}
	if int64(n)+rest > MaxClipBytes {
		return fmt.Errorf("file %s is more than the %d bytes a clip may have", c.File, MaxClipBytes)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != c.SHA256 {
		return fmt.Errorf("file %s has SHA-256 %s, not the %s the manifest names", c.File, got, c.SHA256)
	}
	if err := probeErr; err != nil {
		return fmt.Errorf("cannot read %s as MP3: %w", c.File, err)
	}
	if rate != SampleRate {
		return fmt.Errorf("file %s has %d samples a second, not %d", c.File, rate, SampleRate)
	}
	return nil
}

func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return b, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has reports whether the pack has a usable clip for key in lang.
func (p *Pack) Has(lang, key string) bool {
	if p == nil {
		return false
	}
	_, ok := p.ok[lang][key]
	return ok
}

// Open returns the bytes of the clip for key in lang.
func (p *Pack) Open(lang, key string) ([]byte, error) {
	if p == nil {
		return nil, ErrNoClip
	}
	c, ok := p.ok[lang][key]
	if !ok {
		return nil, ErrNoClip
	}
	return readLimited(p.fsys, c.File, MaxClipBytes)
}

// ErrNoClip is returned for a key the pack has no usable clip for.
var ErrNoClip = errors.New("no clip for this text")

// LanguageStatus is one language's audio, for staff.
type LanguageStatus struct {
	Lang    string
	Status  Status
	Clips   int   // usable clips
	Drafts  int   // of them, in a synthetic voice
	Missing int   // keys with no usable clip
	Millis  int64 // total duration of the usable clips
}

// Statuses gives each of sv's languages' audio status; p may be nil (no
// pack: every language missing).
func (p *Pack) Statuses(sv *survey.Survey) []LanguageStatus {
	var out []LanguageStatus
	for _, lang := range sv.Languages {
		s := LanguageStatus{Lang: lang}
		for _, key := range Keys(sv, lang) {
			c, ok := Clip{}, false
			if p != nil {
				c, ok = p.ok[lang][key]
			}
			switch {
			case !ok:
				s.Missing++
			case c.Draft:
				s.Drafts++
				fallthrough
			default:
				s.Clips++
				s.Millis += c.Millis
			}
		}
		switch {
		case s.Clips == 0:
			s.Status = None
		case s.Missing > 0:
			s.Status = Missing
		case s.Drafts > 0:
			s.Status = Draft
		default:
			s.Status = Complete
		}
		out = append(out, s)
	}
	return out
}

// ErrNoPack is returned by [Find] when no place holds the pack a survey
// names.
var ErrNoPack = errors.New("audio pack not found")

// Find loads the pack sv names (see [survey.AudioRef]) from the first of
// places that has a folder of its name with a manifest, checked against
// the hash the survey names. A survey that names no pack gives nil and no
// error.
func Find(sv *survey.Survey, places ...fs.FS) (*Pack, []Problem, error) {
	if sv.Audio == nil {
		return nil, nil, nil
	}
	for _, place := range places {
		if place == nil {
			continue
		}
		sub, err := fs.Sub(place, sv.Audio.Pack)
		if err != nil {
			continue
		}
		if _, err := fs.Stat(sub, ManifestName); err != nil {
			continue
		}
		return Load(sub, sv, sv.Audio.SHA256)
	}
	return nil, nil, fmt.Errorf("%w: no folder %q", ErrNoPack, sv.Audio.Pack)
}

// Speaks reports whether the pack has any usable clip in lang.
func (p *Pack) Speaks(lang string) bool {
	return p != nil && len(p.ok[lang]) > 0
}

// checkPictures checks the pack's pictures: each in pictures/, there, not
// too big, the bytes the manifest names, and PNG. A picture the easy-read
// consent names but the pack lacks is a problem too (key "picture NAME").
func (p *Pack) checkPictures(sv *survey.Survey) []Problem {
	var probs []Problem
	for _, name := range sortedKeys(p.Manifest.Pictures) {
		pic := p.Manifest.Pictures[name]
		key := "picture " + name
		if pic.File != "pictures/"+name {
			probs = append(probs, Problem{Lang: "pictures", Key: key, Msg: fmt.Sprintf("file must be pictures/%s, not %q", name, pic.File)})
			continue
		}
		b, err := readLimited(p.fsys, pic.File, MaxPictureBytes)
		if err != nil {
			probs = append(probs, Problem{Lang: "pictures", Key: key, Msg: fmt.Sprintf("cannot read %s: %v", pic.File, err)})
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != pic.SHA256 {
			probs = append(probs, Problem{Lang: "pictures", Key: key, Msg: fmt.Sprintf("file %s has SHA-256 %s, not the %s the manifest names", pic.File, got, pic.SHA256)})
			continue
		}
		if _, err := png.DecodeConfig(bytes.NewReader(b)); err != nil {
			probs = append(probs, Problem{Lang: "pictures", Key: key, Msg: fmt.Sprintf("%s is not a PNG picture: %v", pic.File, err)})
			continue
		}
		p.pics[name] = pic
	}
	if e := sv.Consent.EasyRead; e != nil {
		for _, ep := range e.Purposes {
			if ep.Picture != "" && p.Manifest.Pictures[ep.Picture].File == "" {
				probs = append(probs, Problem{Lang: "pictures", Key: "picture " + ep.Picture, Msg: "missing"})
			}
		}
	}
	return probs
}

// Picture returns the PNG bytes of the easy-read picture name.
func (p *Pack) Picture(name string) ([]byte, bool) {
	if p == nil {
		return nil, false
	}
	pic, ok := p.pics[name]
	if !ok {
		return nil, false
	}
	b, err := readLimited(p.fsys, pic.File, MaxPictureBytes)
	return b, err == nil
}
