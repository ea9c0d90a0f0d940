# Chorus. The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
export LANG := en_GB.UTF-8
export CGO_ENABLED := 1
PKGS := ./...
BIN := bin/chorus
# Every build and test leaves out Fyne's emoji font (-tags no_emoji): no
# Chorus text has an emoji, and Fyne parses its 4 MB font again for each
# theme scope (about 20 MB each); see docs/ARCHITECTURE.md, "Memory".

.PHONY: test-postgres deps-postgres run test build vet bench bench-start e2e a11y analysis screenshots screenshots-a11y reliability deps-build deps-test deps-e2e deps-a11y deps-analysis deps-cross deps-package clean central cross package wine-e2e

## run: install missing build packages, build, start Chorus in demo mode
run: deps-build build
	./$(BIN) --demo

build:
	$(GO) build -tags no_emoji -o $(BIN) ./cmd/chorus

central:
	$(GO) build -tags no_emoji -o bin/chorus-central ./cmd/chorus-central

## test: the full test suite (headless: Fyne's test driver, real SQLite, real age),
## then the analyst database's suite again on PostgreSQL
test: deps-test deps-postgres vet
	$(GO) test -tags ci,no_emoji -count=1 -timeout 30m $(PKGS)
	$(MAKE) test-postgres

## test-postgres: data/central and chorus-central against a throw-away
## PostgreSQL cluster (Debian's postgresql package: make deps-postgres).
## Without it the run says so and skips; with CI=1 it fails.
PG_PKGS := ./data/central ./cmd/chorus-central
test-postgres:
	@if [ -z "$$CI" ] && ! ls $${CHORUS_PG_BIN:-/usr/lib/postgresql/*/bin}/initdb >/dev/null 2>&1; then \
	  echo "SKIP: the PostgreSQL half of the tests: no PostgreSQL server installed (make deps-postgres installs Debian's)"; \
	else CHORUS_TEST_DB=postgres $(GO) test -tags ci,no_emoji -count=1 $(PG_PKGS); fi

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags ci,no_emoji $(PKGS)

## bench: benchmarks, each with its baseline in the same run
bench: deps-test
	$(GO) test -tags ci,no_emoji -run '^$$' -bench 'BenchmarkSubmit$$|BenchmarkRawInsert$$' -benchtime 300x -count 5 ./data/store
	$(GO) test -tags ci,no_emoji -run '^$$' -bench 'Export5k|Export100k|ExportMemory' -benchtime 3x -timeout 30m ./data/store
	$(GO) test -tags ci,no_emoji -run '^$$' -bench 'Merge1000x100|Report100k' -benchtime 1x -timeout 30m ./data/central
	$(GO) test -tags ci,no_emoji -run '^$$' -bench 'ParseSize' -benchtime 5x -count 3 ./data/survey
	$(GO) test -tags ci,no_emoji -run '^$$' -bench 'LoadShippedPack' -count 3 ./data/audio
	$(GO) test -tags ci,no_emoji -run '^$$' -bench 'TapToScreen' -benchtime 5x ./app
	$(MAKE) bench-start

## bench-start: time to the welcome screen and memory, against a minimal
## Fyne window in the same run (real windows under Xvfb)
bench-start: deps-build deps-e2e build
	python3 scripts/startbench.py

## reliability: the race detector on data/ (crash, disk-full, tamper,
## Unicode, clock and canary tests included), the kiosk's reliability tests,
## then each fuzz target for 30 s. .ci/run runs it; docs/RELIABILITY.md
## lists every test and figure. The kiosk escape checks are in `make e2e`.
FUZZTIME ?= 30s
reliability: deps-test
	$(GO) test -tags ci,no_emoji -race -count=1 ./data/...
	$(GO) test -tags ci,no_emoji -count=1 -run 'Full|Idle|Leak|Canary|WrongAndRight|Bad|Unicode|Keyboard|Shipped' ./app ./translations
	scripts/fuzz FuzzParse ./data/survey $(FUZZTIME) 5s
	scripts/fuzz FuzzParseReceipt ./data/survey $(FUZZTIME) 5s
	scripts/fuzz FuzzExpr ./data/survey $(FUZZTIME) 5s
	scripts/fuzz FuzzBuild ./data/survey/xlsform $(FUZZTIME) 5s
	scripts/fuzz FuzzRead ./data/batch $(FUZZTIME) 0s
	scripts/fuzz FuzzCheck ./translations $(FUZZTIME) 5s
	scripts/fuzz FuzzApply ./data/report/suppress $(FUZZTIME) 5s

## e2e: the real binary in Xvfb, in the shipped kiosk session
## (kiosk/linux): a keyboard-only participant path, one sealed response,
## then attempts to leave the kiosk (keys, menus, desktops, un-fullscreen,
## minimise, kill -9, SIGTERM; docs/KIOSK.md has the figures); then the
## same path and the staff PIN by taps alone, with the on-screen keys, on a
## 1280x800 and a 1024x600 screen; then a finger's drag scrolls a long list
## and a slightly sliding tap still taps
e2e: deps-build deps-e2e build
	python3 scripts/e2e.py
	python3 scripts/taps.py
	TAPS_SIZE=1024x600 python3 scripts/taps.py
	python3 scripts/touch.py

## a11y: the analyst's report checked by axe-core (WCAG 2.2 A/AA) in
## Debian's headless Chromium, in English and Welsh
a11y: deps-build deps-a11y build central
	scripts/a11y/check-report

## analysis: the analysis files of a 300-visit demo read with Debian's
## pandas and R (readr), asserting dates, scores, option columns and
## missing codes
analysis: deps-build deps-analysis build central
	scripts/analysis/check-outputs

## screenshots: every participant screen in LANG_TAG (default en) to shots/
screenshots: deps-build deps-e2e build
	python3 scripts/walk.py --lang $${LANG_TAG:-en} --out shots/$${LANG_TAG:-en}

## screenshots-a11y: every participant screen at 1024x768 and A++ in the
## seven languages of issue 15, to shots/a11y-1024x768-app/<lang>/
A11Y_LANGS ?= en cy ar ur pa zh-Hans so
screenshots-a11y: deps-build deps-e2e build
	for l in $(A11Y_LANGS); do \
	  python3 scripts/walk.py --lang $$l --out shots/a11y-1024x768-app/$$l --size 1024x768 --scale 2 || exit 1; \
	done

## cross: chorus.exe and chorus-central.exe for windows/amd64 in bin/windows
## (cgo with Debian's mingw-w64), then vet of the data packages for Windows
## and macOS without cgo (the OS-specific files compile on both)
MINGW_CC ?= x86_64-w64-mingw32-gcc
cross: deps-cross
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$(MINGW_CC) $(GO) build -tags no_emoji -o bin/windows/chorus-central.exe ./cmd/chorus-central
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$(MINGW_CC) $(GO) build -tags no_emoji -o bin/windows/chorus.exe ./cmd/chorus
	CGO_ENABLED=0 GOOS=windows $(GO) vet -tags ci,no_emoji ./data/... ./cmd/chorus-central
	CGO_ENABLED=0 GOOS=darwin $(GO) vet -tags ci,no_emoji ./data/...

deps-build:
	@scripts/install-deps build
deps-test:
	@scripts/install-deps test
deps-e2e:
	@scripts/install-deps e2e
deps-a11y:
	@scripts/install-deps a11y
deps-analysis:
	@scripts/install-deps analysis
deps-cross:
	@scripts/install-deps cross
deps-postgres:
	@scripts/install-deps postgres
deps-package:
	@scripts/install-deps package

## package: the Windows installer (Start-menu entry, icon) and zip, and the
## Linux .deb (desktop file, icon), in bin/package (scripts/package)
package: deps-package
	scripts/package

## wine-e2e: the Windows build end to end under Wine (scripts/wine-e2e)
wine-e2e:
	scripts/wine-e2e

clean:
	rm -rf bin
