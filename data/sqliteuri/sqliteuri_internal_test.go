package sqliteuri

import (
	"path/filepath"
	"runtime"
	"testing"
)

// TestFromPath: paths as Linux, macOS and Windows write them become the
// URIs SQLite's rules (https://sqlite.org/uri.html) give for them; the
// Windows ones are checked here on any system.
func TestFromPath(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		windows bool
		want    string
	}{
		{"unix", "/home/ana/chorus/chorus.db", false, "file:///home/ana/chorus/chorus.db"},
		{"unix space", "/media/ana/USB STICK/chorus.db", false, "file:///media/ana/USB%20STICK/chorus.db"},
		{"unix query and fragment", "/tmp/a?b#c%d/chorus.db", false, "file:///tmp/a%3Fb%23c%25d/chorus.db"},
		{"unix backslash is a name's own", `/tmp/a\b/chorus.db`, false, "file:///tmp/a%5Cb/chorus.db"},
		{"unix non-ASCII", "/home/siân/ਪੰਜਾਬੀ/chorus.db", false, "file:///home/si%C3%A2n/%E0%A8%AA%E0%A9%B0%E0%A8%9C%E0%A8%BE%E0%A8%AC%E0%A9%80/chorus.db"},
		{"unix parameters characters", "/tmp/x&y=z;+,@$!'()*/chorus.db", false, "file:///tmp/x%26y%3Dz%3B%2B%2C%40%24%21%27%28%29%2A/chorus.db"},
		{"unix relative", "demo/chorus.db", false, "file:demo/chorus.db"},
		{"windows drive", `C:\dev\chorus.db`, true, "file:///C:/dev/chorus.db"},
		{"windows lower-case drive", `d:\Chorus\chorus.db`, true, "file:///d:/Chorus/chorus.db"},
		{"windows spaces", `C:\Users\Ana Jones\Documents\Chorus data\chorus.db`, true, "file:///C:/Users/Ana%20Jones/Documents/Chorus%20data/chorus.db"},
		{"windows hash and percent", `E:\survey #2 (100%)\chorus.db`, true, "file:///E:/survey%20%232%20%28100%25%29/chorus.db"},
		{"windows non-ASCII", `C:\Users\Siân\chorus.db`, true, "file:///C:/Users/Si%C3%A2n/chorus.db"},
		{"windows share", `\\server\share\chorus\chorus.db`, true, "file:////server/share/chorus/chorus.db"},
		{"windows forward slashes", `C:/dev/chorus.db`, true, "file:///C:/dev/chorus.db"},
		{"windows relative", `demo\chorus.db`, true, "file:demo/chorus.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fromPath(tt.path, tt.windows); got != tt.want {
				t.Errorf("fromPath(%q, %v) = %q, want %q", tt.path, tt.windows, got, tt.want)
			}
		})
	}
}

// TestFileIsAbsolute: File makes a relative path absolute from the
// working folder, so that "--data demo" never reads as an authority.
func TestFileIsAbsolute(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	got := File(filepath.Join("demo", "chorus.db"))
	abs, _ := filepath.Abs(filepath.Join("demo", "chorus.db"))
	if want := fromPath(abs, runtime.GOOS == "windows"); got != want {
		t.Errorf("File(demo/chorus.db) = %q, want %q", got, want)
	}
}
