package audio_test

import (
	"crypto/sha256"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"testing"

	"chorus/assets"
	"chorus/data/audio"
	"chorus/data/survey"
)

// BenchmarkLoadShippedPack checks the built-in survey's pack as the kiosk
// does at every start: from the binary (embedded) and from a data folder
// (files on disk), with its allocations: the check runs beside the
// window's start-up, and the garbage it makes slows that too (issue 17).
// The baseline, in the same run, only reads every clip of the embedded
// pack into a SHA-256, which no check can do without: read the check as a
// ratio to it (make bench).
func BenchmarkLoadShippedPack(b *testing.B) {
	sv, err := survey.ParseFile("../../assets/surveys/digital-inclusion.json")
	if err != nil {
		b.Fatal(err)
	}
	embedded := assets.Audio()
	b.Run("baseline-hash-only", func(b *testing.B) {
		pack, err := fs.Sub(embedded, sv.Audio.Pack)
		if err != nil {
			b.Fatal(err)
		}
		raw, err := fs.ReadFile(pack, audio.ManifestName)
		if err != nil {
			b.Fatal(err)
		}
		var m audio.Manifest
		if err := json.Unmarshal(raw, &m); err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 64<<10)
		b.ReportAllocs()
		for b.Loop() {
			for _, l := range m.Languages {
				for _, c := range l.Clips {
					f, err := pack.Open(c.File)
					if err != nil {
						b.Fatal(err)
					}
					h := sha256.New()
					if _, err := io.CopyBuffer(h, f, buf); err != nil {
						b.Fatal(err)
					}
					f.Close()
				}
			}
		}
	})
	for _, place := range []struct {
		name string
		fsys fs.FS
	}{{"embedded", embedded}, {"disk", os.DirFS("../../assets/audio")}} {
		b.Run(place.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := audio.Find(sv, place.fsys); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
