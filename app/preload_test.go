package app

import (
	"errors"
	"os"
	"sync/atomic"
	"testing"

	"chorus/data/audio"
	"chorus/data/survey"
)

// TestPreloadHandsOutTheSurveyOnceWithItsPack reads the built-in survey and
// checks its real pack through a Preload, as Chorus's start-up does: the
// kiosk's first read gets the preloaded survey, and its pack without a
// second check; a later read parses the survey again (the kiosk sets the
// clock of the one it has), and another survey's pack is checked afresh.
func TestPreloadHandsOutTheSurveyOnceWithItsPack(t *testing.T) {
	var reads, checks atomic.Int32
	active := func() (*survey.Survey, error) {
		reads.Add(1)
		return survey.ParseFile("../assets/surveys/digital-inclusion.json")
	}
	loader := AudioLoader(os.DirFS("../assets/audio"))
	load := func(sv *survey.Survey) *audio.Pack {
		checks.Add(1)
		return loader(sv)
	}
	p := StartPreload(active, load)
	sv, err := p.Survey()
	if err != nil {
		t.Fatal(err)
	}
	if reads.Load() != 1 || checks.Load() != 1 {
		t.Fatalf("after the first read: %d reads, %d checks; want 1 and 1", reads.Load(), checks.Load())
	}
	pack := p.Audio(sv)
	if pack == nil || !pack.Speaks("cy") {
		t.Fatalf("the preloaded pack does not speak Welsh: %v", pack)
	}
	if checks.Load() != 1 {
		t.Errorf("the pack was checked again for the same survey: %d checks", checks.Load())
	}
	again, err := p.Survey()
	if err != nil {
		t.Fatal(err)
	}
	if again == sv || reads.Load() != 2 {
		t.Errorf("the second read gave the first survey again (%d reads): it is the kiosk's alone", reads.Load())
	}
	if p.Audio(again) != pack {
		t.Error("the same survey file got another pack")
	}
	other := *again
	other.SHA256 = "another file"
	p.Audio(&other)
	if checks.Load() != 2 {
		t.Errorf("another survey file's pack was not checked: %d checks", checks.Load())
	}
}

// TestPreloadOfANewFolderReadsAgain: a data folder with no survey yet (the
// setup screen comes first) has nothing to preload, and the kiosk, after
// setup, reads the survey setup chose.
func TestPreloadOfANewFolderReadsAgain(t *testing.T) {
	setUp := false
	active := func() (*survey.Survey, error) {
		if !setUp {
			return nil, errors.New("no survey is chosen for this data folder")
		}
		return survey.ParseFile("../assets/surveys/digital-inclusion.json")
	}
	p := StartPreload(active, func(*survey.Survey) *audio.Pack { return nil })
	<-p.done // the preload has run, before setup
	setUp = true
	sv, err := p.Survey()
	if err != nil || sv == nil {
		t.Fatalf("after setup: %v, %v; want the survey setup chose", sv, err)
	}
}
