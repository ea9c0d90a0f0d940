package batch_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsNothingAbove: package batch, its tests included, imports no
// package of Chorus but package seal. The device's store imports batch
// (its encoder, Write and WriteFile); batch never imports the store, nor
// does anything batch's tests use.
func TestImportsNothingAbove(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the imports with")
	}
	out, err := exec.Command(goTool, "list", "-test", "-deps", "-f", "{{.ImportPath}}", "chorus/data/batch").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var above []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, _, _ := strings.Cut(line, " ") // "pkg [pkg.test]" for a test's own build
		switch pkg {
		case "chorus/data/seal", "chorus/data/batch", "chorus/data/batch_test", "chorus/data/batch.test":
		default:
			if strings.HasPrefix(pkg, "chorus/") {
				above = append(above, pkg)
			}
		}
	}
	if len(above) > 0 {
		t.Errorf("package batch or its tests import %v", above)
	}
}
