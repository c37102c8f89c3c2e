// The "tone" stage: the article's tone (Document::tone) and each event's (Event::tone), scored with
// VADER's lexicon and rules (src/nlp/tone.h) on GDELT's scales.
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "nlp/tone.h"
#include "pipeline/stages.h"

namespace caspian::stages {

namespace {

class ToneStage final : public Stage {
 public:
  explicit ToneStage(nlp::ToneLexicon lexicon) : lexicon_(std::move(lexicon)) {}

  std::string_view name() const noexcept override { return "tone"; }

  // Requires: doc.tokens and doc.sentences (the "tokenize" stage).
  // Guarantees: sets doc.tone: AvgTone, PositiveScore and NegativeScore over all the article's
  //   words (positive and negative words counted per sentence, after VADER's rules), and the mean
  //   VADER compound of the sentences that have words (0 when none has). Sets each event's tone to
  //   that of its sentence (its words, its compound); events whose sentence is out of range keep
  //   theirs. Touches nothing else. kInterrupted when the run is cancelled (checked once a sentence).
  // Thread safety: const; reads only the immutable lexicon.
  Status process(Document& doc) const override {
    // VADER's lexicon is English: other languages are skipped (stages::skip_unsupported_language).
    if (stages::skip_unsupported_language(doc, name())) return Status::Ok();
    std::vector<Tone> sentences;
    sentences.reserve(doc.sentences.size());
    uint32_t positive = 0;
    uint32_t negative = 0;
    uint32_t words = 0;
    double compound_sum = 0.0;
    uint32_t scored = 0;
    for (const Sentence& s : doc.sentences) {
      if (run_cancelled()) return Status(ErrorCode::kInterrupted, "tone: cancelled");
      const nlp::SentenceWords w = nlp::sentence_words(doc, s);
      const nlp::SentenceTone t = nlp::score_words(lexicon_, w.words, w.exclamations, w.questions);
      sentences.push_back(nlp::gdelt_tone(t.positive_words, t.negative_words, w.word_count, t.compound));
      positive += t.positive_words;
      negative += t.negative_words;
      words += w.word_count;
      if (!w.words.empty()) {
        compound_sum += t.compound;
        ++scored;
      }
    }
    doc.tone = nlp::gdelt_tone(positive, negative, words, scored == 0 ? 0.0 : compound_sum / scored);
    for (Event& e : doc.events) {
      if (e.sentence < sentences.size()) e.tone = sentences[e.sentence];
    }
    return Status::Ok();
  }

 private:
  nlp::ToneLexicon lexicon_;
};

}  // namespace

Result<std::unique_ptr<Stage>> make_tone(Resources& res) {
  auto lexicon = nlp::ToneLexicon::load(res.data_dir / "tone");
  if (!lexicon.ok()) return lexicon.status();
  return std::unique_ptr<Stage>(std::make_unique<ToneStage>(std::move(lexicon).value()));
}

}  // namespace caspian::stages
