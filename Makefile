# Makefile - a thin front for meson.  The two commands of the README:
#   make run    install what is missing, build, create var/demo.db, serve it
#   make test   install what is missing, build, run every suite
BUILD ?= build
ASAN_BUILD ?= build-asan
DB ?= var/demo.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps build run test bench bench-province clean

all: build

deps:
	@scripts/deps

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	@mkdir -p var
	@if [ ! -f $(DB) ]; then $(BUILD)/tdc init --db $(DB) --demo; else $(BUILD)/tdc migrate --db $(DB); fi
	@echo
	@echo "tdc: open http://$(LISTEN)/ and sign in with one of the demo accounts"
	@echo "     (password for all: tdc-demo):"
	@echo "     admin (sysadmin), bureau, centre (天河区 centre admin),"
	@echo "     kg-centre (municipal kindergarten centre admin), school (school admin),"
	@echo "     teacher, alliance, evaluator"
	@echo
	$(BUILD)/tdc serve --db $(DB) --listen $(LISTEN)

test: build
	@scripts/test

bench: build
	bench/http.sh
	bench/import.sh
	bench/rush.sh

# a province: 1,000,000 persons and 20,000,000 hours records (about an hour)
bench-province: build
	bench/province.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) tests/e2e/out
