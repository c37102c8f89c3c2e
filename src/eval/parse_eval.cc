#include "eval/parse_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <ostream>
#include <string_view>
#include <utility>

namespace caspian::nlp {
namespace {

// Processor time, not wall time: the rate stays meaningful on a loaded machine (the evaluation is
// single-threaded, so the process's time is the thread's).
struct Clock {
  using time_point = std::clock_t;
  static time_point now() { return std::clock(); }
};

double seconds_since(Clock::time_point start) {
  return static_cast<double>(Clock::now() - start) / CLOCKS_PER_SEC;
}

// Tags one sentence in place; returns the time spent in PosTagger::tag().
double tag_sentence(const PosTagger& tagger, ParsedSentence& s) {
  const std::vector<std::string_view> words(s.words.begin(), s.words.end());
  const Clock::time_point start = Clock::now();
  tagger.tag(words, s.upos, s.xpos);
  return seconds_since(start);
}

}  // namespace

ParseEvalReport evaluate_parse(const DepParser& parser, const PosTagger* tagger,
                               std::vector<ParsedSentence> gold) {
  ParseEvalReport report;
  report.source = "<memory>";
  report.predicted_tags = tagger != nullptr;
  std::vector<int> heads;
  std::vector<std::string> deprels;
  for (ParsedSentence& s : gold) {
    if (tagger != nullptr) report.tag_seconds += tag_sentence(*tagger, s);
    const std::vector<std::string_view> words(s.words.begin(), s.words.end());
    const std::vector<std::string_view> upos(s.upos.begin(), s.upos.end());
    const std::vector<std::string_view> xpos(s.xpos.begin(), s.xpos.end());
    const Clock::time_point start = Clock::now();
    parser.parse(words, upos, xpos, heads, deprels);
    report.parse_seconds += seconds_since(start);
    report.score.add(s, heads, deprels);
    ++report.sentences;
  }
  return report;
}

Result<ParseEvalReport> evaluate_parse(const DepParser& parser, const PosTagger* tagger,
                                       const std::filesystem::path& conllu) {
  auto gold = read_parsed_sentences(conllu);
  if (!gold.ok()) return gold.status();
  ParseEvalReport report = evaluate_parse(parser, tagger, std::move(gold).value());
  report.source = conllu.string();
  return report;
}

std::string format_report(const ParseEvalReport& report) {
  const AttachmentScore& s = report.score;
  std::string out = fmt::format(
      "dependency parsing of {}\n{} sentences, {} words (gold tokenisation, {} tags, "
      "punctuation included)\n",
      report.source, report.sentences, s.words, report.predicted_tags ? "predicted" : "gold");
  out += fmt::format("{:<10} {:>9} {:>9}\n", "", "correct", "score");
  out += fmt::format("{:<10} {:>9} {:>9.4f}\n", "UAS", s.head_correct, s.uas());
  out += fmt::format("{:<10} {:>9} {:>9.4f}\n", "LAS", s.label_correct, s.las());
  out += fmt::format("{:<10} {:>9} {:>9.4f}\n", "LAS-full", s.full_label_correct, s.full_las());
  out += fmt::format("parsing: {:.3f} s CPU, {:.0f} words/s (one thread, parse() alone)\n",
                     report.parse_seconds, report.parse_words_per_second());
  if (report.predicted_tags && report.tag_seconds > 0) {
    out += fmt::format("tagging: {:.3f} s CPU, {:.0f} words/s\n", report.tag_seconds,
                       static_cast<double>(s.words) / report.tag_seconds);
  }
  return out;
}

void retag(const PosTagger& tagger, std::vector<ParsedSentence>& sentences) {
  for (ParsedSentence& s : sentences) static_cast<void>(tag_sentence(tagger, s));
}

}  // namespace caspian::nlp
