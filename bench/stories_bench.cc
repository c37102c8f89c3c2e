// Story clustering's share of ingest: reads FILE... (any input `caspian ingest` takes), analyses
// every article with the default pipeline, stores them in a temporary store in batches of 256 (as
// `caspian ingest` does, clustering included), then clusters the same analysed articles again in
// memory alone (story terms and the online clusterer, src/stories). Prints articles/s and tokens/s
// of each step, the clustering's share of analysis + store, and peak RSS. Single thread.
//
//   build/release/bench/stories_bench data/corpus/example-news.jsonl.gz
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_util.h"
#include "caspian/ingest.h"
#include "caspian/pipeline.h"
#include "caspian/store.h"
#include "stories/clusterer.h"

namespace {

constexpr int kBatchArticles = 256;  // IngestOptions::batch_articles

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int32_t day_of(const caspian::Document& doc) {
  if (!doc.published) return 0;
  return static_cast<int32_t>(std::chrono::sys_days(*doc.published).time_since_epoch().count());
}

void print_step(const char* name, double seconds, size_t articles, uint64_t tokens) {
  fmt::print("{:<12} {:8.2f} s  {:9.0f} articles/s  {:10.0f} tokens/s\n", name, seconds,
             static_cast<double>(articles) / seconds, static_cast<double>(tokens) / seconds);
}

// Seconds to cluster `docs` in memory alone.
double cluster(const std::vector<caspian::Document>& docs, const caspian::StoryOptions& options) {
  caspian::stories::StoryClusterer clusterer(options);
  const auto t0 = std::chrono::steady_clock::now();
  for (const caspian::Document& d : docs) {
    (void)clusterer.add(caspian::stories::story_terms(d), day_of(d), caspian::stories::story_title(d));
  }
  return seconds_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> inputs(argv + 1, argv + argc);
  if (inputs.empty()) {
    fmt::print(stderr, "usage: stories_bench FILE...\n");
    return 2;
  }
  std::vector<caspian::Document> docs;
  const caspian::Status read = caspian::read_inputs(
      inputs, {}, [&](const caspian::RecordOrigin&, caspian::Result<caspian::Document> doc) {
        if (doc.ok()) docs.push_back(std::move(doc).value());
        return true;
      });
  if (!read.ok()) {
    fmt::print(stderr, "stories_bench: {}\n", read.to_string());
    return 1;
  }
  auto pipeline = caspian::Pipeline::create();
  if (!pipeline.ok()) {
    fmt::print(stderr, "stories_bench: {}\n", pipeline.status().to_string());
    return 1;
  }
  uint64_t tokens = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (caspian::Document& d : docs) {
    pipeline->run(d);
    tokens += d.tokens.size();
  }
  const double analysis = seconds_since(t0);

  const std::filesystem::path db =
      std::filesystem::temp_directory_path() / fmt::format("caspian-stories-bench-{}.db", ::getpid());
  double store_seconds = 0;
  {
    auto store = caspian::open_store(db.string());
    if (!store.ok()) {
      fmt::print(stderr, "stories_bench: {}\n", store.status().to_string());
      return 1;
    }
    t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < docs.size(); ++i) {
      if (i % kBatchArticles == 0 && !(*store)->begin_batch().ok()) return 1;
      if (!(*store)->put(docs[i]).ok()) return 1;
      if ((i + 1) % kBatchArticles == 0 || i + 1 == docs.size()) {
        if (!(*store)->commit_batch().ok()) return 1;
      }
    }
    store_seconds = seconds_since(t0);
  }
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix, ec);

  // The baseline first: every story sharing a term is a candidate.
  caspian::StoryOptions every;
  every.candidate_budget = 0;
  const double baseline = cluster(docs, every);
  const double clustering = cluster(docs, {});

  fmt::print("{} articles, {} tokens\n", docs.size(), tokens);
  print_step("analysis", analysis, docs.size(), tokens);
  print_step("store", store_seconds, docs.size(), tokens);
  print_step("clustering", clustering, docs.size(), tokens);
  print_step("(baseline)", baseline, docs.size(), tokens);
  fmt::print(
      "clustering (default options; the baseline has no candidate budget) in memory: {:.1f}% of analysis + "
      "store ({:.0f} us/article); the store step "
      "includes clustering and its SQL: {:.1f}% of analysis + store\n",
      100 * clustering / (analysis + store_seconds), 1e6 * clustering / static_cast<double>(docs.size()),
      100 * store_seconds / (analysis + store_seconds));
  fmt::print("peak RSS {:.0f} MiB\n", caspian::bench::peak_rss_mib());
  return 0;
}
