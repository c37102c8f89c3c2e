// Prepares dependency-parser training data (`caspian train parse`): predicted tags by jackknifing,
// and silver trees from unlabelled text by uptraining.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "caspian/result.h"
#include "nlp/dep_parser.h"
#include "nlp/pos_tagger.h"

namespace caspian::nlp {

// Jackknifing: splits `sentences` into `folds` interleaved folds (sentence i in fold i % folds),
// trains a tagger with `options` on all folds but one and retags that fold with it, so that parser
// training sees tags as noisy as at parse time. Deterministic. `log` (may be null) gets one line
// per fold.
// Errors: kInvalidArgument (folds < 2 or more folds than sentences), and those of PosTagger::train().
[[nodiscard]] Status jackknife_tags(std::vector<ParsedSentence>& sentences, int folds,
                                    const PosTrainOptions& options, std::ostream* log);

// Uptraining (Petrov et al. 2010): tags each of `sentences` (tokenised unlabelled text) with
// `tagger` and parses it with `teachers`, accurate but slower parsers, giving silver trees on which
// a faster parser can learn what the teachers know. With several teachers, a sentence is kept only
// when all of them give it the same tree, heads and labels (tri-training, Weiss et al. 2015); the
// tree is the first teacher's. Sentences shorter than min_words or longer than max_words and repeats
// of an earlier sentence are left out, and with `every` > 1 only sentences 0, every, 2 * every, ...
// are read. Requires: at least one teacher, none null; every >= 1. Deterministic; `log` (may be
// null) gets one summary line.
struct SilverOptions {
  size_t every = 1;       // read one sentence in this many (an even sample of a large text)
  size_t min_words = 3;   // shorter ones are mostly headings and list items
  size_t max_words = 80;  // longer ones are mostly unsplit lists and tables, parsed badly
};
[[nodiscard]] std::vector<ParsedSentence> silver_parses(
    const PosTagger& tagger, std::span<const DepParser* const> teachers,
    const std::vector<std::vector<std::string>>& sentences, const SilverOptions& options, std::ostream* log);

}  // namespace caspian::nlp
