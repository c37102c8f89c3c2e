#include "eval/pos_eval.h"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <map>
#include <string_view>
#include <utility>

namespace caspian::nlp {
namespace {

using ConfusionCounts = std::map<std::pair<std::string, std::string>, size_t>;

std::vector<TagConfusion> top_confusions(const ConfusionCounts& counts) {
  std::vector<TagConfusion> all;
  all.reserve(counts.size());
  for (const auto& [pair, count] : counts) all.push_back({pair.first, pair.second, count});
  // Most frequent first; ties in (gold, system) order, which std::map already gives.
  std::stable_sort(all.begin(), all.end(),
                   [](const TagConfusion& a, const TagConfusion& b) { return a.count > b.count; });
  if (all.size() > kPosReportConfusions) all.resize(kPosReportConfusions);
  return all;
}

// CPU time of the calling thread: unlike wall time, not inflated when other processes share the core.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

PosEvalReport evaluate_pos(const PosTagger& tagger, const std::vector<TaggedSentence>& gold) {
  PosEvalReport report;
  report.source = "<memory>";
  ConfusionCounts upos_errors;
  ConfusionCounts xpos_errors;
  std::vector<std::string_view> words;
  std::vector<std::string> upos;
  std::vector<std::string> xpos;
  for (const TaggedSentence& s : gold) {
    words.assign(s.words.begin(), s.words.end());
    const double start = thread_cpu_seconds();
    tagger.tag(words, upos, xpos);
    report.tag_seconds += thread_cpu_seconds() - start;
    ++report.sentences;
    for (size_t i = 0; i < s.words.size(); ++i) {
      const bool upos_ok = i < s.upos.size() && upos[i] == s.upos[i];
      const bool xpos_ok = i < s.xpos.size() && xpos[i] == s.xpos[i];
      report.upos_correct += upos_ok ? 1 : 0;
      report.xpos_correct += xpos_ok ? 1 : 0;
      report.both_correct += upos_ok && xpos_ok ? 1 : 0;
      if (!upos_ok && i < s.upos.size()) ++upos_errors[{s.upos[i], upos[i]}];
      if (!xpos_ok && i < s.xpos.size()) ++xpos_errors[{s.xpos[i], xpos[i]}];
    }
    report.words += s.words.size();
  }
  report.upos_confusions = top_confusions(upos_errors);
  report.xpos_confusions = top_confusions(xpos_errors);
  return report;
}

Result<PosEvalReport> evaluate_pos(const PosTagger& tagger, const std::filesystem::path& conllu) {
  auto gold = read_tagged_sentences(conllu);
  if (!gold.ok()) return gold.status();
  PosEvalReport report = evaluate_pos(tagger, gold.value());
  report.source = conllu.string();
  return report;
}

std::string format_report(const PosEvalReport& report) {
  std::string out = fmt::format("part-of-speech tagging of {}\n{} sentences, {} words (gold tokenisation)\n",
                                report.source, report.sentences, report.words);
  out += fmt::format("{:<10} {:>9} {:>9}\n", "", "correct", "accuracy");
  out += fmt::format("{:<10} {:>9} {:>9.4f}\n", "UPOS", report.upos_correct, report.upos_accuracy());
  out += fmt::format("{:<10} {:>9} {:>9.4f}\n", "XPOS", report.xpos_correct, report.xpos_accuracy());
  out += fmt::format("{:<10} {:>9} {:>9.4f}\n", "both", report.both_correct, report.both_accuracy());
  if (report.tag_seconds > 0) {
    out += fmt::format("speed: {:.0f} words/s (tagging only, CPU time of one thread)\n",
                       static_cast<double>(report.words) / report.tag_seconds);
  }
  const auto confusions = [&](std::string_view name, const std::vector<TagConfusion>& list) {
    if (list.empty()) return;
    out += fmt::format("most frequent {} errors (gold -> system):\n", name);
    for (const TagConfusion& c : list) out += fmt::format("  {:>6}  {} -> {}\n", c.count, c.gold, c.system);
  };
  confusions("UPOS", report.upos_confusions);
  confusions("XPOS", report.xpos_confusions);
  return out;
}

}  // namespace caspian::nlp
