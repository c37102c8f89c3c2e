// Micro-benchmarks: each stage alone, and the whole pipeline, on the seed article.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "caspian/caspian.h"

namespace {

caspian::Document seed() {
  std::ifstream in(std::string(CASPIAN_SOURCE_DIR) + "/data/corpus/almaty.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  caspian::ReadOptions o;
  o.date = "2025-08-20";
  auto d = caspian::document_from_text(ss.str(), o);
  if (!d.ok()) std::abort();
  return std::move(d).value();
}

// Times `stages` on the seed article; `prerequisites` (default: tokenize) run once outside the
// timed loop, and the timed pipeline is told what they assigned.
void run_stages(benchmark::State& state, std::vector<std::string> stages,
                std::vector<std::string> prerequisites = {"tokenize"}) {
  caspian::PipelineOptions prereq_opts;
  prereq_opts.stages = std::move(prerequisites);
  caspian::PipelineOptions opts;
  opts.stages = std::move(stages);
  if (opts.stages.size() != 1 || opts.stages[0] == "tokenize") prereq_opts.stages.clear();
  for (const std::string& name : prereq_opts.stages) opts.given.add(caspian::stage_contract(name)->assigned);
  auto p = caspian::Pipeline::create(opts);
  if (!p.ok()) {
    state.SkipWithError(p.status().to_string().c_str());
    return;
  }
  caspian::Document base = seed();
  if (!prereq_opts.stages.empty()) {
    auto prereq = caspian::Pipeline::create(prereq_opts);
    if (!prereq.ok()) {
      state.SkipWithError(prereq.status().to_string().c_str());
      return;
    }
    prereq->run(base);
  }
  for (auto _ : state) {
    caspian::Document d = base;
    p->run(d);
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(base.text.size()));
}

void BM_Tokenize(benchmark::State& s) {
  run_stages(s, {"tokenize"});
}
void BM_Pos(benchmark::State& s) {
  run_stages(s, {"pos"});
}
void BM_Timex(benchmark::State& s) {
  run_stages(s, {"timex"});
}
void BM_Gazetteer(benchmark::State& s) {
  run_stages(s, {"gazetteer"});
}
void BM_Parse(benchmark::State& s) {
  run_stages(s, {"parse"}, {"tokenize", "pos"});
}
void BM_Ner(benchmark::State& s) {
  run_stages(s, {"ner"}, {"tokenize", "gazetteer"});
}
void BM_Tone(benchmark::State& s) {
  run_stages(s, {"tone"});
}
void BM_Pipeline(benchmark::State& s) {
  run_stages(s, caspian::stage_names());
}

BENCHMARK(BM_Tokenize);
BENCHMARK(BM_Pos);
BENCHMARK(BM_Timex);
BENCHMARK(BM_Gazetteer);
BENCHMARK(BM_Parse);
BENCHMARK(BM_Ner);
BENCHMARK(BM_Tone);
BENCHMARK(BM_Pipeline);

}  // namespace

BENCHMARK_MAIN();
