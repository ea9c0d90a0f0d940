package translations

import (
	"io/fs"
	"strings"
	"testing"
)

// TestReportFilesAreClean: the report's words pass Check against the
// report's English, every language has every word, and every key is a
// report key.
func TestReportFilesAreClean(t *testing.T) {
	fsys := ReportFS()
	read := func(name string, english Messages) Messages {
		t.Helper()
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		msgs, problems := Check("report/"+name, data, english)
		for _, p := range problems {
			t.Error(p)
		}
		return msgs
	}
	english := read("en.json", nil)
	names, err := fs.Glob(fsys, "*.json")
	if err != nil || len(names) < 2 {
		t.Fatalf("report word files: %v, %v", names, err)
	}
	for _, name := range names {
		msgs := read(name, english)
		for key := range english {
			if _, ok := msgs[key]; !ok {
				t.Errorf("report/%s lacks %s", name, key)
			}
		}
		for key := range msgs {
			if !strings.HasPrefix(key, "report.") {
				t.Errorf("report/%s: key %q does not start with report.", name, key)
			}
		}
	}
}
