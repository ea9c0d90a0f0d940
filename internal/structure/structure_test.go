package structure

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// longFiles are the production files allowed over MaxLines for now, each
// with the reason. An entry whose file is back under the limit (or gone)
// fails the test, so the list only shrinks.
var longFiles = map[string]string{}

// root returns the repository's root folder: the module's.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod two folders up from internal/structure: %v", err)
	}
	return dir
}

// goList runs go list with args in the repository and returns its lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list packages with")
	}
	cmd := exec.Command(goTool, append([]string{"list"}, args...)...)
	cmd.Dir = root(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
	}
	return strings.Fields(string(out))
}

// TestNoLongFiles: no production .go file is over MaxLines lines, except
// those in longFiles.
func TestNoLongFiles(t *testing.T) {
	dir := root(t)
	long := map[string]int{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != dir && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		n, err := countLines(path)
		if err != nil {
			return err
		}
		if n > MaxLines {
			rel, _ := filepath.Rel(dir, path)
			long[filepath.ToSlash(rel)] = n
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range long {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if why, ok := longFiles[name]; ok {
			t.Logf("%s: %d lines, allowed for now: %s", name, long[name], why)
			continue
		}
		t.Errorf("%s has %d lines, more than %d: split it by responsibility", name, long[name], MaxLines)
	}
	for name := range longFiles {
		if _, ok := long[name]; !ok {
			t.Errorf("%s is listed in longFiles but is not over %d lines (or is gone): take it off the list", name, MaxLines)
		}
	}
}

// countLines counts the lines of the file at path as wc -l does.
func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
	}
	return n, sc.Err()
}

// TestCentralHasNoFyne: the analyst's tool links no Fyne package.
func TestCentralHasNoFyne(t *testing.T) {
	for _, pkg := range goList(t, "-deps", "./cmd/chorus-central") {
		if strings.HasPrefix(pkg, "fyne.io/") {
			t.Errorf("cmd/chorus-central depends on %s", pkg)
		}
	}
}

// TestDataHasNoUI: no package under data/ imports Fyne or the app, with
// its tests or without.
func TestDataHasNoUI(t *testing.T) {
	pkgs := goList(t, "./data/...")
	if len(pkgs) == 0 {
		t.Fatal("go list found no packages under data/")
	}
	for _, pkg := range pkgs {
		for _, dep := range goList(t, "-test", "-deps", "-f", "{{.ImportPath}}", pkg) {
			if strings.HasPrefix(dep, "fyne.io/") || dep == "chorus/app" || strings.HasPrefix(dep, "chorus/app/") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}

// TestBatchDoesNotImportTheStore: every package under data/batch, with
// its tests, never reaches the device's store: the store imports batch, not
// the other way round. The helper that makes real devices for tests uses
// the store, so it lives under it (data/store/storetest).
func TestBatchDoesNotImportTheStore(t *testing.T) {
	for _, dep := range goList(t, "-test", "-deps", "-f", "{{.ImportPath}}", "./data/batch/...") {
		if pkg, _, _ := strings.Cut(dep, " "); pkg == "chorus/data/store" || strings.HasPrefix(pkg, "chorus/data/store/") {
			t.Errorf("package batch or its tests depend on %s", dep)
		}
	}
}

// TestNoGoFilesAtTheRoot: the root of the repository holds no Go files;
// the commands live in cmd/.
func TestNoGoFilesAtTheRoot(t *testing.T) {
	ents, err := os.ReadDir(root(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".go") {
			t.Errorf("%s is at the root of the repository; commands live in cmd/", e.Name())
		}
	}
}
