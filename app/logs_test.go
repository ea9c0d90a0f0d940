package app

import (
	"bytes"
	"log"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a bytes.Buffer safe for loggers on several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// captureLogs sends everything Chorus and Fyne log (slog and the log
// package) to a buffer until the test ends, and checks then that none of
// the canaries is in it (P2, P3: no answer or PIN in the logs).
func captureLogs(t *testing.T, canaries ...string) *syncBuffer {
	t.Helper()
	buf := &syncBuffer{}
	oldSlog, oldOut, oldFlags := slog.Default(), log.Writer(), log.Flags()
	slog.SetDefault(slog.New(slog.NewTextHandler(buf, nil)))
	log.SetOutput(buf)
	t.Cleanup(func() {
		slog.SetDefault(oldSlog)
		log.SetOutput(oldOut)
		log.SetFlags(oldFlags)
		logs := buf.String()
		for _, c := range canaries {
			if strings.Contains(logs, c) {
				t.Errorf("the logs hold %q:\n%s", c, logs)
			}
		}
	})
	return buf
}
