// The named-entity recogniser's features and document preparation: word descriptions, the
// feature fingerprint, gazetteer matches, the static features of a document and the
// second-stage aggregation of the first stage's labels. See ner_model.h.
#include "nlp/ner_model.h"

#include <utf8proc.h>

#include <algorithm>
#include <string>

#include "caspian/utf8.h"
#include "kb/gazetteer.h"

namespace caspian::nlp::ner_detail {

using perceptron::normalize_word;
using perceptron::shape_class;

WordInfo padding_info(std::string_view marker) {
  WordInfo w;
  w.form = w.norm = w.shape = hash_string(marker);
  w.prefix.fill(w.form);
  w.suffix.fill(w.form);
  return w;
}

WordInfo word_info(std::string_view word, std::string& norm, std::string& shape) {
  WordInfo w;
  w.form = hash_string(word);
  normalize_word(word, norm);
  w.norm = hash_string(norm);
  std::array<std::string_view, kMaxAffix> prefix;
  std::array<std::string_view, kMaxAffix> suffix;
  perceptron::affixes(norm, prefix, suffix);
  for (size_t k = 0; k < kMaxAffix; ++k) {
    w.prefix[k] = hash_string(prefix[k]);
    w.suffix[k] = hash_string(suffix[k]);
  }
  shape.clear();
  size_t run = 0;
  bool any_letter = false;
  bool any_lower = false;
  for (size_t pos = 0; pos < word.size();) {
    utf8proc_int32_t cp = -1;
    const utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(word.data() + pos),
                                                static_cast<utf8proc_ssize_t>(word.size() - pos), &cp);
    pos += n > 0 ? static_cast<size_t>(n) : 1;
    const char c = shape_class(n > 0 ? cp : -1);
    if (c == '-') w.flags |= kFlagHyphen;
    if (c == 'd') w.flags |= kFlagDigit;
    if (c == 'X' || c == 'x') any_letter = true;
    if (c == 'x') any_lower = true;
    if (shape.empty() && c == 'X') w.flags |= kFlagCapitalized;
    if (shape.empty() && c == 'x') w.flags |= kFlagLowerInitial;
    run = !shape.empty() && shape.back() == c ? run + 1 : 1;
    if (run <= kMaxShapeRun) shape += c;
  }
  if (any_letter && !any_lower) w.flags |= kFlagAllUpper;
  w.shape = hash_string(shape);
  return w;
}

uint64_t compute_fingerprint() {
  std::string desc(kFeatureParams);
  for (std::string_view name : kFeatNames) {
    desc += '\n';
    desc += name;
  }
  return XXH3_64bits(desc.data(), desc.size());
}

void match_gazetteer(const NerTagger::Model& m, std::span<const std::string_view> words,
                     std::vector<WordInfo>& info) {
  if (m.gaz_keys.empty()) return;
  std::vector<std::string> keys(words.size());
  std::vector<uint8_t> keyed(words.size(), 0);
  const auto key_of = [&](size_t j) -> const std::string& {
    if (!keyed[j]) keys[j] = kb::Gazetteer::key(words[j]), keyed[j] = 1;
    return keys[j];
  };
  std::string span;
  for (size_t i = 0; i < words.size(); ++i) {
    if (!(info[i + kContext].flags & kFlagCapitalized) || key_of(i).empty()) continue;
    if (const uint32_t idx = m.gaz_index.find(hash_string(key_of(i)) | 1); idx != FlatIndex::kMissing)
      info[i + kContext].gaz_token = m.gaz_masks[idx] & ~kGazetteerPrefixBit;
    span.clear();
    size_t best_end = 0;
    uint32_t best_mask = 0;
    for (size_t j = i; j < words.size() && j < i + kMaxGazetteerWords; ++j) {
      const std::string& k = key_of(j);
      if (k.empty()) continue;  // punctuation inside a name ("Washington , D.C.")
      if (!span.empty()) span += ' ';
      span += k;
      const uint32_t idx = m.gaz_index.find(hash_string(span) | 1);
      if (idx == FlatIndex::kMissing) break;
      const uint32_t mask = m.gaz_masks[idx];
      if ((mask & ~kGazetteerPrefixBit) != 0) best_end = j + 1, best_mask = mask & ~kGazetteerPrefixBit;
      if (!(mask & kGazetteerPrefixBit)) break;
    }
    if (best_end == 0) continue;
    for (size_t l = 0; l < kGazetteerLists; ++l) {
      if (!(best_mask & (1U << l))) continue;
      for (size_t j = i; j < best_end; ++j) {
        const Position p = best_end - i == 1 ? kU : j == i ? kB : j + 1 == best_end ? kL : kI;
        uint32_t& slot = info[j + kContext].gaz[l];
        if (slot == 0) slot = 1 + p;  // an earlier, longer-or-equal match wins
      }
    }
  }
}

PreparedDoc prepare(const NerTagger::Model& m, const std::vector<std::vector<std::string_view>>& sentences) {
  static const WordInfo kStart = padding_info("-START-");
  static const WordInfo kStart2 = padding_info("-START2-");
  static const WordInfo kEnd = padding_info("-END-");
  static const WordInfo kEnd2 = padding_info("-END2-");
  PreparedDoc doc;
  std::vector<std::vector<WordInfo>> infos(sentences.size());
  // Document-level case statistics per normalised word: seen starting lower-case; seen capitalised
  // (not all caps) after the first word of a sentence.
  constexpr uint8_t kSeenLower = 1;
  constexpr uint8_t kSeenCapInside = 2;
  std::unordered_map<uint64_t, uint8_t> doc_case;
  std::string norm;
  std::string shape;
  for (size_t s = 0; s < sentences.size(); ++s) {
    std::vector<WordInfo>& info = infos[s];
    info.reserve(sentences[s].size() + 2 * kContext);
    info.push_back(kStart2);
    info.push_back(kStart);
    for (size_t i = 0; i < sentences[s].size(); ++i) {
      const std::string_view word = sentences[s][i];
      WordInfo w = word_info(word, norm, shape);
      if (i == 0) w.flags |= kFlagFirst;
      if (!m.cluster_keys.empty()) {
        const uint32_t c = m.cluster_index.find(hash_string(word) | 1);
        if (c != FlatIndex::kMissing) w.clusters = m.cluster_ids[c];
      }
      if (w.flags & kFlagLowerInitial) doc_case[w.norm] |= kSeenLower;
      if ((w.flags & kFlagCapitalized) && !(w.flags & kFlagAllUpper) && i > 0)
        doc_case[w.norm] |= kSeenCapInside;
      info.push_back(w);
    }
    info.push_back(kEnd);
    info.push_back(kEnd2);
    match_gazetteer(m, sentences[s], info);
  }
  for (size_t s = 0; s < sentences.size(); ++s) {
    const std::vector<WordInfo>& info = infos[s];
    doc.sentence_begin.push_back(static_cast<uint32_t>(doc.norm.size()));
    const size_t n = sentences[s].size();
    for (size_t i = 0; i < n; ++i) {
      doc.key_begin.push_back(static_cast<uint32_t>(doc.keys.size()));
      const WordInfo& w = info[i + kContext];
      const WordInfo& p1 = info[i + kContext - 1];
      const WordInfo& p2 = info[i + kContext - 2];
      const WordInfo& n1 = info[i + kContext + 1];
      const WordInfo& n2 = info[i + kContext + 2];
      auto add = [&](Feat f, uint64_t a, uint64_t b = 0) { doc.keys.push_back(feature_key(f, a, b)); };
      add(Feat::kBias, 0);
      add(Feat::kForm, w.form);
      add(Feat::kNorm, w.norm);
      add(Feat::kShape, w.shape);
      for (size_t k = 0; k < kMaxAffix; ++k) {
        add(static_cast<Feat>(static_cast<uint64_t>(Feat::kPrefix1) + k), w.prefix[k]);
        add(static_cast<Feat>(static_cast<uint64_t>(Feat::kSuffix1) + k), w.suffix[k]);
      }
      add(Feat::kFlags, w.flags);
      add(Feat::kPrevNorm, p1.norm);
      add(Feat::kPrev2Norm, p2.norm);
      add(Feat::kNextNorm, n1.norm);
      add(Feat::kNext2Norm, n2.norm);
      add(Feat::kPrevForm, p1.form);
      add(Feat::kNextForm, n1.form);
      add(Feat::kPrevShape, p1.shape);
      add(Feat::kNextShape, n1.shape);
      add(Feat::kPrevNormNorm, p1.norm, w.norm);
      add(Feat::kNormNextNorm, w.norm, n1.norm);
      add(Feat::kShapeWindow, p1.shape ^ (w.shape * 31), n1.shape);
      for (size_t l = 0; l < kGazetteerLists; ++l) {
        if (w.gaz[l] != 0) add(Feat::kGazetteer, l, w.gaz[l]);
        if (p1.gaz[l] != 0) add(Feat::kGazetteerWindow, l, 8 + p1.gaz[l]);
        if (n1.gaz[l] != 0) add(Feat::kGazetteerWindow, l, 16 + n1.gaz[l]);
        if (w.gaz_token & (1U << l)) add(Feat::kGazetteerToken, l);
      }
      if (!m.cluster_keys.empty()) {
        for (size_t g = 0; g < kNerClusterSizes.size(); ++g) {
          add(Feat::kCluster, g * 4 + 1, w.clusters[g]);
          add(Feat::kCluster, g * 4 + 0, p1.clusters[g]);
          add(Feat::kCluster, g * 4 + 2, n1.clusters[g]);
        }
      }
      const bool cased = (w.flags & (kFlagCapitalized | kFlagAllUpper)) != 0;
      if (cased) {
        const auto it = doc_case.find(w.norm);
        const uint8_t seen = it == doc_case.end() ? 0 : it->second;
        add(Feat::kDocCase, seen, w.flags & (kFlagFirst | kFlagAllUpper));
      }
      doc.norm.push_back(w.norm);
      doc.shape.push_back(w.shape);
      doc.prev_norm.push_back(p1.norm);
      doc.next_norm.push_back(n1.norm);
      const auto case_class = [](const WordInfo& x) {
        return x.flags & (kFlagCapitalized | kFlagAllUpper | kFlagLowerInitial);
      };
      constexpr uint32_t kCaseBits = 8;
      doc.case_window.push_back(case_class(p1) | (case_class(w) << kCaseBits) |
                                (case_class(n1) << (2 * kCaseBits)));
      doc.history_eligible.push_back(cased && (w.flags & kFlagCapitalized) ? 1 : 0);
    }
  }
  doc.sentence_begin.push_back(static_cast<uint32_t>(doc.norm.size()));
  doc.key_begin.push_back(static_cast<uint32_t>(doc.keys.size()));
  return doc;
}

void aggregate(PreparedDoc& doc, const std::vector<uint32_t>& labels, size_t n_types) {
  const size_t n = doc.norm.size();
  const uint64_t kNone = n_types + 1;
  const auto type_or_o = [&](uint32_t l) -> size_t { return l == 0 ? n_types : type_of(l); };
  // Per normalised word (of history-eligible words): counts of its label types, and of the types of
  // the entities it is part of.
  std::unordered_map<uint64_t, std::vector<uint32_t>> word_counts;
  std::unordered_map<uint64_t, std::vector<uint32_t>> span_counts;
  for (size_t w = 0; w < n; ++w) {
    if (!doc.history_eligible[w]) continue;
    auto& wc = word_counts[doc.norm[w]];
    if (wc.empty()) wc.assign(n_types + 1, 0);
    ++wc[type_or_o(labels[w])];
    if (labels[w] != 0) {
      auto& sc = span_counts[doc.norm[w]];
      if (sc.empty()) sc.assign(n_types, 0);
      ++sc[type_of(labels[w])];
    }
  }
  // The majority index of `counts` after removing this word's own contribution `own` (or none).
  const auto majority_without = [&](const std::vector<uint32_t>& counts, size_t own) -> uint64_t {
    uint32_t best = 0;
    uint64_t arg = kNone;
    for (size_t i = 0; i < counts.size(); ++i) {
      const uint32_t c = counts[i] - (i == own ? 1 : 0);
      if (c > best) best = c, arg = i;
    }
    return arg;
  };
  doc.extra.clear();
  doc.extra_begin.clear();
  for (size_t s = 0; s + 1 < doc.sentence_begin.size(); ++s) {
    const size_t begin = doc.sentence_begin[s];
    const size_t end = doc.sentence_begin[s + 1];
    for (size_t w = begin; w < end; ++w) {
      doc.extra_begin.push_back(static_cast<uint32_t>(doc.extra.size()));
      const uint64_t prev = w > begin ? labels[w - 1] : kStartLabel;
      const uint64_t next = w + 1 < end ? labels[w + 1] : kStartLabel;
      doc.extra.push_back(feature_key(Feat::kStage1Label, labels[w]));
      doc.extra.push_back(feature_key(Feat::kStage1Window, prev, next));
      if (!doc.history_eligible[w]) continue;
      const uint64_t by_word = majority_without(word_counts[doc.norm[w]], type_or_o(labels[w]));
      doc.extra.push_back(feature_key(Feat::kAggregateWord, by_word, type_or_o(labels[w])));
      const auto it = span_counts.find(doc.norm[w]);
      const uint64_t by_span =
          it == span_counts.end()
              ? kNone
              : majority_without(it->second, labels[w] == 0 ? n_types : type_of(labels[w]));
      doc.extra.push_back(feature_key(Feat::kAggregateSpan, by_span, doc.shape[w]));
    }
  }
  doc.extra_begin.push_back(static_cast<uint32_t>(doc.extra.size()));
}

}  // namespace caspian::nlp::ner_detail
