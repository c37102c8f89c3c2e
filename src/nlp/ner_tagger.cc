// The named-entity recogniser's inference: beam and greedy decoding of a prepared document with
// one stage's weights, and tag_document() over the stages. See ner_tagger.h for the contract and
// ner_model.h for the features and the model.
#include "nlp/ner_tagger.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "nlp/ner_model.h"

namespace caspian::nlp {

using namespace ner_detail;

// --- NerTagger ------------------------------------------------------------------------------------

NerTagger::NerTagger() : model_(std::make_unique<Model>()) {}
NerTagger::~NerTagger() = default;

uint64_t NerTagger::feature_fingerprint() {
  static const uint64_t kFingerprint = compute_fingerprint();
  return kFingerprint;
}

namespace {

// Beam search over each sentence's label sequences: keeps the `beam` best partial sequences by the
// sum of their labels' scores (static_scores: per word, the scores of its static features, from
// decode_stage()), extending each with every legal label, and returns the best complete one. The
// label-history features see the document's labels up to the previous sentence (the beam's own
// sentence is added once decided). Fills labels[w] and, if probs is not null, the softmax probability
// of each chosen label among the labels legal after its predecessor.
void beam_decode(const NerTagger::Model& m, const NerTagger::Model::Stage& st, const PreparedDoc& doc,
                 const std::vector<float>& static_scores, size_t beam, std::vector<uint32_t>& labels,
                 std::vector<float>* probs) {
  const size_t n_labels = m.n_labels();
  struct Hyp {
    double score = 0;
    uint32_t back = 0;  // index in the previous position's beam
    uint32_t label = 0;
    uint64_t label1 = kStartLabel;  // this hypothesis' label (kStartLabel before the first word)
    uint64_t label2 = kStart2Label;
  };
  History history(m.n_types);
  std::array<uint64_t, kDynamicFeatures> dyn{};
  // The beams of one sentence, flat: position p's hypotheses are hyps[begin[p], begin[p + 1]); the
  // label scores each hypothesis of position p saw when extended sit in scores, n_labels per
  // hypothesis, at the hypothesis' own index (kept for the probabilities of the chosen path only,
  // which saves an exp() per label and hypothesis).
  std::vector<Hyp> hyps;
  std::vector<size_t> begin_of;
  std::vector<float> scores;
  std::vector<Hyp> next;
  for (size_t s = 0; s + 1 < doc.sentence_begin.size(); ++s) {
    const size_t begin = doc.sentence_begin[s];
    const size_t end = doc.sentence_begin[s + 1];
    hyps.assign(1, Hyp{});
    begin_of.assign({0, 1});
    for (size_t w = begin; w < end; ++w) {
      const bool last = w + 1 == end;
      const uint64_t hist = doc.history_eligible[w] ? history.majority(doc.norm[w]) : m.n_types + 2;
      const size_t cur_begin = begin_of[begin_of.size() - 2];
      const size_t cur_end = begin_of.back();
      scores.resize(cur_end * n_labels);
      next.clear();
      for (size_t h = cur_begin; h < cur_end; ++h) {
        float* sc = scores.data() + h * n_labels;
        // The label-dependent features see only the last two labels: hypotheses that share them
        // (often, in a beam) share their scores.
        size_t same = cur_begin;
        while (same < h && (hyps[same].label1 != hyps[h].label1 || hyps[same].label2 != hyps[h].label2))
          ++same;
        if (same < h) {
          std::copy_n(scores.data() + same * n_labels, n_labels, sc);
        } else {
          std::copy_n(static_scores.data() + w * n_labels, n_labels, sc);
          dynamic_features(doc, w, hyps[h].label1, hyps[h].label2, hist, dyn.data());
          st.table.add_scores(dyn.data(), dyn.size(), sc);
        }
        for (uint32_t l = 0; l < n_labels; ++l) {
          if (!allowed(hyps[h].label1, l, last)) continue;
          Hyp x;
          x.score = hyps[h].score + static_cast<double>(sc[l]);
          x.back = static_cast<uint32_t>(h - cur_begin);
          x.label = l;
          x.label1 = l;
          x.label2 = hyps[h].label1;
          next.push_back(x);
        }
      }
      const size_t keep = std::min(beam, next.size());
      std::partial_sort(next.begin(), next.begin() + static_cast<ptrdiff_t>(keep), next.end(),
                        [](const Hyp& a, const Hyp& b) { return a.score > b.score; });
      hyps.insert(hyps.end(), next.begin(), next.begin() + static_cast<ptrdiff_t>(keep));
      begin_of.push_back(hyps.size());
    }
    size_t h = 0;  // within its position's beam
    for (size_t w = end; w > begin; --w) {
      const size_t p = w - begin;  // position of word w - 1's hypotheses
      const Hyp& x = hyps[begin_of[p] + h];
      labels[w - 1] = x.label;
      const size_t parent = begin_of[p - 1] + x.back;
      if (probs != nullptr) {
        // Softmax of the label's score among the labels legal after the parent's.
        const float* sc = scores.data() + parent * n_labels;
        const bool last = w == end;
        float top = -INFINITY;
        for (uint32_t l = 0; l < n_labels; ++l)
          if (allowed(hyps[parent].label1, l, last)) top = std::max(top, sc[l]);
        double z = 0;
        for (uint32_t l = 0; l < n_labels; ++l)
          if (allowed(hyps[parent].label1, l, last)) z += std::exp(static_cast<double>(sc[l] - top));
        (*probs)[w - 1] = static_cast<float>(std::exp(static_cast<double>(sc[x.label] - top)) / z);
      }
      h = x.back;
    }
    for (size_t w = begin; w < end; ++w)
      if (doc.history_eligible[w]) history.add(doc.norm[w], labels[w]);
  }
}

}  // namespace

namespace ner_detail {

// Decodes a prepared document with one stage's weights: labels per word, and (if probs is not null)
// the softmax probability of each chosen label among the allowed ones. beam <= 1: greedy, with the
// repair described below; otherwise beam_decode().
void decode_stage(const NerTagger::Model& m, const NerTagger::Model::Stage& st, const PreparedDoc& doc,
                  std::vector<uint32_t>& labels, std::vector<float>* probs, size_t beam) {
  const size_t n_words = doc.norm.size();
  const size_t n_labels = m.n_labels();
  labels.assign(n_words, 0);
  if (probs != nullptr) probs->assign(n_words, 1.0F);
  // The static features' scores of every word first: one batch per word lets the table lookups
  // overlap; decoding then adds only the few label-dependent features.
  std::vector<float> static_scores(n_words * n_labels, 0.0F);
  for (size_t w = 0; w < n_words; ++w) {
    float* out = static_scores.data() + w * n_labels;
    st.table.add_scores(doc.keys.data() + doc.key_begin[w], doc.key_begin[w + 1] - doc.key_begin[w], out);
    if (!doc.extra_begin.empty())
      st.table.add_scores(doc.extra.data() + doc.extra_begin[w], doc.extra_begin[w + 1] - doc.extra_begin[w],
                          out);
  }
  if (beam > 1) {
    beam_decode(m, st, doc, static_scores, beam, labels, probs);
    return;
  }
  decode(
      doc, m.n_types,
      [&](size_t w, const uint64_t* k, size_t n_static, size_t n, float* sc) {
        std::copy_n(static_scores.data() + w * n_labels, n_labels, sc);
        st.table.add_scores(k + n_static, n - n_static, sc);
      },
      [&](size_t w, const std::vector<uint64_t>&, uint32_t best, const std::vector<float>& scores,
          uint64_t prev, bool last) {
        // Repair of greedy BILOU decoding: when the previous word opened or continued an entity,
        // only I-/L- of its type are legal here, so one early mistake ("Moody" B-PER) would drag
        // the following words into the entity ("Moody took six for 82"). If the model scores a
        // label that starts afresh (O, B-, U-) above every legal continuation, the previous word
        // closes the entity instead (B- -> U-, I- -> L-, both legal after what preceded it).
        if (is_open(prev)) {
          const uint32_t closed = close_label(static_cast<uint32_t>(prev));
          uint32_t fresh = best;
          float fresh_score = scores[best];
          for (uint32_t l = 0; l < n_labels; ++l) {
            if (allowed(closed, l, last) && scores[l] > fresh_score) fresh = l, fresh_score = scores[l];
          }
          if (fresh != best) {
            labels[w - 1] = closed;
            prev = closed;
            best = fresh;
          }
        }
        labels[w] = best;
        if (probs != nullptr) {
          float z = 0;
          for (uint32_t l = 0; l < n_labels; ++l) {
            if (allowed(prev, l, last)) z += std::exp(scores[l] - scores[best]);
          }
          (*probs)[w] = 1.0F / z;
        }
        return best;
      });
}

}  // namespace ner_detail

std::vector<NerSpan> NerTagger::tag_document(
    const std::vector<std::vector<std::string_view>>& sentences) const {
  std::vector<NerSpan> out;
  const Model& m = *model_;
  if (m.stages.empty()) return out;
  PreparedDoc doc = prepare(m, sentences);
  std::vector<uint32_t> labels;
  std::vector<float> probs;
  for (size_t st = 0; st < m.stages.size(); ++st) {
    if (st > 0) aggregate(doc, labels, m.n_types);
    // The last stage searches a beam; the first of two stays greedy, as in the jackknifing its
    // successor was trained on.
    const bool final_stage = st + 1 == m.stages.size();
    decode_stage(m, m.stages[st], doc, labels, final_stage ? &probs : nullptr, final_stage ? kBeamWidth : 1);
  }
  for (size_t s = 0; s + 1 < doc.sentence_begin.size(); ++s) {
    const uint32_t begin = doc.sentence_begin[s];
    const uint32_t end = doc.sentence_begin[s + 1];
    for (uint32_t w = begin; w < end; ++w) {
      if (labels[w] == 0) continue;
      const Position p = position_of(labels[w]);
      if (p == kB || p == kU) {
        out.push_back(NerSpan{static_cast<uint32_t>(s), w - begin, w - begin + 1, types_[type_of(labels[w])],
                              probs[w]});
      } else {
        out.back().end = w - begin + 1;
        out.back().confidence = std::min(out.back().confidence, probs[w]);
      }
    }
  }
  return out;
}

std::vector<std::string> spans_to_tags(const std::vector<NerSpan>& spans, uint32_t sentence, size_t n) {
  std::vector<std::string> tags(n, "O");
  for (const NerSpan& s : spans) {
    if (s.sentence != sentence || s.end > n) continue;
    for (uint32_t i = s.begin; i < s.end; ++i) tags[i] = (i == s.begin ? "B-" : "I-") + std::string(s.type);
  }
  return tags;
}

}  // namespace caspian::nlp
