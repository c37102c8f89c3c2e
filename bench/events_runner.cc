// Event-coding throughput: runs every sentence of PETRARCH record files (such as PETRARCH-2's
// GigaWord.sample.PETR.xml, 76 news sentences) from raw text through the whole pipeline, --repeat
// times, and prints sentences/s and tokens/s with and without the "events" stage (the baseline, in
// the same run), events coded, and peak RSS. Single thread.
//
//   build/release/bench/events_runner [--repeat N] FILE...
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.h"
#include "caspian/document.h"
#include "caspian/pipeline.h"
#include "eval/events_eval.h"

namespace {

struct Run {
  double seconds = 0;
  size_t sentences = 0;
  size_t tokens = 0;
  size_t events = 0;
};

Run run(const caspian::Pipeline& p, const std::vector<std::string>& texts, int repeat) {
  Run r;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < repeat; ++i) {
    for (const std::string& text : texts) {
      caspian::Document doc = caspian::make_document("", text);
      doc.published = std::chrono::year{2008} / std::chrono::August / std::chrono::day{6};
      p.run(doc);
      r.sentences += doc.sentences.size();
      r.tokens += doc.tokens.size();
      r.events += doc.events.size();
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 1;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: events_runner [--repeat N] FILE...\n");
    return 2;
  }
  std::vector<std::string> texts;
  for (const std::string& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    auto records = caspian::events::read_validation_records(buf.str(), f);
    if (!records.ok()) {
      std::fprintf(stderr, "events_runner: %s\n", records.status().message().c_str());
      return 1;
    }
    for (const auto& r : *records) {
      if (!r.text.empty()) texts.push_back(r.text);
    }
  }
  auto full = caspian::Pipeline::create();
  if (!full.ok()) {
    std::fprintf(stderr, "events_runner: %s\n", full.status().message().c_str());
    return 1;
  }
  run(*full, texts, 1);  // warm-up: caches, page faults
  const Run f = run(*full, texts, repeat);
  const double rss = caspian::bench::peak_rss_mib();  // one pipeline loaded so far
  caspian::PipelineOptions without;
  without.stages = caspian::stage_names();
  std::erase(without.stages, std::string("events"));
  auto base = caspian::Pipeline::create(without);
  if (!base.ok()) {
    std::fprintf(stderr, "events_runner: %s\n", base.status().message().c_str());
    return 1;
  }
  run(*base, texts, 1);
  const Run b = run(*base, texts, repeat);
  const auto line = [](const char* name, const Run& r) {
    fmt::print("{:<28} {:>7} sentences {:>8.3f} s {:>8.0f} sentences/s {:>9.0f} tokens/s {:>6} events\n",
               name, r.sentences, r.seconds, static_cast<double>(r.sentences) / r.seconds,
               static_cast<double>(r.tokens) / r.seconds, r.events);
  };
  fmt::print("{} records x {}\n", texts.size(), repeat);
  line("pipeline without events", b);
  line("pipeline with events", f);
  fmt::print("events stage alone: {:.1f} us per sentence\n",
             (f.seconds - b.seconds) / static_cast<double>(f.sentences) * 1e6);
  fmt::print("peak RSS of the whole pipeline with events {:.0f} MiB\n", rss);
  return 0;
}
