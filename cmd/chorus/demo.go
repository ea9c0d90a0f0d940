package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"chorus/assets"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"
)

// Demo staff and their PINs, shown on the demo banner.
const (
	demoCoordinatorPIN = "246810"
	demoWorkerPIN      = "135790"
)

// setUpDemo sets up a demo folder on first use (demo key, demo staff) and
// keeps it on the current built-in survey. It returns the PINs to show.
func setUpDemo(st *store.Store) (string, error) {
	ctx := context.Background()
	name, body := builtinSurvey()
	pins := fmt.Sprintf("PINs: coordinator %s, worker %s", demoCoordinatorPIN, demoWorkerPIN)
	ok, err := st.IsSetUp(ctx)
	if err != nil {
		return "", err
	}
	if ok {
		if d, err := st.Device(); err == nil && !d.Demo {
			return "", fmt.Errorf("%s holds real data; demo mode uses its own folder", st.Dir())
		}
		// A folder on the current survey needs no parse of it (start-up
		// time: the shell reads the survey anyway).
		if _, cur, _ := st.ActiveSurvey(ctx); string(cur) != string(body) {
			sv, err := survey.Parse(name, body)
			if err != nil {
				return "", err
			}
			err = st.UseSurvey(ctx, "demo", sv, body)
			if errors.Is(err, store.ErrSurveyChanged) || errors.Is(err, store.ErrConsentChanged) {
				// The built-in survey changed without a new version: the
				// demo goes on with the one it has (P14), and says why.
				slog.Warn("demo folder keeps its survey", "err", err)
				return pins, nil
			}
			return pins, err
		}
		return pins, nil
	}
	sv, err := survey.Parse(name, body)
	if err != nil {
		return "", err
	}
	rs, err := seal.ParseRecipients(assets.DemoRecipient())
	if err != nil {
		return "", err
	}
	host, _ := os.Hostname()
	coord, err := st.Setup(ctx, store.SetupInput{
		DeviceName: "Demo " + host, CoordinatorName: "Demo coordinator", PIN: demoCoordinatorPIN,
		Recipients: rs, Survey: sv, SurveyBody: body,
	}, true)
	if err != nil {
		return "", err
	}
	_, err = st.AddStaff(ctx, coord.Name, "Demo worker", store.Worker, demoWorkerPIN)
	return pins, err
}
