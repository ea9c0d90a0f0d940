// Package assets embeds what Chorus ships: the built-in surveys and the demo
// analyst key.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed surveys/*.json demo/*.txt faces/*.svg icon.png audio
var files embed.FS

// BuiltinSurvey is the file name of the built-in survey.
const BuiltinSurvey = "digital-inclusion.json"

// Survey returns the bytes of the built-in survey file name.
func Survey(name string) ([]byte, error) { return fs.ReadFile(files, "surveys/"+name) }

// Audio holds the built-in surveys' audio packs, one folder each (see
// chorus/data/audio).
func Audio() fs.FS {
	sub, err := fs.Sub(files, "audio")
	if err != nil {
		panic("assets: audio is not embedded: " + err.Error()) // a build defect
	}
	return sub
}

// DemoRecipient is the demo analyst's public key file. Demo only.
func DemoRecipient() string { return mustRead("demo/analyst-recipient.txt") }

// DemoIdentity is the demo analyst's private key file, shipped so demo mode
// and tests can open what they sealed. Never for real data.
func DemoIdentity() string { return mustRead("demo/analyst-identity.txt") }

func mustRead(name string) string {
	b, err := files.ReadFile(name)
	if err != nil {
		panic("assets: " + name + " is not embedded: " + err.Error()) // a build defect, not input
	}
	return string(b)
}

// Face returns the picture (SVG) for point i (0-3) of a four-face scale,
// from very unhappy to very happy.
func Face(i int) []byte {
	names := [...]string{"very_unhappy", "unhappy", "happy", "very_happy"}
	if i < 0 || i >= len(names) {
		return nil
	}
	b, _ := files.ReadFile("faces/" + names[i] + ".svg")
	return b
}

// Icon is Chorus's application icon (PNG).
func Icon() []byte { b, _ := files.ReadFile("icon.png"); return b }

// ContrastIcon is the picture (SVG) on the high-contrast switch.
func ContrastIcon() []byte { b, _ := files.ReadFile("faces/contrast.svg"); return b }
