// Corpus throughput runner: reads inputs with the ingest readers, runs the
// default pipeline over every article (no store), and prints articles/s,
// tokens/s, MB/s and peak RSS. Reading is timed apart from analysis.
//
//   build/release/bench/corpus_runner [--repeat N] [--stages a,b,...] PATH...
#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bench_util.h"
#include "caspian/caspian.h"

namespace {

constexpr double kBytesPerMB = 1e6;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 1;
  caspian::PipelineOptions opts;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--stages") == 0 && i + 1 < argc) {
      opts.stages = split(argv[++i], ',');
    } else {
      inputs.emplace_back(argv[i]);
    }
  }
  if (inputs.empty()) {
    fmt::print(stderr, "usage: corpus_runner [--repeat N] [--stages a,b] PATH...\n");
    return 2;
  }
  caspian::models_from_environment(opts);  // $CASPIAN_PARSE_MODEL and the others, as the CLI
  const auto load_start = std::chrono::steady_clock::now();
  auto pipeline = caspian::Pipeline::create(opts);
  if (!pipeline.ok()) {
    fmt::print(stderr, "corpus_runner: {}\n", pipeline.status().to_string());
    return 3;
  }
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();

  std::vector<caspian::Document> docs;
  (void)caspian::read_inputs(inputs, {},
                             [&](const caspian::RecordOrigin&, caspian::Result<caspian::Document> d) {
                               if (d.ok()) docs.push_back(std::move(d).value());
                               return true;
                             });
  uint64_t bytes = 0;
  for (const auto& d : docs) bytes += d.text.size();

  uint64_t tokens = 0;
  uint64_t mentions = 0;
  uint64_t times = 0;
  uint64_t events = 0;
  uint64_t flagged = 0;  // articles with at least one flag of the "checks" stage
  std::map<std::string, uint64_t> flags_by_kind;
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < repeat; ++r) {
    for (const caspian::Document& original : docs) {
      caspian::Document d = original;
      pipeline->run(d);
      tokens += d.tokens.size();
      mentions += d.mentions.size();
      times += d.times.size();
      events += d.events.size();
      flagged += d.flags.empty() ? 0 : 1;
      for (const caspian::Flag& f : d.flags) ++flags_by_kind[f.kind];
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double n = static_cast<double>(docs.size()) * repeat;
  fmt::print("corpus:      {} articles, {:.2f} MB of text, x{} repeats\n", docs.size(),
             static_cast<double>(bytes) / kBytesPerMB, repeat);
  fmt::print("stages:      {}\n", [&] {
    std::string s;
    for (const auto& st : pipeline->stages()) s += (s.empty() ? "" : ",") + std::string(st->name());
    return s;
  }());
  fmt::print("model load:  {:.3f} s\n", load_s);
  fmt::print("analysis:    {:.3f} s\n", secs);
  fmt::print("articles/s:  {:.0f}\n", n / secs);
  fmt::print("tokens/s:    {:.0f}\n", static_cast<double>(tokens) / secs);
  fmt::print("MB/s:        {:.2f}\n", static_cast<double>(bytes) * repeat / kBytesPerMB / secs);
  fmt::print("mentions:    {} ({:.1f}/article), time expressions: {} ({:.1f}/article)\n", mentions / repeat,
             static_cast<double>(mentions) / n, times / repeat, static_cast<double>(times) / n);
  fmt::print("events:      {} ({:.2f}/article)\n", events / repeat, static_cast<double>(events) / n);
  fmt::print("flagged:     {} articles ({:.2f}%)", flagged / repeat,
             100.0 * static_cast<double>(flagged) / n);
  for (const auto& [kind, count] : flags_by_kind) fmt::print(", {} {}", count / repeat, kind);
  fmt::print("\n");
  fmt::print("peak RSS:    {:.1f} MiB\n", caspian::bench::peak_rss_mib());
  return 0;
}
