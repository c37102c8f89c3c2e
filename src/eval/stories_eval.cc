#include "eval/stories_eval.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <unordered_map>

#include "caspian/ingest.h"
#include "caspian/runner.h"
#include "caspian/store.h"
#include "nlp/conllu.h"

namespace caspian::stories {
namespace {

using nlohmann::json;

struct GoldItem {
  std::string record_id;
  std::optional<std::string> story;  // the deepest gold story, if any
};

// B-cubed precision and recall (Bagga and Baldwin 1998) of `predicted` against `gold`, over the
// items that have a gold class.
void bcubed(const std::vector<int64_t>& predicted, const std::vector<GoldItem>& gold, double& p, double& r) {
  std::map<int64_t, std::map<std::string, int64_t>> by_cluster;
  std::map<int64_t, int64_t> cluster_size;
  std::map<std::string, int64_t> class_size;
  for (size_t i = 0; i < gold.size(); ++i) {
    if (!gold[i].story) continue;
    ++by_cluster[predicted[i]][*gold[i].story];
    ++cluster_size[predicted[i]];
    ++class_size[*gold[i].story];
  }
  double ps = 0;
  double rs = 0;
  int64_t n = 0;
  for (size_t i = 0; i < gold.size(); ++i) {
    if (!gold[i].story) continue;
    const auto both = static_cast<double>(by_cluster[predicted[i]][*gold[i].story]);
    ps += both / static_cast<double>(cluster_size[predicted[i]]);
    rs += both / static_cast<double>(class_size[*gold[i].story]);
    ++n;
  }
  p = n == 0 ? 0 : ps / static_cast<double>(n);
  r = n == 0 ? 0 : rs / static_cast<double>(n);
}

double f1_of(double p, double r) {
  return p + r == 0 ? 0 : 2 * p * r / (p + r);
}

// A store file of its own in the temporary directory, removed with its WAL files when done.
struct TempStore {
  std::filesystem::path path;
  TempStore() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() /
           fmt::format("caspian-eval-stories-{}-{:x}.db", ::getpid(), rd());
  }
  ~TempStore() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix, ec);
  }
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;
};

}  // namespace

Result<StoriesReport> evaluate_stories(const Pipeline& pipeline, const std::filesystem::path& file,
                                       int threads) {
  const auto start = std::chrono::steady_clock::now();
  auto bytes = nlp::read_conllu_bytes(file);
  if (!bytes.ok()) return bytes.status();
  StoriesReport report;
  report.file = file.string();
  std::vector<GoldItem> gold;
  std::vector<Document> docs;
  std::string_view rest = *bytes;
  for (int64_t line_no = 1; !rest.empty(); ++line_no) {
    const size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    ++report.items;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return Status(ErrorCode::kParseError, fmt::format("{}:{}: not a JSON object", file.string(), line_no));
    }
    GoldItem g;
    if (auto it = j.find("story"); it != j.end() && it->is_array() && !it->empty() && it->back().is_string())
      g.story = it->back().get<std::string>();
    for (const char* key : {"story", "category", "wiki_links"}) j.erase(key);
    auto doc = document_from_news_json(j.dump());
    if (!doc.ok()) {
      ++report.failed;
      continue;
    }
    // Each record's line stands in for a missing id, so that every item can be found again.
    if (doc->id.empty()) doc->id = fmt::format("line-{}", line_no);
    g.record_id = doc->id;
    gold.push_back(std::move(g));
    docs.push_back(std::move(doc).value());
  }
  TempStore temp;
  IngestOptions options;
  options.run.threads = threads;
  auto stats = ingest_records(document_source(std::move(docs)), pipeline, temp.path.string(), options);
  if (!stats.ok()) return stats.status();
  if (!stats->store_status.ok()) return stats->store_status;
  report.failed += stats->failed;
  auto store = open_store(temp.path.string());
  if (!store.ok()) return store.status();
  StoryQuery all;
  all.limit = 0;
  auto stories = (*store)->stories(all);
  if (!stories.ok()) return stories.status();
  std::unordered_map<std::string, int64_t> story_of;
  for (const Story& s : *stories) {
    for (const StoryArticle& a : s.articles) story_of.emplace(a.record_id, s.id);
  }
  report.predicted_stories = static_cast<int64_t>(stories->size());
  // An item that was not stored (a duplicate of another, or a failure) is a story of its own.
  std::vector<int64_t> predicted;
  std::vector<int64_t> alone;
  std::set<std::string> classes;
  int64_t next_alone = -1;
  for (const GoldItem& g : gold) {
    const auto it = story_of.find(g.record_id);
    predicted.push_back(it != story_of.end() ? it->second : next_alone--);
    alone.push_back(static_cast<int64_t>(alone.size()));
    if (g.story) {
      ++report.scored;
      classes.insert(*g.story);
    }
  }
  report.gold_stories = static_cast<int64_t>(classes.size());
  bcubed(predicted, gold, report.precision, report.recall);
  report.f1 = f1_of(report.precision, report.recall);
  double p1 = 0;
  double r1 = 0;
  bcubed(alone, gold, p1, r1);
  report.singleton_f1 = f1_of(p1, r1);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::string format_report(const StoriesReport& r) {
  return fmt::format(
      "stories: {}\n"
      "  items {} ({} with a gold story, in {} stories; the rest clustered but not scored), {} failed\n"
      "  predicted stories {}\n"
      "  B-cubed precision {:.4f} recall {:.4f} F1 {:.4f}\n"
      "  every item alone: B-cubed F1 {:.4f}\n"
      "  {:.1f} s ({:.0f} items/s, analysis and clustering)\n",
      r.file, r.items, r.scored, r.gold_stories, r.failed, r.predicted_stories, r.precision, r.recall, r.f1,
      r.singleton_f1, r.seconds, r.seconds > 0 ? static_cast<double>(r.items) / r.seconds : 0.0);
}

}  // namespace caspian::stories
