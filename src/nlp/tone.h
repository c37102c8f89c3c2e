// Tone: VADER's sentiment scoring (Hutto & Gilbert 2014) over the Document's tokens, and GDELT's
// AvgTone, PositiveScore and NegativeScore from it.
//
// The lexicon and the word lists are VADER's, read from data/tone (scripts/build_tone_lexicon.py
// writes them from the npm package vader-sentiment; data/tone/ATTRIBUTION.md). The rules follow
// that package's src/vaderSentiment.js (a port of the Python original), with one change: words are
// compared lower-cased everywhere, as the Python original does, where the port compares negations
// and idioms as written. A word's valence is its lexicon rating, raised in ALL CAPS when the
// sentence mixes cases, moved by booster and dampener words up to three words before it (less with
// distance), flipped and shrunk by a negation among the three words before it, or by "least"; the
// idioms replace it; "but" halves what comes before it and raises what follows by half. The sum of
// a sentence's valences, raised by its "!" and "?", is normalised to the compound score
// x / sqrt(x^2 + 15).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "caspian/document.h"
#include "caspian/result.h"

namespace caspian::nlp {

// VADER's data. Immutable after loading; safe to read from several threads.
class ToneLexicon {
 public:
  // Reads dir/vader_lexicon.tsv ("word<TAB>valence" after a header line), dir/boosters.tsv
  // ("word<TAB>scalar", ditto), dir/negations.txt (a word a line) and dir/idioms.tsv
  // ("idiom<TAB>valence" after a header line). kNotFound for a missing file, kParseError naming the
  // file and line of a malformed one.
  static Result<ToneLexicon> load(const std::filesystem::path& dir);
  // The same from the files' contents; `names` name them in messages, in the order of the
  // arguments (tests).
  static Result<ToneLexicon> parse(std::string_view lexicon, std::string_view boosters,
                                   std::string_view negations, std::string_view idioms,
                                   std::span<const std::string, 4> names);

  // The lexicon's valence of a lower-cased word (-4..+4), or nullopt when it has none.
  std::optional<double> valence(std::string_view word) const;
  // The scalar of a lower-cased booster (> 0) or dampener (< 0) word or bigram ("kind of");
  // nullopt when it is neither.
  std::optional<double> booster(std::string_view word) const;
  // Whether a lower-cased word negates: one of VADER's negations, or a word with "n't" in it.
  bool negates(std::string_view word) const;
  // The valence of a lower-cased idiom of two or three words joined by single spaces, or nullopt.
  std::optional<double> idiom(std::string_view words) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, double, Hash, std::equal_to<>>;
  static std::optional<double> find(const Map& m, std::string_view key);
  Map valences_;
  Map boosters_;
  Map idioms_;
  std::unordered_set<std::string, Hash, std::equal_to<>> negations_;
};

// One word as VADER sees it: the text between spaces without its leading and trailing punctuation,
// as written and lower-cased (U+2019 as an apostrophe).
struct ToneWord {
  std::string_view text;
  std::string lower;
};

// A sentence's words for scoring, from the Document's tokens.
struct SentenceWords {
  std::vector<ToneWord> words;  // VADER's words: those of two or more bytes, as VADER drops "a", "I"
  uint32_t word_count = 0;      // every run of tokens with a word or number in it (GDELT's words)
  uint32_t exclamations = 0;    // "!" in the sentence
  uint32_t questions = 0;       // "?" in the sentence
};

// The words of `sentence` of `doc`: runs of tokens with no space between them ("don't", "U.S.",
// "well-known") with their leading and trailing punctuation and symbols removed. Requires the
// sentence's tokens to be in doc.tokens.
SentenceWords sentence_words(const Document& doc, const Sentence& sentence);

// What score_words() found in one sentence.
struct SentenceTone {
  double compound = 0.0;        // VADER's compound score, -1..+1; 0 without sentiment words
  uint32_t positive_words = 0;  // words whose valence after the rules is above zero
  uint32_t negative_words = 0;  // ... below zero
};

// VADER's scores of a sentence from its words (in order) and its counts of "!" and "?".
SentenceTone score_words(const ToneLexicon& lexicon, std::span<const ToneWord> words, uint32_t exclamations,
                         uint32_t questions);

// The tone on GDELT's scales of text with `words` words of which `positive` and `negative` are
// positive and negative, and a compound score; all zero but `compound` when words is 0.
Tone gdelt_tone(uint32_t positive, uint32_t negative, uint32_t words, double compound);

}  // namespace caspian::nlp
