#include "nlp/tone.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>

namespace caspian::nlp {

namespace {

// VADER's constants, as src/vaderSentiment.js of vader-sentiment 1.1.3 defines them
// (scripts/build_tone_lexicon.py checks that the package still has these values).
// C_INCR: the mean rise in rated intensity of a sentiment word written in ALL CAPS.
constexpr double kCapsIncrement = 0.733;
// N_SCALAR: what a negated word's valence is multiplied by.
constexpr double kNegationScalar = -0.74;
// B_DECR: the dampening of a booster bigram ("kind of") two or three words before a word.
constexpr double kBigramDampener = -0.293;
// How many words before a sentiment word its boosters and negations may stand (sentiment_valence).
constexpr size_t kWindow = 3;
// The share of a booster's scalar that reaches a word from 1, 2 and 3 words before it.
constexpr std::array<double, kWindow> kBoosterDecay = {1.0, 0.95, 0.9};
// "never so good" (never_check): the factor of a word two words after "never", and three after it.
constexpr double kNeverSoFactor = 1.5;
constexpr double kNeverSoFarFactor = 1.25;
// but_check: the weight of the words before "but" and after it.
constexpr double kBeforeButWeight = 0.5;
constexpr double kAfterButWeight = 1.5;
// amplify_ep: the rise per "!", counted up to four.
constexpr double kExclamationRise = 0.292;
constexpr uint32_t kMaxExclamations = 4;
// amplify_qm: the rise per "?" when there are two or three; more than three rise by a fixed amount.
constexpr double kQuestionRise = 0.18;
constexpr uint32_t kMaxCountedQuestions = 3;
constexpr double kManyQuestionsRise = 0.96;
// normalize: the alpha of x / sqrt(x^2 + alpha), about the largest sum expected.
constexpr double kNormalizationAlpha = 15.0;
constexpr double kPercent = 100.0;

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kNotFound, fmt::format("cannot open {}", path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Calls row(line_number, line) for each non-empty line of `text` after `header_lines` lines; stops
// at the first error row() returns.
template <class Row>
Status for_each_line(std::string_view text, size_t header_lines, Row row) {
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (++line_no <= header_lines || line.empty()) continue;
    CASPIAN_RETURN_IF_ERROR(row(line_no, line));
  }
  return Status::Ok();
}

// Reads "key<TAB>number" lines after one header line into `out`; `name` names the text in messages.
template <class Map>
Status parse_weights_into(std::string_view text, const std::string& name, Map& out) {
  return for_each_line(text, 1, [&](size_t line_no, std::string_view line) -> Status {
    const size_t tab = line.find('\t');
    const auto fail = [&](std::string_view what) {
      return Status(ErrorCode::kParseError, fmt::format("{}:{}: {}", name, line_no, what));
    };
    if (tab == 0 || tab == std::string_view::npos) return fail("expected word<TAB>number");
    const std::string_view number = line.substr(tab + 1);
    double v = 0.0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
    if (ec != std::errc() || end != number.data() + number.size() || !std::isfinite(v)) {
      return fail(fmt::format("'{}' is not a number", number));
    }
    out.emplace(std::string(line.substr(0, tab)), v);
    return Status::Ok();
  });
}

// Python's str.isupper() as VADER uses it: an ASCII capital and no ASCII small letter ("UN", "G7").
bool all_caps(std::string_view w) {
  const auto in = [](char c, char lo, char hi) { return c >= lo && c <= hi; };
  return std::none_of(w.begin(), w.end(), [&](char c) { return in(c, 'a', 'z'); }) &&
         std::any_of(w.begin(), w.end(), [&](char c) { return in(c, 'A', 'Z'); });
}

// allcap_differential: some, but not all, words are in ALL CAPS.
bool mixed_caps(std::span<const ToneWord> words) {
  const auto caps = static_cast<size_t>(
      std::count_if(words.begin(), words.end(), [](const ToneWord& w) { return all_caps(w.text); }));
  return caps > 0 && caps < words.size();
}

// The words' lower-cased forms i..j (inclusive), joined by spaces.
std::string joined(std::span<const ToneWord> words, size_t i, size_t j) {
  std::string out = words[i].lower;
  for (size_t k = i + 1; k <= j; ++k) out += ' ' + words[k].lower;
  return out;
}

bool is_so_or_this(std::string_view w) {
  return w == "so" || w == "this";
}

// One sentence being scored: VADER's sentiment_valence and the checks it calls.
class SentenceScorer {
 public:
  SentenceScorer(const ToneLexicon& lexicon, std::span<const ToneWord> words)
      : lex_(lexicon), words_(words), mixed_caps_(mixed_caps(words)) {}

  // The valence of word i after VADER's rules (0 for boosters and words without sentiment).
  double valence(size_t i) const {
    const std::string_view lower = words_[i].lower;
    if (lex_.booster(lower) || (lower == "kind" && i + 1 < words_.size() && words_[i + 1].lower == "of")) {
      return 0.0;
    }
    const std::optional<double> rated = lex_.valence(lower);
    if (!rated) return 0.0;
    double v = *rated;
    if (mixed_caps_ && all_caps(words_[i].text)) v += v > 0 ? kCapsIncrement : -kCapsIncrement;
    for (size_t back = 0; back < kWindow && back < i; ++back) {
      if (lex_.valence(words_[i - back - 1].lower)) continue;
      v += booster_scalar(i - back - 1, v) * kBoosterDecay[back];
      v = negation_check(v, back, i);
      if (back == kWindow - 1) v = idioms_check(v, i);
    }
    return least_check(v, i);
  }

 private:
  // scalar_inc_dec: how booster word j moves a valence v (its sign follows v's), more in ALL CAPS.
  double booster_scalar(size_t j, double v) const {
    const std::optional<double> b = lex_.booster(words_[j].lower);
    if (!b) return 0.0;
    double s = v < 0 ? -*b : *b;
    if (mixed_caps_ && all_caps(words_[j].text)) s += v > 0 ? kCapsIncrement : -kCapsIncrement;
    return s;
  }

  // never_check: a negation `back` + 1 words before word i flips and shrinks v; "never so" and
  // "never this" before it raise v instead.
  double negation_check(double v, size_t back, size_t i) const {
    const auto w = [&](size_t k) -> std::string_view { return words_[i - k].lower; };
    if (back == 0) return lex_.negates(w(1)) ? v * kNegationScalar : v;
    if (back == 1) {
      if (w(2) == "never" && is_so_or_this(w(1))) return v * kNeverSoFactor;
      return lex_.negates(w(2)) ? v * kNegationScalar : v;
    }
    // As VADER (Python and JavaScript alike) groups it: ("never" before "so"/"this") or "so"/"this"
    // right before the word.
    if ((w(3) == "never" && is_so_or_this(w(2))) || is_so_or_this(w(1))) return v * kNeverSoFarFactor;
    return lex_.negates(w(3)) ? v * kNegationScalar : v;
  }

  // idioms_check (word i has three words before it): an idiom that ends before, at or just after
  // word i sets its valence; a booster bigram two words before it dampens it.
  double idioms_check(double v, size_t i) const {
    const std::array<std::pair<size_t, size_t>, 5> before = {
        {{i - 1, i}, {i - 2, i}, {i - 2, i - 1}, {i - 3, i - 1}, {i - 3, i - 2}}};
    for (const auto& [from, to] : before) {
      if (const auto idiom = lex_.idiom(joined(words_, from, to))) {
        v = *idiom;
        break;
      }
    }
    for (const size_t to : {i + 1, i + 2}) {
      if (to >= words_.size()) break;
      if (const auto idiom = lex_.idiom(joined(words_, i, to))) v = *idiom;
    }
    if (lex_.booster(joined(words_, i - 3, i - 2)) || lex_.booster(joined(words_, i - 2, i - 1))) {
      v += kBigramDampener;
    }
    return v;
  }

  // least_check: "least" right before a word negates it, unless "at least" or "very least".
  double least_check(double v, size_t i) const {
    if (i == 0 || words_[i - 1].lower != "least" || lex_.valence("least")) return v;
    if (i > 1 && (words_[i - 2].lower == "at" || words_[i - 2].lower == "very")) return v;
    return v * kNegationScalar;
  }

  const ToneLexicon& lex_;
  std::span<const ToneWord> words_;
  bool mixed_caps_;
};

// punctuation_emphasis: how much "!" and "?" raise a sentence's sum.
double punctuation_rise(uint32_t exclamations, uint32_t questions) {
  double rise = std::min(exclamations, kMaxExclamations) * kExclamationRise;
  if (questions > 1)
    rise += questions <= kMaxCountedQuestions ? questions * kQuestionRise : kManyQuestionsRise;
  return rise;
}

// The lower-cased form of a word: ASCII letters lowered, U+2019 (right single quotation mark) as "'".
std::string lower_word(std::string_view w) {
  std::string out;
  out.reserve(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    if (w.compare(i, 3, "\xE2\x80\x99") == 0) {
      out += '\'';
      i += 2;
      continue;
    }
    const char c = w[i];
    out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

bool is_edge(TokenKind k) {
  return k == TokenKind::kPunct || k == TokenKind::kSymbol;
}

}  // namespace

Result<ToneLexicon> ToneLexicon::load(const std::filesystem::path& dir) {
  const std::array<std::string, 4> names = {(dir / "vader_lexicon.tsv").string(),
                                            (dir / "boosters.tsv").string(), (dir / "negations.txt").string(),
                                            (dir / "idioms.tsv").string()};
  std::array<std::string, 4> texts;
  for (size_t i = 0; i < names.size(); ++i) {
    CASPIAN_ASSIGN_OR_RETURN(texts[i], read_file(names[i]));
  }
  return parse(texts[0], texts[1], texts[2], texts[3], names);
}

Result<ToneLexicon> ToneLexicon::parse(std::string_view lexicon, std::string_view boosters,
                                       std::string_view negations, std::string_view idioms,
                                       std::span<const std::string, 4> names) {
  ToneLexicon t;
  CASPIAN_RETURN_IF_ERROR(parse_weights_into(lexicon, names[0], t.valences_));
  CASPIAN_RETURN_IF_ERROR(parse_weights_into(boosters, names[1], t.boosters_));
  CASPIAN_RETURN_IF_ERROR(for_each_line(negations, 0, [&](size_t line_no, std::string_view line) -> Status {
    if (line.find_first_of(" \t") != std::string_view::npos) {
      return Status(ErrorCode::kParseError, fmt::format("{}:{}: expected one word", names[2], line_no));
    }
    t.negations_.emplace(line);
    return Status::Ok();
  }));
  CASPIAN_RETURN_IF_ERROR(parse_weights_into(idioms, names[3], t.idioms_));
  if (t.valences_.empty()) return Status(ErrorCode::kParseError, fmt::format("{}: no words", names[0]));
  return t;
}

std::optional<double> ToneLexicon::find(const Map& m, std::string_view key) {
  const auto it = m.find(key);
  return it == m.end() ? std::nullopt : std::optional<double>(it->second);
}

std::optional<double> ToneLexicon::valence(std::string_view word) const {
  return find(valences_, word);
}

std::optional<double> ToneLexicon::booster(std::string_view word) const {
  return find(boosters_, word);
}

bool ToneLexicon::negates(std::string_view word) const {
  return negations_.contains(word) || word.find("n't") != std::string_view::npos;
}

std::optional<double> ToneLexicon::idiom(std::string_view words) const {
  return find(idioms_, words);
}

SentenceWords sentence_words(const Document& doc, const Sentence& sentence) {
  SentenceWords out;
  const uint32_t end = sentence.first_token + sentence.token_count;
  for (uint32_t i = sentence.first_token; i < end;) {
    // A run: tokens up to one followed by a space (or the sentence's end).
    uint32_t j = i;
    while (j + 1 < end && !doc.tokens[j].space_after) ++j;
    bool has_word = false;
    for (uint32_t k = i; k <= j; ++k) {
      const Token& t = doc.tokens[k];
      has_word = has_word || t.kind == TokenKind::kWord || t.kind == TokenKind::kNumber;
      const std::string_view s = doc.slice(t.span);
      out.exclamations += static_cast<uint32_t>(std::count(s.begin(), s.end(), '!'));
      out.questions += static_cast<uint32_t>(std::count(s.begin(), s.end(), '?'));
    }
    uint32_t first = i;
    uint32_t last = j;
    while (first < last && is_edge(doc.tokens[first].kind)) ++first;
    while (last > first && is_edge(doc.tokens[last].kind)) --last;
    if (has_word) {
      ++out.word_count;
      const Span span{doc.tokens[first].span.begin, doc.tokens[last].span.end};
      if (span.size() > 1) out.words.push_back({doc.slice(span), lower_word(doc.slice(span))});
    }
    i = j + 1;
  }
  return out;
}

SentenceTone score_words(const ToneLexicon& lexicon, std::span<const ToneWord> words, uint32_t exclamations,
                         uint32_t questions) {
  const SentenceScorer scorer(lexicon, words);
  std::vector<double> valences(words.size());
  for (size_t i = 0; i < words.size(); ++i) valences[i] = scorer.valence(i);
  const auto but =
      std::find_if(words.begin(), words.end(), [](const ToneWord& w) { return w.lower == "but"; });
  const auto but_at = static_cast<size_t>(but - words.begin());
  for (size_t i = 0; but != words.end() && i < valences.size(); ++i) {
    if (i != but_at) valences[i] *= i < but_at ? kBeforeButWeight : kAfterButWeight;
  }
  SentenceTone out;
  double sum = 0.0;
  for (const double v : valences) {
    sum += v;
    out.positive_words += v > 0 ? 1 : 0;
    out.negative_words += v < 0 ? 1 : 0;
  }
  const double rise = punctuation_rise(exclamations, questions);
  if (sum > 0) sum += rise;
  if (sum < 0) sum -= rise;
  out.compound = std::clamp(sum / std::sqrt(sum * sum + kNormalizationAlpha), -1.0, 1.0);
  return out;
}

Tone gdelt_tone(uint32_t positive, uint32_t negative, uint32_t words, double compound) {
  Tone t;
  t.compound = compound;
  t.words = words;
  if (words == 0) return t;
  t.positive = kPercent * positive / words;
  t.negative = kPercent * negative / words;
  t.avg_tone = t.positive - t.negative;
  return t;
}

}  // namespace caspian::nlp
