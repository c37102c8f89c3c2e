# The two commands of the README:
#   make demo   set up, build (Release), ingest the example corpus, print a summary
#   make test   set up, build, run every test (Release, then ASan+UBSan)
# Other targets: build, asan, bench, fuzz, format, tidy, clean.

DEMO_DB      ?= build/demo.db
DEMO_CORPUS  ?= data/corpus/example-news.jsonl.gz
DEMO_QUERY   ?= Armenia Azerbaijan
JOBS         ?= $(shell nproc)
CASPIAN      := build/release/caspian

.PHONY: setup build demo test test-release test-asan asan bench fuzz format tidy clean

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

test-release: build
	ctest --preset release -j $(JOBS)

asan: setup
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)

test-asan: asan
	ctest --preset asan -j $(JOBS)

test: test-release test-asan

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
