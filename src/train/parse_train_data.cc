#include "train/parse_train_data.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <ostream>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace caspian::nlp {
namespace {

// Replaces the UPOS and XPOS tags of one sentence by those `tagger` predicts.
void tag_in_place(const PosTagger& tagger, ParsedSentence& s) {
  const std::vector<std::string_view> words(s.words.begin(), s.words.end());
  tagger.tag(words, s.upos, s.xpos);
}

}  // namespace

Status jackknife_tags(std::vector<ParsedSentence>& sentences, int folds, const PosTrainOptions& options,
                      std::ostream* log) {
  if (folds < 2 || static_cast<size_t>(folds) > sentences.size()) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("cannot jackknife {} sentences in {} folds", sentences.size(), folds));
  }
  const auto k = static_cast<size_t>(folds);
  std::vector<std::vector<ParsedSentence>> retagged(k);
  for (size_t fold = 0; fold < k; ++fold) {
    std::vector<TaggedSentence> train;
    std::vector<ParsedSentence> held_out;
    for (size_t i = 0; i < sentences.size(); ++i) {
      if (i % k == fold) {
        held_out.push_back(sentences[i]);
      } else {
        train.push_back({sentences[i].words, sentences[i].upos, sentences[i].xpos});
      }
    }
    auto tagger = PosTagger::train(train, {}, options, nullptr);
    if (!tagger.ok()) return tagger.status();
    size_t words = 0;
    size_t correct = 0;
    for (ParsedSentence& s : held_out) {
      const std::vector<std::string> gold_xpos = s.xpos;
      tag_in_place(**tagger, s);
      for (size_t i = 0; i < s.xpos.size(); ++i) correct += s.xpos[i] == gold_xpos[i] ? 1 : 0;
      words += s.xpos.size();
    }
    if (log != nullptr) {
      *log << "jackknife fold " << fold + 1 << "/" << folds << ": tagger trained on " << train.size()
           << " sentences, XPOS accuracy on the held-out fold "
           << (words == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(words)) << "\n";
    }
    retagged[fold] = std::move(held_out);
  }
  for (size_t i = 0; i < sentences.size(); ++i) sentences[i] = std::move(retagged[i % k][i / k]);
  return Status::Ok();
}

std::vector<ParsedSentence> silver_parses(const PosTagger& tagger, std::span<const DepParser* const> teachers,
                                          const std::vector<std::vector<std::string>>& sentences,
                                          const SilverOptions& options, std::ostream* log) {
  std::vector<ParsedSentence> silver;
  std::unordered_set<uint64_t> seen;
  size_t words = 0;
  size_t disagreed = 0;
  std::vector<int> heads;
  std::vector<std::string> deprels;
  for (size_t i = 0; i < sentences.size(); i += options.every) {
    const std::vector<std::string>& tokens = sentences[i];
    if (tokens.size() < options.min_words || tokens.size() > options.max_words) continue;
    std::string joined;
    for (const std::string& t : tokens) (joined += t) += '\n';
    if (!seen.insert(XXH3_64bits(joined.data(), joined.size())).second) continue;
    ParsedSentence s;
    s.words = tokens;
    tag_in_place(tagger, s);
    const std::vector<std::string_view> w(s.words.begin(), s.words.end());
    const std::vector<std::string_view> upos(s.upos.begin(), s.upos.end());
    const std::vector<std::string_view> xpos(s.xpos.begin(), s.xpos.end());
    teachers.front()->parse(w, upos, xpos, s.heads, s.deprels);
    const bool agreed = std::all_of(teachers.begin() + 1, teachers.end(), [&](const DepParser* other) {
      other->parse(w, upos, xpos, heads, deprels);
      return heads == s.heads && deprels == s.deprels;
    });
    if (!agreed) {
      ++disagreed;
      continue;
    }
    words += s.words.size();
    silver.push_back(std::move(s));
  }
  if (log != nullptr) {
    *log << "silver trees: " << silver.size() << " sentences, " << words << " words, parsed from "
         << sentences.size() << " unlabelled sentences";
    if (teachers.size() > 1) *log << " (" << disagreed << " left out where the teachers disagree)";
    *log << "\n";
  }
  return silver;
}

}  // namespace caspian::nlp
