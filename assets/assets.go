// Package assets embeds what Chorus ships: the built-in surveys and the demo
// analyst key.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed surveys/*.json demo/*.txt
var files embed.FS

// BuiltinSurvey is the file name of the built-in survey.
const BuiltinSurvey = "digital-inclusion.json"

// Survey returns the bytes of the built-in survey file name.
func Survey(name string) ([]byte, error) { return fs.ReadFile(files, "surveys/"+name) }

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
