package audio

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestProbeReadsFrameHeaders: Probe finds the sample rate of a real clip
// from its frame headers, past an ID3 tag, and refuses what is not MP3
// audio: text, a WAV header, zeros, and a frame whose length leads to no
// next frame (a cut or forged file).
func TestProbeReadsFrameHeaders(t *testing.T) {
	clips, err := filepath.Glob("../../assets/audio/digital-inclusion/en/*.mp3")
	if err != nil || len(clips) == 0 {
		t.Fatalf("no clips of the built-in pack (%v)", err)
	}
	clip, err := os.ReadFile(clips[0])
	if err != nil {
		t.Fatal(err)
	}
	if rate, err := Probe(bytes.NewReader(clip)); err != nil || rate != SampleRate {
		t.Fatalf("%s: rate %d, %v; want %d", clips[0], rate, err, SampleRate)
	}
	full, err := Decode(bytes.NewReader(clip))
	if err != nil || full.Rate != SampleRate {
		t.Fatalf("the decoder says rate %d, %v", full.Rate, err)
	}

	// An ID3v2 tag of 300 bytes (syncsafe size) before the frames.
	tag := append([]byte("ID3\x04\x00\x00\x00\x00\x02\x2c"), bytes.Repeat([]byte{0xff}, 300)...)
	if rate, err := Probe(bytes.NewReader(append(tag, clip...))); err != nil || rate != SampleRate {
		t.Errorf("after an ID3 tag: rate %d, %v", rate, err)
	}

	// The first frame's header kept, the rest of the file replaced.
	_, n, ok := frameHeader(clip)
	if !ok {
		t.Fatal("the clip does not start with a frame header")
	}
	cut := append(append([]byte{}, clip[:4]...), bytes.Repeat([]byte{0x55}, n+100)...)
	for name, b := range map[string][]byte{
		"text":          []byte("this is not audio at all, just words in a file"),
		"a WAV header":  append([]byte("RIFF\x24\x00\x00\x00WAVEfmt "), make([]byte, 64)...),
		"zeros":         make([]byte, 5000),
		"nothing":       nil,
		"a lone header": cut,
	} {
		if rate, err := Probe(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: accepted as MP3 at %d Hz", name, rate)
		}
	}
}
