// The CAMEO verb-pattern dictionary in the PETRARCH-2 format (data/events/petrarch2/CAMEO.2.0.txt):
// synonym sets (&NAME, "+WORD" members), verb blocks ("--- VERB [code] ---") of verbs sharing
// patterns, each verb with an optional code and irregular forms, and patterns
// ("- PRE * POST [code]") that refine the code from the words around the verb.
//
// Thread safety: immutable after loading; safe to read from several threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "caspian/result.h"

namespace caspian::events {

// One element of a pattern.
struct PatternItem {
  enum class Kind : uint8_t {
    kWord,    // a word; `exact` unless it may be followed by more letters (a stem)
    kSynset,  // any member of the synonym set `synset`
    kSource,  // "$": the source actor stands here
    kTarget,  // "+": the target actor stands here
    kAny,     // "^" or "%": any phrase (PETRARCH's skip markers)
  };
  Kind kind = Kind::kWord;
  std::string word;  // folded, for kWord
  bool exact = false;
  uint32_t synset = 0;
};

struct VerbPattern {
  std::vector<PatternItem> before;  // the words before the verb ("*"), in order
  std::vector<PatternItem> after;   // the words after it
  std::string code;                 // CAMEO code; "" for "[---]" (the pattern discards the event)
  std::string target_code;          // the second code of "[042:043]", the event of the target
  std::string text;                 // as written, for evidence
  size_t words = 0;                 // word and synset items: the more, the more specific
};

struct VerbBlock {
  std::string head;          // "ACCUSE"
  std::string code;          // the block's default code, "" when "[---]"
  std::string reverse_code;  // the target's code of a paired default ("[043:042]": "042")
  std::vector<VerbPattern> patterns;
};

// What a word form of a verb leads to.
struct VerbForm {
  uint32_t block = 0;
  std::string code;                    // the verb line's code, else the block's
  std::string reverse_code;            // likewise, the target's code of a paired code
  std::vector<std::string> particles;  // folded words that must follow the verb ("ASK_FOR": "for")
  std::string lemma;                   // the verb line's first word, folded ("take" for "took")
};

class VerbDictionary {
 public:
  // Reads a PETRARCH-2 verb dictionary. Fails naming the file and line on malformed input.
  [[nodiscard]] static Result<VerbDictionary> load(const std::filesystem::path& path);
  [[nodiscard]] static Result<VerbDictionary> parse(std::string_view text, std::string_view origin);

  // The verbs (possibly several multi-word verbs) whose form is the folded `word`; empty if none.
  [[nodiscard]] std::span<const VerbForm> lookup(std::string_view word) const;
  [[nodiscard]] const VerbBlock& block(uint32_t id) const { return blocks_[id]; }
  [[nodiscard]] size_t block_count() const { return blocks_.size(); }
  [[nodiscard]] size_t form_count() const { return forms_.size(); }
  [[nodiscard]] size_t pattern_count() const;
  // Patterns naming a synonym set that is not defined ("file:line: &NAME"); they cannot match.
  [[nodiscard]] const std::vector<std::string>& unknown_synsets() const { return unknown_synsets_; }

  // Whether the folded `word` (at words[0], with the words that follow) matches `item` (a word or
  // synset); returns the number of words matched (synset members may be phrases), 0 if none.
  [[nodiscard]] size_t match(const PatternItem& item, std::span<const std::string> words) const;

 private:
  struct SynsetMember {
    std::vector<std::string> words;
    bool exact = false;  // the last word is whole ("CASH_"), else a stem ("MONEY" matches "moneys")
  };
  std::vector<VerbBlock> blocks_;
  std::unordered_map<std::string, std::vector<VerbForm>> forms_;
  std::vector<std::vector<SynsetMember>> synsets_;
  std::unordered_map<std::string, uint32_t> synset_ids_;
  std::vector<std::string> unknown_synsets_;
};

}  // namespace caspian::events
