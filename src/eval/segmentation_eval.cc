#include "eval/segmentation_eval.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

#include "caspian/document.h"
#include "nlp/conllu.h"
#include "nlp/tokenizer.h"

namespace caspian::nlp {
namespace {

constexpr size_t kMaxAlignSkipBytes = 16;  // how far ahead a gold form may be found in `# text`
constexpr size_t kMaxExampleBytes = 160;   // quoted sentence errors are cut to this length
constexpr std::string_view kParagraphSeparator = "\n\n";
constexpr std::string_view kSentenceSeparator = " ";

using SpanPair = std::pair<uint32_t, uint32_t>;

// One surface token of the gold standard, with the words of a multiword token.
struct GoldUnit {
  std::string_view form;
  std::vector<std::string_view> words;  // empty unless this is a multiword token
  bool space_after = true;
};

struct GoldSentence {
  std::string_view text;
  bool has_text = false;
  bool new_doc = false;
  bool new_par = false;
  std::vector<GoldUnit> units;
};

// The gold surface tokens of a parsed sentence. Views point into `s`.
GoldSentence gold_sentence(const ConlluSentence& s) {
  GoldSentence g;
  g.text = s.text;
  g.has_text = s.has_text;
  g.new_doc = s.new_doc;
  g.new_par = s.new_par;
  size_t next_multiword = 0;
  for (size_t i = 0; i < s.words.size();) {
    if (next_multiword < s.multiwords.size() && s.multiwords[next_multiword].first == i) {
      const ConlluMultiword& mw = s.multiwords[next_multiword++];
      GoldUnit unit{mw.form, {}, mw.space_after};
      for (; i <= mw.last; ++i) unit.words.emplace_back(s.words[i].form);
      g.units.push_back(std::move(unit));
      continue;
    }
    g.units.push_back(GoldUnit{s.words[i].form, {}, s.words[i].space_after});
    ++i;
  }
  return g;
}

// The gold standard and raw text of one document.
struct GoldDocument {
  std::string text;
  std::vector<SpanPair> tokens;
  std::vector<SpanPair> words;
  std::vector<SpanPair> sentences;
  size_t alignment_failures = 0;
};

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Appends one sentence to `doc`, locating each gold form in the sentence text.
void add_sentence(const GoldSentence& s, bool paragraph_breaks, GoldDocument& doc) {
  if (!doc.text.empty())
    doc.text += (s.new_par && paragraph_breaks) ? kParagraphSeparator : kSentenceSeparator;
  const size_t base = doc.text.size();
  if (s.has_text) {
    doc.text += s.text;
  } else {  // no `# text`: rebuild it from the forms and SpaceAfter=No
    for (size_t u = 0; u < s.units.size(); ++u) {
      doc.text += s.units[u].form;
      if (s.units[u].space_after && u + 1 < s.units.size()) doc.text += ' ';
    }
  }
  const std::string_view sentence = std::string_view(doc.text).substr(base);
  size_t pos = 0;
  for (const GoldUnit& unit : s.units) {
    while (pos < sentence.size() && is_ascii_space(sentence[pos])) ++pos;
    size_t begin = pos;
    if (sentence.compare(pos, unit.form.size(), unit.form) != 0) {
      const size_t found = sentence.find(unit.form, pos);
      if (found != std::string_view::npos && found - pos <= kMaxAlignSkipBytes) {
        begin = found;
      } else {
        ++doc.alignment_failures;
      }
    }
    const size_t end = std::min(begin + unit.form.size(), sentence.size());
    if (end <= begin) continue;
    const SpanPair span{static_cast<uint32_t>(base + begin), static_cast<uint32_t>(base + end)};
    doc.tokens.push_back(span);
    std::string joined;
    for (std::string_view w : unit.words) joined += w;
    if (!unit.words.empty() && joined == unit.form) {
      uint32_t at = span.first;
      for (std::string_view w : unit.words) {
        if (w.empty()) continue;
        doc.words.emplace_back(at, at + static_cast<uint32_t>(w.size()));
        at += static_cast<uint32_t>(w.size());
      }
    } else {
      doc.words.push_back(span);
    }
    pos = end;
  }
  doc.sentences.emplace_back(static_cast<uint32_t>(base), static_cast<uint32_t>(base + sentence.size()));
}

void score(std::vector<SpanPair> gold, std::vector<SpanPair> system, SpanScore& out) {
  std::sort(gold.begin(), gold.end());
  std::sort(system.begin(), system.end());
  gold.erase(std::unique(gold.begin(), gold.end()), gold.end());
  size_t common = 0;
  auto g = gold.begin();
  auto s = system.begin();
  while (g != gold.end() && s != system.end()) {
    if (*g < *s) {
      ++g;
    } else if (*s < *g) {
      ++s;
    } else {
      ++common, ++g, ++s;
    }
  }
  out.gold += gold.size();
  out.system += system.size();
  out.correct += common;
}

std::string quote(std::string_view text, SpanPair span) {
  std::string s(text.substr(span.first, std::min<size_t>(span.second - span.first, kMaxExampleBytes)));
  if (span.second - span.first > kMaxExampleBytes) {
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();  // whole chars
    if (!s.empty()) s.pop_back();
    s += "...";
  }
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

// Appends up to `max` quotes of the spans in `a` that are not in `b` (both sorted) to `out`.
void quote_differences(std::string_view label, std::string_view text, const std::vector<SpanPair>& a,
                       const std::vector<SpanPair>& b, bool with_context, size_t max,
                       std::vector<std::string>& out) {
  constexpr uint32_t kContextBytes = 30;
  size_t quoted = 0;
  for (const SpanPair& x : a) {
    if (quoted >= max) return;
    if (std::binary_search(b.begin(), b.end(), x)) continue;
    std::string q = std::string(label) + quote(text, x);
    if (with_context) {
      uint32_t from = x.first > kContextBytes ? x.first - kContextBytes : 0;
      uint32_t to = std::min<uint32_t>(x.second + kContextBytes, static_cast<uint32_t>(text.size()));
      while (from > 0 && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) --from;
      while (to < text.size() && (static_cast<unsigned char>(text[to]) & 0xC0) == 0x80) ++to;
      q += "   in: " + quote(text, {from, to});
    }
    out.push_back(std::move(q));
    ++quoted;
  }
}

void evaluate_document(const GoldDocument& doc, const SegmentationEvalOptions& options,
                       SegmentationReport& report) {
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;
  tokenize(doc.text, tokens, sentences);
  std::vector<SpanPair> system_tokens;
  system_tokens.reserve(tokens.size());
  for (const Token& t : tokens) system_tokens.emplace_back(t.span.begin, t.span.end);
  std::vector<SpanPair> system_sentences;
  system_sentences.reserve(sentences.size());
  for (const Sentence& s : sentences) system_sentences.emplace_back(s.span.begin, s.span.end);

  score(doc.tokens, system_tokens, report.tokens);
  score(doc.words, system_tokens, report.words);
  score(doc.sentences, system_sentences, report.sentences);
  report.alignment_failures += doc.alignment_failures;
  report.bytes += doc.text.size();
  ++report.documents;
  if (options.max_examples > 0) {
    // Spread the quota over documents: at most one of each kind per document, until it is used up.
    std::vector<SpanPair> gold_sentences = doc.sentences;
    std::vector<SpanPair> gold_words = doc.words;
    std::sort(gold_sentences.begin(), gold_sentences.end());
    std::sort(gold_words.begin(), gold_words.end());
    std::sort(system_sentences.begin(), system_sentences.end());
    const size_t room = report.examples.size() < options.max_examples ? 1 : 0;
    quote_differences("missed sentence:   ", doc.text, gold_sentences, system_sentences, false, room,
                      report.examples);
    quote_differences("spurious sentence: ", doc.text, system_sentences, gold_sentences, false, room,
                      report.examples);
    quote_differences("missed word:       ", doc.text, gold_words, system_tokens, true, room,
                      report.examples);
    quote_differences("spurious token:    ", doc.text, system_tokens, gold_words, true, room,
                      report.examples);
  }
}

}  // namespace

Result<SegmentationReport> evaluate_conllu_text(std::string_view conllu,
                                                const SegmentationEvalOptions& options) {
  auto parsed = parse_conllu(conllu);  // also validates UTF-8
  if (!parsed.ok()) return parsed.status();
  if (parsed->empty()) return Status(ErrorCode::kEmptyInput, "no sentences in the CoNLL-U input");
  std::vector<GoldSentence> sentences;
  sentences.reserve(parsed->size());
  for (const ConlluSentence& s : parsed.value()) sentences.push_back(gold_sentence(s));

  SegmentationReport report;
  report.source = "<memory>";
  report.paragraph_breaks = options.paragraph_breaks;
  GoldDocument doc;
  for (const GoldSentence& s : sentences) {
    if (s.new_doc && !doc.sentences.empty()) {
      evaluate_document(doc, options, report);
      doc = GoldDocument{};
    }
    add_sentence(s, options.paragraph_breaks, doc);
  }
  if (!doc.sentences.empty()) evaluate_document(doc, options, report);
  return report;
}

Result<SegmentationReport> evaluate_conllu(const std::filesystem::path& conllu_or_gz,
                                           const SegmentationEvalOptions& options) {
  auto text = read_conllu_bytes(conllu_or_gz);
  if (!text.ok()) return text.status();
  auto report = evaluate_conllu_text(text.value(), options);
  if (!report.ok())
    return Status(report.status().code(), conllu_or_gz.string() + ": " + report.status().message());
  report->source = conllu_or_gz.string();
  return report;
}

std::string format_report(const SegmentationReport& report) {
  std::string out;
  std::array<char, 256> line{};
  auto add = [&](const char* name, const SpanScore& s) {
    std::snprintf(line.data(), line.size(), "%-10s %9zu %9zu %9zu %9.4f %9.4f %9.4f\n", name, s.gold,
                  s.system, s.correct, s.precision(), s.recall(), s.f1());
    out += line.data();
  };
  out += "segmentation of " + report.source + "\n";
  std::snprintf(line.data(), line.size(), "%zu documents, %zu bytes of text, paragraphs joined by %s\n",
                report.documents, report.bytes, report.paragraph_breaks ? "a blank line" : "a space");
  out += line.data();
  std::snprintf(line.data(), line.size(), "%-10s %9s %9s %9s %9s %9s %9s\n", "", "gold", "system", "correct",
                "precision", "recall", "F1");
  out += line.data();
  add("tokens", report.tokens);
  add("words", report.words);
  add("sentences", report.sentences);
  if (report.alignment_failures > 0) {
    out += std::to_string(report.alignment_failures) + " gold forms not found in their # text line\n";
  }
  for (const std::string& e : report.examples) out += "  " + e + "\n";
  return out;
}

}  // namespace caspian::nlp
