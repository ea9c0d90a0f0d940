package app

import (
	"sync"

	"chorus/data/audio"
	"chorus/data/survey"
)

// Preload reads the active survey and checks its audio pack on another
// goroutine while Chorus opens its window, for ShellConfig's LoadSurvey
// and LoadAudio (see docs/ARCHITECTURE.md, "Start-up"). Parsing the
// built-in survey and checking its pack's clips (every clip's SHA-256 and
// MP3 frames, about 3,000 clips) take about 40 ms, which the start-up
// spent waiting before the window could show (issue 17).
//
// The survey is handed out once, to the first call of Survey, and only
// after its pack is checked: from then on it is that caller's alone (the
// kiosk sets its clock), and no other goroutine reads it. Later calls read
// the survey again, as without a Preload.
type Preload struct {
	active func() (*survey.Survey, error)
	load   func(*survey.Survey) *audio.Pack
	done   chan struct{}

	mu   sync.Mutex
	sv   *survey.Survey // nil once handed out
	err  error
	sha  string // the preloaded survey file's SHA-256
	pack *audio.Pack
}

// StartPreload starts reading the survey active gives and checking its
// pack with load.
func StartPreload(active func() (*survey.Survey, error), load func(*survey.Survey) *audio.Pack) *Preload {
	p := &Preload{active: active, load: load, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.sv, p.err = active()
		if p.err == nil && p.sv != nil {
			p.sha = p.sv.SHA256
			p.pack = load(p.sv)
		}
	}()
	return p
}

// Survey returns the preloaded survey the first time, waiting for it if
// need be, and reads the active survey again after that, or when there was
// none to preload (a new data folder, set up since).
func (p *Preload) Survey() (*survey.Survey, error) {
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	sv := p.sv
	p.sv = nil
	if sv == nil || p.err != nil {
		return p.active()
	}
	return sv, nil
}

// Audio returns the checked pack of sv when sv was read from the file the
// preloaded survey was (the same SHA-256), and checks sv's pack with load
// otherwise.
func (p *Preload) Audio(sv *survey.Survey) *audio.Pack {
	<-p.done
	if sv != nil && p.sha != "" && sv.SHA256 == p.sha {
		return p.pack
	}
	return p.load(sv)
}
