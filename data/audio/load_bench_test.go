package audio_test

import (
	"io/fs"
	"os"
	"testing"

	"chorus/assets"
	"chorus/data/audio"
	"chorus/data/survey"
)

// BenchmarkLoadShippedPack checks the built-in survey's pack as the kiosk
// does at every start: from the binary (embedded) and from a data folder
// (files on disk). Reported with its allocations: the check runs beside the
// window's start-up, and the garbage it makes slows that too (issue 17).
func BenchmarkLoadShippedPack(b *testing.B) {
	sv, err := survey.ParseFile("../../assets/surveys/digital-inclusion.json")
	if err != nil {
		b.Fatal(err)
	}
	for name, fsys := range map[string]fs.FS{"embedded": assets.Audio(), "disk": os.DirFS("../../assets/audio")} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := audio.Find(sv, fsys); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
