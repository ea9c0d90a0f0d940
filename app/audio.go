package app

import (
	"bytes"
	"log/slog"
	"sync"
	"time"

	"chorus/data/audio"

	"github.com/ebitengine/oto/v3"
)

// Clip is one recording to play: its text key (for tests and logs; never
// the words) and its MP3 bytes.
type Clip struct {
	Key  string
	Data []byte
}

// Player plays clips one after another. Play stops whatever is playing
// first, so at most one screen is ever heard; done runs (on the player's
// goroutine) when the clips have all been played, not when they are
// stopped. Implementations must be safe to call from the UI goroutine and
// return at once.
type Player interface {
	Play(clips []Clip, done func())
	Stop()
	Playing() bool
}

// NullPlayer plays nothing: the kiosk's player where no audio device
// exists. The Listen control still works as a control; nothing is heard
// and nothing is shown to the participant.
type NullPlayer struct{}

// Play does nothing.
func (NullPlayer) Play([]Clip, func()) {}

// Stop does nothing.
func (NullPlayer) Stop() {}

// Playing is always false.
func (NullPlayer) Playing() bool { return false }

// sampleRate is the rate every pack clip has (see audio.SampleRate).
const sampleRate = audio.SampleRate

var (
	systemOnce   sync.Once
	systemPlayer Player
)

// SystemPlayer returns the player for this machine's audio output (ALSA
// on Linux, WASAPI on Windows, Core Audio on macOS, through
// github.com/ebitengine/oto), made once per process. Where there is no
// output it logs one line and returns a [NullPlayer]: the kiosk keeps
// working, silently.
func SystemPlayer() Player {
	systemOnce.Do(func() {
		ctx, ready, err := oto.NewContext(&oto.NewContextOptions{
			SampleRate: sampleRate, ChannelCount: audio.Channels, Format: oto.FormatSignedInt16LE,
			BufferSize: 100 * time.Millisecond,
		})
		if err == nil {
			select {
			case <-ready:
				// oto reports a device that cannot be opened (no sound
				// card, no ALSA "default") here, not from NewContext.
				err = ctx.Err()
			case <-time.After(3 * time.Second):
				err = errNoReady
			}
		}
		if err != nil {
			slog.Info("no audio output; screens will not be read aloud", "err", err)
			systemPlayer = NullPlayer{}
			return
		}
		systemPlayer = &otoPlayer{ctx: ctx}
	})
	return systemPlayer
}

type noReadyError struct{}

func (noReadyError) Error() string { return "the audio device did not become ready" }

var errNoReady = noReadyError{}

// otoPlayer plays through an oto context. Each Play starts a new
// generation; a sequence whose generation is no longer current stops
// before its next clip and within one poll of the current one.
type otoPlayer struct {
	ctx     *oto.Context
	mu      sync.Mutex
	gen     int
	cur     *oto.Player
	playing bool
}

// Play stops what plays and plays clips on a goroutine of their own.
func (p *otoPlayer) Play(clips []Clip, done func()) {
	p.mu.Lock()
	p.gen++
	gen := p.gen
	p.stopLocked()
	p.playing = len(clips) > 0
	p.mu.Unlock()
	if len(clips) == 0 {
		return
	}
	go p.run(gen, clips, done)
}

func (p *otoPlayer) run(gen int, clips []Clip, done func()) {
	for _, c := range clips {
		pcm, err := audio.Decode(bytes.NewReader(c.Data))
		if err != nil || pcm.Rate != sampleRate {
			slog.Warn("cannot play a clip", "key", c.Key, "err", err, "rate", pcm.Rate)
			continue
		}
		p.mu.Lock()
		if p.gen != gen {
			p.mu.Unlock()
			return
		}
		pl := p.ctx.NewPlayer(bytes.NewReader(pcm.Data))
		p.cur = pl
		pl.Play()
		p.mu.Unlock()
		for {
			time.Sleep(30 * time.Millisecond)
			p.mu.Lock()
			stopped := p.gen != gen
			busy := pl.IsPlaying()
			p.mu.Unlock()
			if stopped {
				return
			}
			if !busy {
				break
			}
		}
		// A short pause between texts, as a person reading would.
		time.Sleep(250 * time.Millisecond)
	}
	p.mu.Lock()
	mine := p.gen == gen
	if mine {
		p.playing = false
		p.closeCur()
	}
	p.mu.Unlock()
	if mine && done != nil {
		done()
	}
}

// Stop ends what plays within one poll (30 ms); its done never runs.
func (p *otoPlayer) Stop() {
	p.mu.Lock()
	p.gen++
	p.stopLocked()
	p.mu.Unlock()
}

func (p *otoPlayer) stopLocked() {
	p.playing = false
	p.closeCur()
}

func (p *otoPlayer) closeCur() {
	if p.cur != nil {
		p.cur.Pause()
		_ = p.cur.Close()
		p.cur = nil
	}
}

// Playing reports whether a sequence is under way.
func (p *otoPlayer) Playing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.playing
}
