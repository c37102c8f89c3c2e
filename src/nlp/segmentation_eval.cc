#include "nlp/segmentation_eval.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <memory>
#include <system_error>
#include <utility>

#include "caspian/document.h"
#include "caspian/utf8.h"
#include "nlp/tokenizer.h"

namespace caspian::nlp {
namespace {

constexpr size_t kConlluColumns = 10;
constexpr size_t kFormColumn = 1;
constexpr size_t kMiscColumn = 9;
constexpr size_t kMaxAlignSkipBytes = 16;  // how far ahead a gold form may be found in `# text`
constexpr size_t kMaxExampleBytes = 160;   // quoted sentence errors are cut to this length
constexpr size_t kReadChunkBytes = 1 << 16;
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

Result<std::string> read_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return Status(ErrorCode::kNotFound, "no such file: " + path.string());
  // gzopen/gzread read plain files unchanged, so one code path serves .conllu and .conllu.gz.
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), &gzclose);
  if (file == nullptr) return Status(ErrorCode::kIoError, "cannot open " + path.string());
  std::string out;
  std::vector<char> buf(kReadChunkBytes);
  for (;;) {
    const int n = gzread(file.get(), buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int err = Z_OK;
      return Status(ErrorCode::kIoError, path.string() + ": " + gzerror(file.get(), &err));
    }
    if (n == 0) break;
    out.append(buf.data(), static_cast<size_t>(n));
    if (out.size() > kMaxConlluBytes) {
      return Status(ErrorCode::kTooLarge, path.string() + " decompresses to more than " +
                                              std::to_string(kMaxConlluBytes) + " bytes");
    }
  }
  // A truncated gzip stream ends "successfully" with a short read; zlib records why.
  int err = Z_OK;
  const char* message = gzerror(file.get(), &err);
  if (err != Z_OK && err != Z_STREAM_END) {
    return Status(ErrorCode::kIoError, path.string() + ": " + (message != nullptr ? message : "read error"));
  }
  return out;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    fields.push_back(
        line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return fields;
}

bool parse_uint(std::string_view s, size_t& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool misc_has_space_after_no(std::string_view misc) {
  size_t start = 0;
  for (;;) {
    const size_t bar = misc.find('|', start);
    if (misc.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start) ==
        "SpaceAfter=No") {
      return true;
    }
    if (bar == std::string_view::npos) return false;
    start = bar + 1;
  }
}

Status parse_error(size_t line_no, std::string_view what) {
  return Status(ErrorCode::kParseError, "line " + std::to_string(line_no) + ": " + std::string(what));
}

// Parses CoNLL-U into sentences. Views point into `conllu`.
Result<std::vector<GoldSentence>> parse_conllu(std::string_view conllu) {
  std::vector<GoldSentence> sentences;
  GoldSentence current;
  size_t range_last = 0;  // last word id of the open multiword token, 0 if none
  size_t line_no = 0;
  auto flush = [&] {
    if (!current.units.empty()) sentences.push_back(std::move(current));
    current = GoldSentence{};
    range_last = 0;
  };
  size_t pos = 0;
  while (pos <= conllu.size()) {
    size_t eol = conllu.find('\n', pos);
    if (eol == std::string_view::npos) eol = conllu.size();
    std::string_view line = conllu.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      flush();
      if (eol == conllu.size()) break;
      continue;
    }
    if (line.front() == '#') {
      if (line.starts_with("# newdoc")) current.new_doc = true;
      if (line.starts_with("# newpar")) current.new_par = true;
      if (line.starts_with("# text = ")) {
        current.text = line.substr(std::string_view("# text = ").size());
        current.has_text = true;
      }
      continue;
    }
    const std::vector<std::string_view> fields = split_tabs(line);
    if (fields.size() != kConlluColumns) return parse_error(line_no, "expected 10 tab-separated columns");
    const std::string_view id = fields[0];
    const std::string_view form = fields[kFormColumn];
    const bool space_after = !misc_has_space_after_no(fields[kMiscColumn]);
    if (id.find('.') != std::string_view::npos) continue;  // empty node: no surface form
    if (const size_t dash = id.find('-'); dash != std::string_view::npos) {
      size_t first = 0;
      size_t last = 0;
      if (!parse_uint(id.substr(0, dash), first) || !parse_uint(id.substr(dash + 1), last) || last < first) {
        return parse_error(line_no, "bad multiword token id '" + std::string(id) + "'");
      }
      current.units.push_back(GoldUnit{form, {}, space_after});
      range_last = last;
      continue;
    }
    size_t word_id = 0;
    if (!parse_uint(id, word_id)) return parse_error(line_no, "bad word id '" + std::string(id) + "'");
    if (range_last != 0 && word_id <= range_last) {
      current.units.back().words.push_back(form);
      if (word_id == range_last) range_last = 0;
      continue;
    }
    range_last = 0;
    current.units.push_back(GoldUnit{form, {}, space_after});
  }
  flush();
  return sentences;
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
  if (const auto bad = utf8::find_invalid(conllu)) {
    return Status(ErrorCode::kInvalidUtf8, "invalid UTF-8 at byte " + std::to_string(*bad));
  }
  auto parsed = parse_conllu(conllu);
  if (!parsed.ok()) return parsed.status();
  const std::vector<GoldSentence>& sentences = parsed.value();
  if (sentences.empty()) return Status(ErrorCode::kEmptyInput, "no sentences in the CoNLL-U input");

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
  auto text = read_file(conllu_or_gz);
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
