// The dependency parser's inference: parse() (greedy or beam search over the transition system of
// dep_parser_model.h), scoring against gold trees, the model file, and reading treebanks. Training
// is in dep_parser_train.cc.
#include "nlp/dep_parser.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <random>
#include <utility>

#include "caspian/utf8.h"
#include "nlp/dep_parser_model.h"
#include "nlp/perceptron.h"

namespace caspian::nlp {

namespace dep_detail {

void extract_features(const State& st, const std::vector<Tok>& toks, uint64_t* out) {
  const int none = st.n + 1;
  const auto tok = [&](int i) -> const Tok& { return toks[static_cast<size_t>(i == kNoToken ? none : i)]; };
  const auto child = [](const std::vector<int>& v, int i) {
    return i == kNoToken ? kNoToken : v[static_cast<size_t>(i)];
  };
  const auto lab = [&](int i) -> uint64_t {
    return i == kNoToken ? 0 : static_cast<uint64_t>(st.label[static_cast<size_t>(i)] + 1);
  };
  const auto count = [&](const std::vector<int>& v, int i) -> uint64_t {
    return i == kNoToken ? 0 : static_cast<uint64_t>(v[static_cast<size_t>(i)]);
  };
  const auto set = [&](const std::vector<uint64_t>& v, int i) -> uint64_t {
    return i == kNoToken ? 0 : v[static_cast<size_t>(i)];
  };
  const int s0i = st.s(0);
  const int s1i = st.s(1);
  const int s2i = st.s(2);
  const int n0i = st.b;
  const int n1i = st.b + 1 <= st.n ? st.b + 1 : kNoToken;
  const int n2i = st.b + 2 <= st.n ? st.b + 2 : kNoToken;
  const Tok& s0 = tok(s0i);
  const Tok& s1 = tok(s1i);
  const Tok& s2 = tok(s2i);
  const Tok& n0 = tok(n0i);
  const Tok& n1 = tok(n1i);
  const Tok& n2 = tok(n2i);
  const int s0l1i = child(st.lc1, s0i), s0l2i = child(st.lc2, s0i);
  const int s0r1i = child(st.rc1, s0i), s0r2i = child(st.rc2, s0i);
  const int n0l1i = child(st.lc1, n0i), n0l2i = child(st.lc2, n0i);
  const int s1l1i = child(st.lc1, s1i);
  const int s1r1i = child(st.rc1, s1i), s1r2i = child(st.rc2, s1i);
  const Tok& s0l1 = tok(s0l1i);
  const Tok& s0l2 = tok(s0l2i);
  const Tok& s0r1 = tok(s0r1i);
  const Tok& s0r2 = tok(s0r2i);
  const Tok& n0l1 = tok(n0l1i);
  const Tok& n0l2 = tok(n0l2i);
  const Tok& s1l1 = tok(s1l1i);
  const Tok& s1r1 = tok(s1r1i);
  const Tok& s1r2 = tok(s1r2i);
  const auto d = static_cast<uint64_t>(distance_bucket(s0i, n0i));
  const auto d1 = static_cast<uint64_t>(distance_bucket(s1i, s0i));

  size_t k = 0;
  const auto add = [&](F f, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
    out[k++] = feature_key(f, a, b, c);
  };
  add(F::kBias, 0);
  add(F::kS0w, s0.w), add(F::kS0p, s0.p), add(F::kS0wp, s0.w, s0.p), add(F::kS0u, s0.u);
  add(F::kN0w, n0.w), add(F::kN0p, n0.p), add(F::kN0wp, n0.w, n0.p), add(F::kN0u, n0.u);
  add(F::kN1w, n1.w), add(F::kN1p, n1.p), add(F::kN1wp, n1.w, n1.p);
  add(F::kN2w, n2.w), add(F::kN2p, n2.p), add(F::kN2wp, n2.w, n2.p);
  add(F::kS1w, s1.w), add(F::kS1p, s1.p), add(F::kS1wp, s1.w, s1.p), add(F::kS1u, s1.u);
  add(F::kS2w, s2.w), add(F::kS2p, s2.p);
  // Pairs: (w, p) of one item with parts of the other.
  add(F::kS0wpN0wp, s0.w ^ (s0.p << 1), n0.w, n0.p);
  add(F::kS0wpN0w, s0.w, s0.p, n0.w);
  add(F::kS0wN0wp, s0.w, n0.w, n0.p);
  add(F::kS0wpN0p, s0.w, s0.p, n0.p);
  add(F::kS0pN0wp, s0.p, n0.w, n0.p);
  add(F::kS0wN0w, s0.w, n0.w);
  add(F::kS0pN0p, s0.p, n0.p);
  add(F::kN0pN1p, n0.p, n1.p);
  add(F::kS1wpS0wp, s1.w ^ (s1.p << 1), s0.w, s0.p);
  add(F::kS1wpS0w, s1.w, s1.p, s0.w);
  add(F::kS1wS0wp, s1.w, s0.w, s0.p);
  add(F::kS1wpS0p, s1.w, s1.p, s0.p);
  add(F::kS1pS0wp, s1.p, s0.w, s0.p);
  add(F::kS1wS0w, s1.w, s0.w);
  add(F::kS1pS0p, s1.p, s0.p);
  add(F::kS1uS0u, s1.u, s0.u);
  add(F::kS0uN0u, s0.u, n0.u);
  add(F::kS1pN0p, s1.p, n0.p);
  add(F::kS1wN0w, s1.w, n0.w);
  // Tag triples.
  add(F::kN0pN1pN2p, n0.p, n1.p, n2.p);
  add(F::kS0pN0pN1p, s0.p, n0.p, n1.p);
  add(F::kS1pS0pN0p, s1.p, s0.p, n0.p);
  add(F::kS2pS1pS0p, s2.p, s1.p, s0.p);
  add(F::kS0pS0l1pN0p, s0.p, s0l1.p, n0.p);
  add(F::kS0pS0r1pN0p, s0.p, s0r1.p, n0.p);
  add(F::kS0pN0pN0l1p, s0.p, n0.p, n0l1.p);
  add(F::kS1pS1r1pS0p, s1.p, s1r1.p, s0.p);
  add(F::kS1pS1l1pS0p, s1.p, s1l1.p, s0.p);
  add(F::kS1pS0pS0l1p, s1.p, s0.p, s0l1.p);
  add(F::kS1pS0pS0r1p, s1.p, s0.p, s0r1.p);
  // Distance.
  add(F::kS0wD, s0.w, d), add(F::kS0pD, s0.p, d), add(F::kN0wD, n0.w, d), add(F::kN0pD, n0.p, d);
  add(F::kS0wN0wD, s0.w, n0.w, d), add(F::kS0pN0pD, s0.p, n0.p, d);
  add(F::kS1wD1, s1.w, d1), add(F::kS1pD1, s1.p, d1), add(F::kS1pS0pD1, s1.p, s0.p, d1);
  add(F::kS1wS0wD1, s1.w, s0.w, d1);
  // Valency.
  add(F::kS0wVr, s0.w, count(st.vr, s0i)), add(F::kS0pVr, s0.p, count(st.vr, s0i));
  add(F::kS0wVl, s0.w, count(st.vl, s0i)), add(F::kS0pVl, s0.p, count(st.vl, s0i));
  add(F::kN0wVl, n0.w, count(st.vl, n0i)), add(F::kN0pVl, n0.p, count(st.vl, n0i));
  add(F::kS1wVr, s1.w, count(st.vr, s1i)), add(F::kS1pVr, s1.p, count(st.vr, s1i));
  add(F::kS1wVl, s1.w, count(st.vl, s1i)), add(F::kS1pVl, s1.p, count(st.vl, s1i));
  // Children.
  add(F::kS0l1w, s0l1.w), add(F::kS0l1p, s0l1.p), add(F::kS0l1l, lab(s0l1i));
  add(F::kS0r1w, s0r1.w), add(F::kS0r1p, s0r1.p), add(F::kS0r1l, lab(s0r1i));
  add(F::kN0l1w, n0l1.w), add(F::kN0l1p, n0l1.p), add(F::kN0l1l, lab(n0l1i));
  add(F::kS1l1w, s1l1.w), add(F::kS1l1p, s1l1.p), add(F::kS1l1l, lab(s1l1i));
  add(F::kS1r1w, s1r1.w), add(F::kS1r1p, s1r1.p), add(F::kS1r1l, lab(s1r1i));
  add(F::kS0l2w, s0l2.w), add(F::kS0l2p, s0l2.p), add(F::kS0l2l, lab(s0l2i));
  add(F::kS0r2w, s0r2.w), add(F::kS0r2p, s0r2.p), add(F::kS0r2l, lab(s0r2i));
  add(F::kN0l2w, n0l2.w), add(F::kN0l2p, n0l2.p), add(F::kN0l2l, lab(n0l2i));
  add(F::kS0pS0l1pS0l2p, s0.p, s0l1.p, s0l2.p);
  add(F::kS0pS0r1pS0r2p, s0.p, s0r1.p, s0r2.p);
  add(F::kN0pN0l1pN0l2p, n0.p, n0l1.p, n0l2.p);
  add(F::kS1pS1r1pS1r2p, s1.p, s1r1.p, s1r2.p);
  // Label sets.
  add(F::kS0wSr, s0.w, set(st.sr, s0i)), add(F::kS0pSr, s0.p, set(st.sr, s0i));
  add(F::kS0wSl, s0.w, set(st.sl, s0i)), add(F::kS0pSl, s0.p, set(st.sl, s0i));
  add(F::kN0wSl, n0.w, set(st.sl, n0i)), add(F::kN0pSl, n0.p, set(st.sl, n0i));
  add(F::kS1wSr, s1.w, set(st.sr, s1i)), add(F::kS1pSr, s1.p, set(st.sr, s1i));
  add(F::kS1pSl, s1.p, set(st.sl, s1i));
  assert(k == kFeatures && "feature list out of date");
}

}  // namespace dep_detail

using namespace dep_detail;

namespace {

// --- the file format -------------------------------------------------------------------------------

constexpr std::array<char, 8> kMagic = {'C', 'S', 'P', 'N', 'D', 'E', 'P', '\0'};

}  // namespace

void AttachmentScore::add(const ParsedSentence& gold, std::span<const int> heads,
                          std::span<const std::string> deprels) {
  for (size_t i = 0; i < gold.words.size(); ++i) {
    ++words;
    if (i >= heads.size() || i >= gold.heads.size() || heads[i] != gold.heads[i]) continue;
    ++head_correct;
    if (i >= deprels.size() || i >= gold.deprels.size()) continue;
    label_correct += universal(deprels[i]) == universal(gold.deprels[i]) ? 1 : 0;
    full_label_correct += deprels[i] == gold.deprels[i] ? 1 : 0;
  }
}

DepParser::DepParser() = default;
DepParser::~DepParser() = default;

uint64_t DepParser::feature_fingerprint() {
  static const uint64_t kFingerprint = compute_fingerprint();
  return kFingerprint;
}

void DepParser::parse(std::span<const std::string_view> words, std::span<const std::string_view> upos,
                      std::span<const std::string_view> xpos, std::vector<int>& heads,
                      std::vector<std::string>& deprels) const {
  const int n = static_cast<int>(words.size());
  heads.assign(words.size(), 0);
  deprels.assign(words.size(), std::string());
  if (n == 0) return;
  const std::vector<Tok> toks = sentence_tokens(words, upos, xpos);
  const int n_classes = 1 + 2 * static_cast<int>(labels_.size());
  std::vector<BeamItem> beam(1);
  beam[0].st.init(n);
  if (beam_ > 1) {
    BeamScratch scratch;
    std::vector<BeamItem> next;
    const auto score_items = [&](std::span<const uint64_t> keys, size_t /*items*/, float* scores) {
      weights_->w.add_scores_items(keys, kFeatures, scores, static_cast<size_t>(n_classes), scratch.lookup);
    };
    while (!beam[0].st.terminal()) {  // every complete parse takes 2n transitions
      size_t keep = best_extensions(beam, static_cast<size_t>(beam_), toks, n_classes, root_label_, scratch,
                                    score_items);
      if (beam_margin_ > 0)
        keep = within_margin(std::span<const Candidate>(scratch.cands.data(), keep), beam_margin_);
      advance(beam, std::span<const Candidate>(scratch.cands.data(), keep), -1, next);
      std::swap(beam, next);
    }
  } else {
    State& st = beam[0].st;
    std::array<uint64_t, kFeatures> keys{};
    std::vector<float> scores(static_cast<size_t>(n_classes));
    while (!st.terminal()) {
      extract_features(st, toks, keys.data());
      std::fill(scores.begin(), scores.end(), 0.0F);
      weights_->w.add_scores(keys, scores.data());
      st.apply(best_legal(st, scores.data(), n_classes, root_label_));
    }
  }
  const State& st = beam[0].st;
  for (int i = 0; i < n; ++i) {
    const int h = st.head[static_cast<size_t>(i)];
    heads[static_cast<size_t>(i)] = h == n ? 0 : h + 1;
    deprels[static_cast<size_t>(i)] = labels_[static_cast<size_t>(st.label[static_cast<size_t>(i)])];
  }
}

AttachmentScore DepParser::score(const std::vector<ParsedSentence>& gold) const {
  AttachmentScore score;
  std::vector<int> heads;
  std::vector<std::string> deprels;
  for (const ParsedSentence& s : gold) {
    const std::vector<std::string_view> words(s.words.begin(), s.words.end());
    const std::vector<std::string_view> upos(s.upos.begin(), s.upos.end());
    const std::vector<std::string_view> xpos(s.xpos.begin(), s.xpos.end());
    parse(words, upos, xpos, heads, deprels);
    score.add(s, heads, deprels);
  }
  return score;
}
Status DepParser::set_beam_margin(float margin) {
  if (!std::isfinite(margin) || margin < 0) {
    return Status(ErrorCode::kInvalidArgument, "the beam margin must be a finite number >= 0");
  }
  beam_margin_ = margin;
  // The config of a model read from an older format is brought up to the format save() writes.
  auto config = nlohmann::ordered_json::parse(config_json_, nullptr, /*allow_exceptions=*/false);
  if (!config.is_object()) config = nlohmann::ordered_json::object();
  config["format_version"] = kParseModelFormatVersion;
  config["decoding"] = {{"beam_margin", margin}};
  config_json_ = config.dump();
  return Status::Ok();
}

namespace {
// This build's kind of parser model file (see perceptron::ModelFileKind).
perceptron::ModelFileKind model_file_kind() {
  return {kMagic, kParseModelFormatVersion, DepParser::feature_fingerprint(), "parser model",
          kOldestParseModelFormatVersion};
}
}  // namespace

Status DepParser::save(const std::filesystem::path& path) const {
  ByteWriter w = perceptron::begin_model_file(model_file_kind());
  w.str(config_json_);
  w.u32(static_cast<uint32_t>(beam_));
  w.f32(beam_margin_);
  w.u32(static_cast<uint32_t>(labels_.size()));
  for (const std::string& l : labels_) w.str(l);
  weights_->w.write(w);
  return perceptron::finish_model_file(w, path);
}

Result<std::unique_ptr<DepParser>> DepParser::load(const std::filesystem::path& path) {
  const std::string name = path.string();
  auto file = perceptron::read_model_file(path, model_file_kind());
  if (!file.ok()) return file.status();
  const auto corrupt = [&](std::string_view why) {
    return Status(ErrorCode::kCorrupt, name + ": corrupt parser model: " + std::string(why));
  };
  ByteReader r(file->payload());
  auto parser = std::unique_ptr<DepParser>(new DepParser());
  parser->config_json_ = r.str();
  const uint32_t beam = r.u32();
  if (beam < 1 || beam > kMaxParseBeam) return corrupt("bad beam width " + std::to_string(beam));
  parser->beam_ = static_cast<int>(beam);
  constexpr uint32_t kFirstVersionWithMargin = 3;
  if (file->version >= kFirstVersionWithMargin) {
    const float margin = r.f32();
    if (!std::isfinite(margin) || margin < 0) return corrupt("bad beam margin");
    parser->beam_margin_ = margin;
  }
  const uint32_t n_labels = r.u32();
  constexpr uint64_t kMinLabelBytes = 4;
  if (n_labels == 0 || n_labels > kMaxLabels || !r.have(uint64_t{n_labels} * kMinLabelBytes)) {
    return corrupt("bad label count");
  }
  for (uint32_t i = 0; i < n_labels && !r.truncated; ++i) {
    std::string label = r.str();
    if (label.empty()) return corrupt("empty label");
    if (std::find(parser->labels_.begin(), parser->labels_.end(), label) != parser->labels_.end()) {
      return corrupt("duplicate label '" + label + "'");
    }
    if (label == kRootLabel) parser->root_label_ = static_cast<int>(i);
    parser->labels_.push_back(std::move(label));
  }
  if (r.truncated) return corrupt("truncated");
  parser->weights_ = std::make_unique<Weights>();
  if (std::string why = parser->weights_->w.read(r, 1 + 2 * size_t{n_labels}); !why.empty())
    return corrupt(why);
  if (r.remaining() != 0) return corrupt("trailing bytes");
  return parser;
}

std::vector<ParsedSentence> parsed_sentences(const std::vector<ConlluSentence>& conllu) {
  std::vector<ParsedSentence> out;
  out.reserve(conllu.size());
  for (const ConlluSentence& s : conllu) {
    ParsedSentence p;
    for (const ConlluWord& w : s.words) {
      p.words.push_back(w.form);
      p.upos.push_back(w.upos);
      p.xpos.push_back(w.xpos);
      p.heads.push_back(w.head);
      p.deprels.push_back(w.deprel);
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<ParsedSentence>> read_parsed_sentences(const std::filesystem::path& path) {
  auto conllu = read_conllu(path);
  if (!conllu.ok()) return conllu.status();
  return parsed_sentences(conllu.value());
}

}  // namespace caspian::nlp
