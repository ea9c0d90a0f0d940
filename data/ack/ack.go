// Package ack is the acknowledgement the analyst's chorus-central writes
// for a laptop after merging its batches, and the laptop reads before it
// deletes those batches' sealed answers (retention).
//
// An acknowledgement names a device and, for each batch merged, its number
// and the SHA-256 of its manifest. The manifest travels only inside the
// encrypted batch, so its hash is known to the laptop that wrote the batch
// and to whoever decrypted it with the analyst's key, and to no one who
// only handled the .tar.age file on a stick. A laptop deletes only the
// sealed answers of batches it exported itself and whose manifest hash
// matches the one it recorded: a forged or mistaken file can at worst
// remove answers that already left the laptop in a batch, never anything
// waiting to export. The central database has no signing key of its own
// (only devices sign), so the file is not signed; the hash binding is what
// makes it trustworthy enough for this.
//
// The file is JSON:
//
//	{
//	  "format": "chorus-ack/1",
//	  "device_id": "0193…",
//	  "written_at": "2026-12-03T12:00:00Z",
//	  "batches": [{"seq": 1, "manifest_sha256": "…64 hex…"}]
//	}
//
// It lists every batch of the device merged so far, so the newest file
// replaces the ones before it.
package ack

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"chorus/data/batch"
)

// Format is the value of an acknowledgement's "format" field.
const Format = "chorus-ack/1"

// MaxFileSize is the largest acknowledgement [Read] reads: a device's
// batches come to about 100 bytes each.
const MaxFileSize = 4 << 20

// File is an acknowledgement.
type File struct {
	Format    string    `json:"format"`
	DeviceID  string    `json:"device_id"`
	WrittenAt time.Time `json:"written_at"`
	Batches   []Batch   `json:"batches"`
}

// Batch is one merged batch.
type Batch struct {
	Seq            int64  `json:"seq"`
	ManifestSHA256 string `json:"manifest_sha256"`
}

// FileName is the name [Write] gives the acknowledgement for deviceID.
func FileName(deviceID string) string {
	return "chorus-ack-" + batch.DeviceShort(deviceID) + ".json"
}

// Write writes f into dir as [FileName], through a temporary file that is
// synced and renamed, so the file is there whole or not at all. An
// acknowledgement of the same device already there is replaced: the new
// one lists all it did and more.
func Write(dir string, f File) (string, error) {
	f.Format = Format
	if err := f.check(); err != nil {
		return "", err
	}
	body, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".chorus-ack-*.tmp")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(body, '\n')); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	path := filepath.Join(dir, FileName(f.DeviceID))
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", err
	}
	return path, batch.SyncDir(dir)
}

// Read reads and checks the acknowledgement at path. Its errors name the
// file and, where there is one, the field.
func Read(path string) (File, error) {
	var f File
	fh, err := os.Open(path)
	if err != nil {
		return f, err
	}
	defer fh.Close()
	body, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
	if err != nil {
		return f, fmt.Errorf("%s: %w", path, err)
	}
	if len(body) > MaxFileSize {
		return f, fmt.Errorf("%s: larger than %d bytes: not an acknowledgement", path, MaxFileSize)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("%s: not an acknowledgement from chorus-central: %w", path, err)
	}
	if dec.More() {
		return f, fmt.Errorf("%s: more than one JSON value", path)
	}
	if err := f.check(); err != nil {
		return f, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// check reports the first field that is wrong.
func (f File) check() error {
	if f.Format != Format {
		return fmt.Errorf("format: %q, want %q", f.Format, Format)
	}
	if f.DeviceID == "" {
		return errors.New("device_id: missing")
	}
	if len(f.Batches) == 0 {
		return errors.New("batches: none listed")
	}
	seen := map[int64]bool{}
	for i, b := range f.Batches {
		if b.Seq < 1 {
			return fmt.Errorf("batches[%d].seq: %d is not a batch number", i, b.Seq)
		}
		if seen[b.Seq] {
			return fmt.Errorf("batches[%d].seq: batch %d is listed twice", i, b.Seq)
		}
		seen[b.Seq] = true
		if _, err := hex.DecodeString(b.ManifestSHA256); err != nil || len(b.ManifestSHA256) != 64 {
			return fmt.Errorf("batches[%d].manifest_sha256: not a SHA-256 in hex", i)
		}
	}
	return nil
}
