package store_test

import (
	"os"
	"runtime/pprof"
	"testing"

	"chorus/data/store"
)

func TestZZProf(t *testing.T) {
	dir := os.Getenv("PROFDIR")
	if dir == "" {
		t.Skip()
	}
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, _ := os.Create("/tmp/export.prof")
	pprof.StartCPUProfile(f)
	if _, err := st.Reexport(ctx, 1, t.TempDir(), store.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	pprof.StopCPUProfile()
}
