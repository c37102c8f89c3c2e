// A reader for CoNLL-U, the format of Universal Dependencies treebanks
// (https://universaldependencies.org/format.html).
//
// One reader serves every consumer of treebanks in caspian: the segmentation evaluator needs the
// surface tokens, multiword tokens and `# text` comments; the POS tagger needs FORM, UPOS and XPOS;
// the dependency parser needs HEAD and DEPREL. Sentences are returned with owned strings so that
// they can outlive the file's bytes.
//
// What is kept: syntactic word lines ("1", "2", ...) as ConlluWord, multiword token ranges ("3-4")
// as ConlluMultiword over those words, and the comments that structure the text (`# newdoc`,
// `# newpar`, `# sent_id = `, `# text = `). Empty nodes ("8.1", enhanced dependencies) are skipped:
// they have no surface form and no basic-tree head.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/result.h"

namespace caspian::nlp {

// The largest decompressed treebank the readers accept.
inline constexpr size_t kMaxConlluBytes = size_t{1} << 30;

// HEAD of a word whose HEAD column is "_" (allowed for unannotated text).
inline constexpr int32_t kConlluNoHead = -1;

// One syntactic word (a line whose ID is an integer).
struct ConlluWord {
  std::string form;
  std::string lemma;
  std::string upos;  // "_" when unannotated
  std::string xpos;  // "_" when unannotated
  std::string feats;
  int32_t head = kConlluNoHead;  // 0 is the root, 1..n a word of the sentence
  std::string deprel;
  std::string misc;
  bool space_after = true;  // false when MISC has SpaceAfter=No
};

// A multiword token such as "didn't" (ID "3-4") spanning words [first, last] (0-based indices into
// ConlluSentence::words).
struct ConlluMultiword {
  uint32_t first = 0;
  uint32_t last = 0;
  std::string form;
  bool space_after = true;
};

struct ConlluSentence {
  std::vector<ConlluWord> words;
  std::vector<ConlluMultiword> multiwords;  // in text order, non-overlapping
  std::string sent_id;                      // from `# sent_id = `, may be empty
  std::string text;                         // from `# text = `
  bool has_text = false;
  bool new_doc = false;  // `# newdoc` precedes it
  bool new_par = false;  // `# newpar` precedes it
  size_t line = 0;       // 1-based line number of its first word line
};

// Parses CoNLL-U text.
// Requires: nothing (any bytes).
// Guarantees: on success, every sentence has at least one word; word ids were consecutive from 1;
//   every HEAD is kConlluNoHead or in [0, words.size()]; multiword ranges lie inside the sentence.
// Errors: kInvalidUtf8 (with byte offset and line), kParseError (a malformed line: not 10
//   tab-separated columns, a bad ID or HEAD, ids out of sequence; the message names the line).
[[nodiscard]] Result<std::vector<ConlluSentence>> parse_conllu(std::string_view conllu);

// Reads a file's bytes, transparently decompressing gzip (zlib's gzread reads plain files as is).
// Errors: kNotFound, kIoError (unreadable, or a corrupt or truncated gzip stream), kTooLarge (over
//   kMaxConlluBytes once decompressed). Messages name the file.
[[nodiscard]] Result<std::string> read_conllu_bytes(const std::filesystem::path& conllu_or_gz);

// read_conllu_bytes() then parse_conllu(); errors are prefixed with the file name.
// Additionally fails with kEmptyInput when the file holds no sentence.
[[nodiscard]] Result<std::vector<ConlluSentence>> read_conllu(const std::filesystem::path& conllu_or_gz);

}  // namespace caspian::nlp
