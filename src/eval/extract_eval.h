// Internal: `caspian eval extract` — main-text and metadata scores of extract_article().
//
// Main text is scored exactly as scrapinghub's article-extraction-benchmark (evaluate.py) does:
// case-sensitive `\w+` tokens (Python `re` Unicode word characters: letters, numbers and '_'),
// shingles of 4 consecutive tokens (a text of 1-3 tokens is one shorter shingle), per page the
// multiset TP/FP/FN normalised to sum 1; precision is averaged over the pages with TP+FP > 0,
// recall over those with TP+FN > 0 (an empty gold and empty prediction count 1 for both), and F1
// is the harmonic mean of the two averages. Bag-of-words scores use single tokens the same way.
// Title, author and date accuracies are counted over the pages whose gold has that field.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "caspian/result.h"

namespace caspian::extract {

// Python `re.findall(r'\w+', text)` over UTF-8 text (invalid bytes are separators).
std::vector<std::string> word_tokens(std::string_view text);

struct TpFpFn {
  double tp = 0, fp = 0, fn = 0;  // normalised to sum to 1 (all 0 when both texts are empty)
};

// scrapinghub's string_shingle_matching(true=gold, pred=pred, ngram_n=n).
TpFpFn shingle_match(std::string_view gold, std::string_view pred, size_t n = 4);

struct PrfAverage {
  double precision = 0, recall = 0, f1 = 0;
};

// scrapinghub's metrics_from_tp_fp_fns.
PrfAverage average_prf(const std::vector<TpFpFn>& pages);

// Scores the extractor on benchmark folders: scrapinghub_aeb (html/*.html.gz +
// ground-truth*.json), WCXB (html/NNNN.html.gz + ground-truth/NNNN.json) or Mozilla Readability
// test pages (<name>/source.html.gz + expected.html.gz + expected-metadata.json).
// Returns a report; kNotFound / kInvalidArgument for a folder in none of those layouts.
Result<std::string> evaluate_extraction(const std::vector<std::string>& dirs);

}  // namespace caspian::extract
