package audio

import (
	"fmt"
	"os"
	"path/filepath"

	"chorus/data/survey"
)

// Install copies the pack that sv names from the folder beside the survey
// file surveyPath into dir (a data folder's audio/), after checking it
// against the survey's hash, so the kiosk finds it once the USB stick is
// gone. Only clips that pass the checks are copied. The copy is made in a
// temporary folder and renamed into place, replacing an older copy of the
// same pack. A survey without audio installs nothing.
func Install(sv *survey.Survey, surveyPath, dir string) ([]Problem, error) {
	if sv.Audio == nil {
		return nil, nil
	}
	src := filepath.Join(filepath.Dir(surveyPath), sv.Audio.Pack)
	if _, err := os.Stat(filepath.Join(src, ManifestName)); err != nil {
		return nil, fmt.Errorf("%w: no folder %s with a %s beside the survey file", ErrNoPack, sv.Audio.Pack, ManifestName)
	}
	p, probs, err := Load(os.DirFS(src), sv, sv.Audio.SHA256)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(dir, ".install-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	copyFile := func(rel string) error {
		b, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		dst := filepath.Join(tmp, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		if _, err := f.Write(b); err != nil {
			f.Close()
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if err := copyFile(ManifestName); err != nil {
		return nil, err
	}
	for _, pic := range p.pics {
		if err := copyFile(pic.File); err != nil {
			return nil, fmt.Errorf("cannot copy %s: %w", pic.File, err)
		}
	}
	for _, clips := range p.ok {
		for _, c := range clips {
			if err := copyFile(c.File); err != nil {
				return nil, fmt.Errorf("cannot copy %s: %w", c.File, err)
			}
		}
	}
	final := filepath.Join(dir, sv.Audio.Pack)
	old := final + ".old"
	os.RemoveAll(old)
	if err := os.Rename(final, old); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Rename(old, final)
		return nil, err
	}
	os.RemoveAll(old)
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return probs, nil
}
