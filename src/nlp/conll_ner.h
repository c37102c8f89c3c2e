// Readers for named-entity corpora in the CoNLL family of column formats (`caspian eval ner`,
// `caspian train ner`):
//   - CoNLL-2003, 4 space-separated columns: word, POS, chunk, NE tag ("EU NNP I-NP I-ORG");
//   - 2 space-separated columns: word, NE tag (WikiGold);
//   - 2 tab-separated columns: word, NE tag (re3d).
// Sentences are separated by blank lines; a line whose word is "-DOCSTART-" starts a new document.
// Only the word and the NE tag are kept (CoNLL's POS and chunk columns are ignored: caspian runs on
// raw text). Tags are "O" or "<prefix>-<TYPE>" with prefix B, I, E, S, L or U; both IOB1 (CoNLL-2003:
// B- only between two adjacent entities of one type) and BIO are read, and spans() interprets
// either.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/result.h"

namespace caspian::nlp {

enum class NerFormat : uint8_t {
  kAuto,    // decided from the first token line: a tab -> kTab2; 4+ fields -> kConll4; 2 -> kConll2
  kConll4,  // word POS chunk tag (extra middle columns are tolerated: the tag is the last field)
  kConll2,  // word tag, space-separated
  kTab2,    // word<TAB>tag
};

// Parses "auto", "conll4", "conll2", "tab"; false if unknown.
[[nodiscard]] bool parse_ner_format(std::string_view name, NerFormat& out);

struct NerSentence {
  std::vector<std::string> words;
  std::vector<std::string> tags;  // same length as words
  size_t line = 0;                // 1-based line of the first word
};

struct NerDocument {
  std::vector<NerSentence> sentences;  // non-empty sentences only
};

// An entity: words [begin, end) of a sentence, with its type ("PER", "LOC", ...).
struct NerChunk {
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string type;
  auto operator<=>(const NerChunk&) const = default;
};

// The largest file the readers accept.
inline constexpr size_t kMaxNerFileBytes = size_t{1} << 30;

// Parses a whole file's text. `name` prefixes error messages.
// Requires: nothing (any bytes).
// Guarantees: every sentence is non-empty and its tags are well-formed ("O" or a known prefix, '-',
//   and a non-empty type). Text before the first -DOCSTART- forms a document of its own; documents
//   without sentences are dropped.
// Errors: kInvalidUtf8, kParseError (a line with the wrong number of columns for the format, an
//   empty word, a malformed tag; the message names `name` and the 1-based line), kEmptyInput (no
//   sentence at all).
[[nodiscard]] Result<std::vector<NerDocument>> parse_conll_ner(std::string_view text, std::string_view name,
                                                               NerFormat format = NerFormat::kAuto);

// Reads a file (plain or gzip) and parses it; errors name the file.
[[nodiscard]] Result<std::vector<NerDocument>> read_conll_ner(const std::filesystem::path& path,
                                                              NerFormat format = NerFormat::kAuto);

// The chunks of a tag sequence, by conlleval's rules: a chunk starts at B-/S-/U-, at I-/E-/L- after
// O or after a tag of another type, and at I-/E-/L- following an E-/L-/S-/U-; it ends before the
// next start or O. Works for IOB1, BIO and BILOU/IOBES alike. Tags must be well-formed (as
// guaranteed by the readers); a malformed tag is treated as O.
[[nodiscard]] std::vector<NerChunk> chunks_of(const std::vector<std::string>& tags);

// Renames entity types in every tag: types found in `mapping` are renamed to its value, or turned
// into O when the value is empty; types not in `mapping` are kept when `keep_unmapped`, otherwise
// turned into O.
void map_ner_types(std::vector<NerDocument>& docs, const std::map<std::string, std::string>& mapping,
                   bool keep_unmapped);

// The distinct entity types of the tags, sorted.
[[nodiscard]] std::vector<std::string> ner_types(const std::vector<NerDocument>& docs);

}  // namespace caspian::nlp
