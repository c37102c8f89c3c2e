#include "eval/ner_eval.h"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <ostream>

namespace caspian::nlp {
namespace {

const std::map<std::string, std::string>& re3d_mapping() {
  static const std::map<std::string, std::string> kMap = {
      {"Person", "PER"}, {"Organisation", "ORG"}, {"Location", "LOC"}};
  return kMap;
}

bool scored_type(const std::vector<std::string>& scored, const std::string& type) {
  return scored.empty() || std::find(scored.begin(), scored.end(), type) != scored.end();
}

// CPU time of the calling thread, in seconds: tagging speed is measured in CPU time so that it is
// meaningful on a shared, loaded machine (wall time would count other processes' time slices).
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

void add_to_report(const std::vector<NerChunk>& gold, const std::vector<NerChunk>& predicted,
                   const std::vector<std::string>& scored, NerEvalReport& report) {
  std::vector<NerChunk> g;
  std::vector<NerChunk> p;
  for (const NerChunk& c : gold) {
    if (scored_type(scored, c.type)) g.push_back(c);
  }
  for (const NerChunk& c : predicted) {
    if (scored_type(scored, c.type)) p.push_back(c);
  }
  std::sort(g.begin(), g.end());
  std::sort(p.begin(), p.end());
  for (const NerChunk& c : g) {
    ++report.by_type[c.type].gold;
    ++report.overall.gold;
    if (std::binary_search(p.begin(), p.end(), c)) {
      ++report.by_type[c.type].correct;
      ++report.overall.correct;
    }
  }
  for (const NerChunk& c : p) {
    ++report.by_type[c.type].predicted;
    ++report.overall.predicted;
  }
}

Result<NerEvalReport> evaluate_ner(const NerTagger& tagger, const std::filesystem::path& path,
                                   NerFormat format, NerTypeMapping mapping, std::ostream* predictions) {
  auto docs = read_conll_ner(path, format);
  if (!docs.ok()) return docs.status();
  NerEvalReport report;
  report.source = path.string();
  const std::vector<std::string> gold_types = ner_types(*docs);
  const std::vector<std::string>& model_types = tagger.types();
  std::vector<std::string> scored;  // empty: every type
  if (mapping == NerTypeMapping::kAuto) {
    const bool all_known = std::all_of(gold_types.begin(), gold_types.end(), [&](const std::string& t) {
      return std::binary_search(model_types.begin(), model_types.end(), t);
    });
    const bool re3d = std::any_of(gold_types.begin(), gold_types.end(),
                                  [](const std::string& t) { return re3d_mapping().count(t) != 0; });
    mapping = !all_known && re3d ? NerTypeMapping::kRe3d : NerTypeMapping::kNone;
  }
  if (mapping == NerTypeMapping::kRe3d) {
    map_ner_types(*docs, re3d_mapping(), /*keep_unmapped=*/false);
    for (const auto& [from, to] : re3d_mapping()) {
      scored.push_back(to);
      report.mapping += (report.mapping.empty() ? "" : ", ") + from + "->" + to;
    }
    report.mapping += "; other types ignored in gold and prediction";
  }
  std::vector<std::vector<std::string_view>> views;
  for (const NerDocument& d : *docs) {
    views.clear();
    for (const NerSentence& s : d.sentences) views.emplace_back(s.words.begin(), s.words.end());
    const double start = thread_cpu_seconds();
    const std::vector<NerSpan> spans = tagger.tag_document(views);
    report.seconds += thread_cpu_seconds() - start;
    ++report.documents;
    for (size_t i = 0; i < d.sentences.size(); ++i) {
      const NerSentence& s = d.sentences[i];
      std::vector<std::string> tags = spans_to_tags(spans, static_cast<uint32_t>(i), s.words.size());
      std::vector<NerChunk> predicted = chunks_of(tags);
      std::vector<NerChunk> gold = chunks_of(s.tags);
      add_to_report(gold, predicted, scored, report);
      // Token accuracy on IOB2 tags of the scored types.
      std::vector<std::string> gold_iob2(s.words.size(), "O");
      for (const NerChunk& c : gold) {
        if (!scored_type(scored, c.type)) continue;
        for (uint32_t t = c.begin; t < c.end; ++t) gold_iob2[t] = (t == c.begin ? "B-" : "I-") + c.type;
      }
      for (const NerChunk& c : predicted) {
        if (scored_type(scored, c.type)) continue;
        // assign(1, 'O'), not = "O": GCC 12 warns falsely (-Wrestrict) on the inlined copy.
        for (uint32_t t = c.begin; t < c.end; ++t) tags[t].assign(1, 'O');
      }
      for (size_t t = 0; t < s.words.size(); ++t) report.tokens_correct += tags[t] == gold_iob2[t] ? 1 : 0;
      if (predictions != nullptr) {
        if (i == 0) *predictions << "-DOCSTART- O O\n\n";
        for (size_t t = 0; t < s.words.size(); ++t)
          *predictions << s.words[t] << ' ' << gold_iob2[t] << ' ' << tags[t] << '\n';
        *predictions << '\n';
      }
      report.tokens += s.words.size();
      ++report.sentences;
    }
  }
  return report;
}

std::string format_report(const NerEvalReport& r) {
  std::string out = fmt::format("{}: {} documents, {} sentences, {} tokens\n", r.source, r.documents,
                                r.sentences, r.tokens);
  if (!r.mapping.empty()) out += fmt::format("  type mapping: {}\n", r.mapping);
  out += fmt::format("  found {} phrases; correct {}; token accuracy {:.2f}%\n", r.overall.predicted,
                     r.overall.correct,
                     r.tokens == 0 ? 0.0 : 100.0 * static_cast<double>(r.tokens_correct) / r.tokens);
  const auto line = [](std::string_view name, const NerScore& s) {
    return fmt::format("  {:<8} precision {:6.2f}%  recall {:6.2f}%  F1 {:6.2f}  (gold {}, predicted {})\n",
                       name, 100 * s.precision(), 100 * s.recall(), 100 * s.f1(), s.gold, s.predicted);
  };
  out += line("overall", r.overall);
  for (const auto& [type, s] : r.by_type) out += line(type, s);
  if (r.seconds > 0) {
    out += fmt::format("  tagging: {:.3f} s, {:.0f} tokens/s (CPU time of one thread, reading excluded)\n",
                       r.seconds, static_cast<double>(r.tokens) / r.seconds);
  }
  return out;
}

}  // namespace caspian::nlp
