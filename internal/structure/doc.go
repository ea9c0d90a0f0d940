// Package structure holds no code, only tests of the project's shape that
// anyone can check with one command (go test ./internal/structure):
//
//   - no production .go file is longer than [MaxLines] lines, but for the
//     few listed in the test with the reason;
//   - the analyst's tool, cmd/chorus-central, does not link Fyne;
//   - no package under data/ imports Fyne or the app;
//   - package batch and its tests do not import the device's store;
//   - the root of the repository holds no Go files: the device's command
//     is cmd/chorus, the analyst's cmd/chorus-central.
//
// docs/ARCHITECTURE.md describes the layout these tests keep.
package structure

// MaxLines is the most lines a production (non-test) Go file may have.
const MaxLines = 600
