// Scores nlp::tokenize against a Universal Dependencies treebank (CoNLL-U), the way the CoNLL 2018
// shared task scores "Tokens" and "Sentences": by exact character spans over the raw text.
//
// The raw text of each document is rebuilt from the `# text = ...` comments: sentences of one
// paragraph are joined by a space and paragraphs (`# newpar`) by a blank line ("\n\n"), as in the
// shared task's .txt files; a new document starts at `# newdoc`. The tokenizer runs over each
// document's text as the pipeline would run it over an article.
//
// Three scores:
//  * tokens: surface tokens (a multiword token such as "don't", lines "1-2", is one token).
//  * words: syntactic words, the unit caspian's tokenizer aims at (it splits "don't" into "do"
//    "n't" like UD does). Words inside a multiword token get their own spans when their forms
//    concatenate to the surface form (as in English); otherwise the multiword token counts as one.
//  * sentences: sentence spans.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/result.h"
#include "nlp/conllu.h"  // kMaxConlluBytes

namespace caspian::nlp {

// Counts for one precision/recall/F1 score.
struct SpanScore {
  size_t gold = 0;
  size_t system = 0;
  size_t correct = 0;  // spans present in both

  [[nodiscard]] double precision() const { return system == 0 ? 0.0 : static_cast<double>(correct) / system; }
  [[nodiscard]] double recall() const { return gold == 0 ? 0.0 : static_cast<double>(correct) / gold; }
  [[nodiscard]] double f1() const {
    const double p = precision();
    const double r = recall();
    return p + r == 0.0 ? 0.0 : 2 * p * r / (p + r);
  }
};

struct SegmentationReport {
  std::string source;  // what was evaluated (a path or "<memory>")
  bool paragraph_breaks = true;
  size_t documents = 0;
  size_t bytes = 0;  // raw text bytes given to the tokenizer
  SpanScore tokens;
  SpanScore words;
  SpanScore sentences;
  size_t alignment_failures = 0;      // gold forms not found where expected in `# text` (scored anyway)
  std::vector<std::string> examples;  // sample errors: missed and spurious sentences and words
};

struct SegmentationEvalOptions {
  // Join paragraphs with a blank line (true, the CoNLL 2018 setting) or with a space (false,
  // which leaves the tokenizer no layout cues at all).
  bool paragraph_breaks = true;
  // Roughly how many errors to quote in SegmentationReport::examples (one of each kind per
  // document until the quota is used up).
  size_t max_examples = 0;
};

// Evaluates the tokenizer on a CoNLL-U file, gzip-compressed or not (read with nlp::read_conllu_bytes;
// at most kMaxConlluBytes once decompressed).
// Errors: kNotFound (no such file), kIoError (unreadable, or a corrupt or truncated gzip
// stream), kTooLarge (over kMaxConlluBytes), kInvalidUtf8, kParseError (a malformed line, with
// its number), kEmptyInput (no sentences).
[[nodiscard]] Result<SegmentationReport> evaluate_conllu(const std::filesystem::path& conllu_or_gz,
                                                         const SegmentationEvalOptions& options = {});

// Same, on CoNLL-U text already in memory.
[[nodiscard]] Result<SegmentationReport> evaluate_conllu_text(std::string_view conllu,
                                                              const SegmentationEvalOptions& options = {});

// A human-readable, multi-line summary with precision, recall and F1 for each score.
[[nodiscard]] std::string format_report(const SegmentationReport& report);

}  // namespace caspian::nlp
