# The two commands of the README:
#   make demo   set up, build (Release), ingest the example corpus, print a summary
#   make test   set up, build, run every test (OpenAPI lint, Release, then ASan+UBSan)
# Other targets: build, asan, bench, fuzz, format, tidy, clean.

DEMO_DB      ?= build/demo.db
DEMO_CORPUS  ?= data/corpus/example-news.jsonl.gz
DEMO_QUERY   ?= Armenia Azerbaijan
JOBS         ?= $(shell nproc)
CASPIAN      := build/release/caspian

.PHONY: setup build demo test test-release test-asan lint-api asan bench fuzz format tidy clean

setup:
	@bash scripts/setup

build: setup
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

demo: build
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(CASPIAN) ingest --quiet --db $(DEMO_DB) $(DEMO_CORPUS)
	@echo
	$(CASPIAN) summary --db $(DEMO_DB) --query "$(DEMO_QUERY)"
	@echo
	$(CASPIAN) search --db $(DEMO_DB) --limit 3 "chemical weapons"
	@echo
	@echo "Browse what was stored over HTTP: $(CASPIAN) serve --db $(DEMO_DB)"
	@echo "  then open http://127.0.0.1:8080/api/v1/search?q=Almaty (docs/api.md)"

test-release: build
	ctest --preset release -j $(JOBS)

asan: setup
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)

test-asan: asan
	ctest --preset asan -j $(JOBS)

# The OpenAPI document linted by Redocly (npm; web/package-lock.json pins it).
lint-api: setup
	bash scripts/setup-web
	cd web && REDOCLY_TELEMETRY=off npm run --silent lint:api

test: lint-api test-release test-asan

bench: build
	build/release/bench/corpus_runner --repeat 3 $(DEMO_CORPUS)
	build/release/bench/stage_bench

fuzz: setup
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

tidy: build
	clang-tidy -p build/release $$(git ls-files 'src/*.cc')

clean:
	rm -rf build
