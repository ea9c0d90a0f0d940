package audio

import (
	"errors"
	"io"
	"math"
	"time"

	"github.com/hajimehoshi/go-mp3"
)

// PCM is decoded audio: interleaved signed 16-bit little-endian stereo
// samples at Rate frames a second, as go-mp3 gives it.
type PCM struct {
	Rate int
	Data []byte
}

// Channels is the number of channels in [PCM] data: go-mp3 always gives
// stereo, doubling a mono recording.
const Channels = 2

// Duration is how long the audio plays.
func (p PCM) Duration() time.Duration {
	if p.Rate == 0 {
		return 0
	}
	frames := len(p.Data) / (2 * Channels)
	return time.Duration(frames) * time.Second / time.Duration(p.Rate)
}

// RMS is the root mean square of the samples, from 0 (silence) to 1.
func (p PCM) RMS() float64 {
	n := len(p.Data) / 2
	if n == 0 {
		return 0
	}
	var sum float64
	for i := 0; i+1 < len(p.Data); i += 2 {
		s := float64(int16(uint16(p.Data[i])|uint16(p.Data[i+1])<<8)) / 32768
		sum += s * s
	}
	return math.Sqrt(sum / float64(n))
}

// Decode decodes a whole MP3 clip.
func Decode(r io.Reader) (PCM, error) {
	d, err := mp3.NewDecoder(r)
	if err != nil {
		return PCM{}, err
	}
	b, err := io.ReadAll(d)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return PCM{}, err
	}
	if len(b) == 0 {
		return PCM{}, errors.New("no audio in the file")
	}
	return PCM{Rate: d.SampleRate(), Data: b}, nil
}

// Probe checks that r holds MPEG audio layer III (MP3) frames and returns
// the sample rate of the first, reading frame headers only: the first
// frame's, and the one its length leads to. The kiosk checks every clip of
// its pack at start (2,857 in the built-in one); decoding the start of each,
// as Probe once did, took 440 ms of the start-up. The clips' bytes are
// pinned by the manifest's SHA-256, and the pack's maker decodes every clip
// whole ([Decode]).
func Probe(r io.Reader) (int, error) {
	b, err := io.ReadAll(io.LimitReader(r, probeWindow))
	if err != nil {
		return 0, err
	}
	return probe(b, len(b) < probeWindow)
}

// probeWindow is as much of a file's start as [Probe] looks at: a first
// frame header at most 64 KiB in, and the frame it starts (at most 2,881
// bytes at layer III's highest bit rate and lowest sample rate), with the
// next header after it.
const probeWindow = 1<<16 + 4096

// probe is [Probe] on b, the start of a file; whole says b is the whole
// file, so that a frame ending exactly at its end counts.
func probe(b []byte, whole bool) (int, error) {
	at := 0
	if len(b) >= 10 && string(b[:3]) == "ID3" { // an ID3v2 tag: skip it
		at = 10 + int(b[6]&0x7f)<<21 | int(b[7]&0x7f)<<14 | int(b[8]&0x7f)<<7 | int(b[9]&0x7f)
		if b[5]&0x10 != 0 {
			at += 10 // a footer
		}
	}
	for ; at+4 <= len(b) && at < 1<<16; at++ {
		rate, n, ok := frameHeader(b[at:])
		if !ok {
			continue
		}
		if next := at + n; next == len(b) && whole || next+4 <= len(b) && frameSync(b[next:]) {
			return rate, nil
		}
	}
	return 0, errors.New("no audio in the file")
}

// MPEG audio frame headers (ISO/IEC 11172-3 and 13818-3): sample rates by
// version and index, and layer III bit rates in kbit/s by index.
var (
	mpegRates = map[byte][3]int{
		3: {44100, 48000, 32000}, // MPEG-1
		2: {22050, 24000, 16000}, // MPEG-2
		0: {11025, 12000, 8000},  // MPEG-2.5
	}
	layer3Kbps = map[bool][15]int{
		true:  {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}, // MPEG-1
		false: {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},     // MPEG-2 and 2.5
	}
)

func frameSync(h []byte) bool { return h[0] == 0xff && h[1]&0xe0 == 0xe0 }

// frameHeader reads a layer III frame header at the start of h: its sample
// rate and the frame's length in bytes.
func frameHeader(h []byte) (rate, length int, ok bool) {
	if len(h) < 4 || !frameSync(h) {
		return 0, 0, false
	}
	version, layer := (h[1]>>3)&3, (h[1]>>1)&3
	rates, known := mpegRates[version]
	bitIdx, rateIdx, pad := h[2]>>4, (h[2]>>2)&3, int(h[2]>>1)&1
	if !known || layer != 1 || bitIdx == 0 || bitIdx == 15 || rateIdx == 3 {
		return 0, 0, false
	}
	rate = rates[rateIdx]
	kbps := layer3Kbps[version == 3][bitIdx]
	per := 144
	if version != 3 {
		per = 72
	}
	return rate, per*kbps*1000/rate + pad, true
}

// SampleRate is the sample rate of every clip in a pack, in Hz: enough
// for speech, and one rate lets the kiosk open its audio output once.
const SampleRate = 16000

// SilenceFloor is the RMS below which a clip counts as silent: speech from
// espeak-ng or a microphone is well above it (0.03-0.1); a draft voice that
// cannot say a word gives near silence.
const SilenceFloor = 0.01
