package app

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"chorus/data/audio"
)

// TestSystemPlayer uses this machine's real output through oto. On Linux
// it points ALSA's default device at its "null" plugin (a real ALSA device
// that discards the sound in real time) unless CHORUS_REAL_AUDIO is set,
// so it runs the same on a laptop, in CI and in a container. Where no
// output opens it must be the silent NullPlayer, not an error; where one
// does, a real clip plays to the end, and a second play is stopped.
func TestSystemPlayer(t *testing.T) {
	if runtime.GOOS == "linux" && os.Getenv("CHORUS_REAL_AUDIO") == "" {
		conf := filepath.Join(t.TempDir(), "asound.conf")
		if err := os.WriteFile(conf, []byte("pcm.!default { type null }\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Setenv("ALSA_CONFIG_PATH", conf)
	}
	p := SystemPlayer()
	if p == nil {
		t.Fatal("no player")
	}
	if p != SystemPlayer() {
		t.Error("a second call made another player; the output is opened once")
	}
	if _, ok := p.(NullPlayer); ok {
		t.Skip("no audio output here: the kiosk uses the null player (the log says so once)")
	}
	b, err := os.ReadFile("../assets/audio/digital-inclusion/en/app.nav.next.mp3")
	if err != nil {
		t.Fatal(err)
	}
	clip := []Clip{{Key: audio.App("nav.next"), Data: b}, {Key: audio.App("nav.next"), Data: b}}
	done := make(chan struct{})
	start := time.Now()
	p.Play(clip, func() { close(done) })
	if !p.Playing() {
		t.Fatal("not playing")
	}
	select {
	case <-done:
		// ALSA's null device takes sound as fast as it comes, so only
		// the pause after each clip sets a floor.
		if d := time.Since(start); d < 2*250*time.Millisecond {
			t.Errorf("two clips played in %v: one was skipped", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the clip never finished")
	}
	if p.Playing() {
		t.Error("playing after the end")
	}
	done = make(chan struct{})
	p.Play(clip, func() { close(done) })
	time.Sleep(100 * time.Millisecond)
	p.Stop()
	if p.Playing() {
		t.Error("still playing after Stop")
	}
	select {
	case <-done:
		t.Error("a stopped play ran its done")
	case <-time.After(200 * time.Millisecond):
	}
}
