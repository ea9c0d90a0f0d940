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

// Probe checks that r starts like an MP3 stream and returns its sample
// rate, without decoding it all.
func Probe(r io.Reader) (int, error) {
	d, err := mp3.NewDecoder(r)
	if err != nil {
		return 0, err
	}
	var buf [4096]byte
	if _, err := io.ReadFull(d, buf[:]); err != nil {
		return 0, errors.New("no audio in the file")
	}
	return d.SampleRate(), nil
}

// SampleRate is the sample rate of every clip in a pack, in Hz: enough
// for speech, and one rate lets the kiosk open its audio output once.
const SampleRate = 16000

// SilenceFloor is the RMS below which a clip counts as silent: speech from
// espeak-ng or a microphone is well above it (0.03-0.1); a draft voice that
// cannot say a word gives near silence.
const SilenceFloor = 0.01
