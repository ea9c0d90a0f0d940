package central_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/batch"
	"chorus/data/central"
	"chorus/data/seal"
	"chorus/data/store/storetest"
)

// tempFiles lists the decrypted batches in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, batch.TempPattern))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// A merge killed while it has a batch decrypted leaves the decrypted tar
// behind; the next Open of a database in that folder removes it, but not
// the one a merge that is still running is reading.
func TestOpenRemovesDecryptedBatchesOfKilledMerges(t *testing.T) {
	sqliteOnly(t, "the database file's folder and modes")
	dir := t.TempDir()
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	dev.Submit(3)
	file := dev.Export(t.TempDir())
	idFile := filepath.Join(t.TempDir(), "analyst.key")
	if err := os.WriteFile(idFile, []byte(k.Identity), 0o600); err != nil {
		t.Fatal(err)
	}

	// A merge in another process, stopped with the batch decrypted.
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperReadBatch$")
	cmd.Env = append(os.Environ(), "CHORUS_TEST_READ="+strings.Join([]string{file, idFile, dir}, string(filepath.ListSeparator)))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe() // the helper waits on it until killed
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); line != "read\n" {
		t.Fatalf("helper said %q (%v), want read", line, err)
	}
	running := tempFiles(t, dir)
	if len(running) != 1 {
		t.Fatalf("%d decrypted batches in the folder while the helper reads one, want 1", len(running))
	}
	if st, err := os.Stat(running[0]); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the decrypted batch has mode %v (%v), want 0600", st.Mode().Perm(), err)
	}

	// A leftover of an earlier killed merge, as Read names them.
	leftover, err := os.CreateTemp(dir, batch.TempPattern)
	if err != nil {
		t.Fatal(err)
	}
	leftover.WriteString("decrypted answers")
	leftover.Close()

	db, err := central.Open(filepath.Join(dir, "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(leftover.Name()); err == nil {
		t.Errorf("Open left the decrypted batch of a killed merge")
	}
	if _, err := os.Stat(running[0]); err != nil {
		t.Errorf("Open removed the batch a running merge is reading: %v", err)
	}

	cmd.Process.Kill()
	cmd.Wait()
	killed = true
	if _, err := os.Stat(running[0]); err != nil {
		t.Fatalf("the killed helper's batch is gone before the next Open: %v", err)
	}
	db, err = central.Open(filepath.Join(dir, "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if left := tempFiles(t, dir); len(left) != 0 {
		t.Errorf("after the helper was killed, Open left %q", left)
	}
	// Other files in the folder are the analyst's.
	if ents, _ := os.ReadDir(dir); len(ents) != 1 || ents[0].Name() != "central.db" {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %q, want central.db only", names)
	}
}

// TestHelperReadBatch is the merge that TestOpenRemovesDecryptedBatchesOfKilledMerges
// kills: it decrypts a batch into a folder, says so and waits.
func TestHelperReadBatch(t *testing.T) {
	args, ok := os.LookupEnv("CHORUS_TEST_READ")
	if !ok {
		t.Skip("run by TestOpenRemovesDecryptedBatchesOfKilledMerges")
	}
	a := filepath.SplitList(args)
	key, err := os.ReadFile(a[1])
	if err != nil {
		t.Fatal(err)
	}
	ids, err := seal.ParseIdentities(string(key))
	if err != nil {
		t.Fatal(err)
	}
	b, err := batch.Read(a[0], ids, batch.ReadOptions{TempDir: a[2]})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	os.Stdout.WriteString("read\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
}
