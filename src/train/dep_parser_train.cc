// Training the dependency parser: gold trees (projectivised), the dynamic oracle's move costs,
// max-violation updates of the beam (DepParser::train), and oracle_parse(). See dep_parser.h for
// the contract and dep_parser_model.h for the transition system.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <random>
#include <utility>

#include "nlp/dep_parser.h"
#include "nlp/dep_parser_model.h"

namespace caspian::nlp {

using namespace dep_detail;

namespace {

// --- gold trees and the dynamic oracle -------------------------------------------------------------

// Gold heads with the root as index n (words 0..n-1), or empty when they do not form a tree.
std::vector<int> gold_heads(const ParsedSentence& s) {
  const int n = static_cast<int>(s.words.size());
  std::vector<int> heads(s.heads.size());
  for (size_t i = 0; i < heads.size(); ++i) {
    const int h = s.heads[i];
    if (h < 0 || h > n || h == static_cast<int>(i) + 1) return {};
    heads[i] = h == 0 ? n : h - 1;
  }
  // Acyclic: every word reaches the root within n steps.
  for (int i = 0; i < n; ++i) {
    int x = i;
    for (int steps = 0; x != n; ++steps) {
      if (steps > n) return {};
      x = heads[static_cast<size_t>(x)];
    }
  }
  return heads;
}

// Whether `a` dominates `x` (is `x` or one of its ancestors) in a tree given by heads (root n).
bool dominates(const std::vector<int>& heads, int a, int x) {
  const int root = static_cast<int>(heads.size());
  while (x != root && x != a) x = heads[static_cast<size_t>(x)];
  return x == a;
}

// Lifts non-projective arcs (shortest first) until the tree is projective. Requires: a tree.
void projectivize(std::vector<int>& heads) {
  const int n = static_cast<int>(heads.size());
  for (;;) {
    int worst = -1;
    int worst_len = 0;
    for (int d = 0; d < n; ++d) {
      const int h = heads[static_cast<size_t>(d)];
      const int lo = std::min(h, d);
      const int hi = std::max(h, d);
      bool crossing = false;
      for (int k = lo + 1; k < hi && !crossing; ++k) crossing = !dominates(heads, h, k);
      if (crossing && (worst < 0 || hi - lo < worst_len)) worst = d, worst_len = hi - lo;
    }
    if (worst < 0) return;
    const int h = heads[static_cast<size_t>(worst)];
    heads[static_cast<size_t>(worst)] = heads[static_cast<size_t>(h)];  // h is a word: roots never cross
  }
}

// A training sentence: its tokens, projective gold heads (root n) and gold label ids.
struct GoldSentence {
  std::vector<Tok> toks;
  std::vector<int> heads;
  std::vector<int> labels;
  std::vector<std::vector<int>> deps;  // gold dependents of each token 0..n
};

// Dynamic-oracle costs (Goldberg & Nivre 2013, arc-hybrid): how many gold arcs each move makes
// unreachable. In arc-hybrid nothing on the stack or in the buffer has a head yet.
struct MoveCosts {
  int shift = 0, left = 0, right = 0;
};

MoveCosts move_costs(const State& st, const GoldSentence& g) {
  MoveCosts c;
  const int s0 = st.s(0);
  const int s1 = st.s(1);
  const int b = st.b;
  const auto on_stack = [&](int x) { return x < b && st.head[static_cast<size_t>(x)] == kNoToken; };
  if (b < st.n) {
    // SHIFT loses b's head if it is deeper than S0 on the stack, and b's dependents on the stack.
    const int gh = g.heads[static_cast<size_t>(b)];
    c.shift = (gh < b && gh != s0 && on_stack(gh)) ? 1 : 0;
    for (const int d : g.deps[static_cast<size_t>(b)]) c.shift += on_stack(d) ? 1 : 0;
  }
  if (s0 != kNoToken) {
    // Popping S0 loses its dependents still in the buffer.
    int lost_deps = 0;
    for (const int d : g.deps[static_cast<size_t>(s0)]) lost_deps += d >= b ? 1 : 0;
    const int gh = g.heads[static_cast<size_t>(s0)];
    c.left = lost_deps + ((gh != b && (gh == s1 || gh > b)) ? 1 : 0);
    c.right = lost_deps + (gh >= b ? 1 : 0);
  }
  return c;
}

// The cost of class `cls`: its move's cost, plus one for a right arc with a wrong label.
int class_cost(const State& st, const GoldSentence& g, const MoveCosts& mc, int cls) {
  switch (move_of(cls)) {
    case Move::kShift:
      return mc.shift;
    case Move::kLeft: {
      const auto s0 = static_cast<size_t>(st.s(0));
      return mc.left + ((g.heads[s0] == st.b && g.labels[s0] != label_of(cls)) ? 1 : 0);
    }
    case Move::kRight: {
      const auto s0 = static_cast<size_t>(st.s(0));
      return mc.right + ((g.heads[s0] == st.s(1) && g.labels[s0] != label_of(cls)) ? 1 : 0);
    }
  }
  return 0;
}

// The legal class of least cost, the highest-scoring among those (`scores` may be null: then the
// lowest class id); its cost goes to `cost`. Requires: !st.terminal().
int oracle_class(const State& st, const GoldSentence& g, int n_classes, int root_label, const float* scores,
                 int& cost) {
  const MoveCosts mc = move_costs(st, g);
  int best = -1;
  cost = std::numeric_limits<int>::max();
  for (int c = 0; c < n_classes; ++c) {
    if (!legal_class(st, c, root_label)) continue;
    const int k = class_cost(st, g, mc, c);
    if (k < cost || (k == cost && scores != nullptr && scores[c] > scores[best])) {
      best = c;
      cost = k;
    }
  }
  return best;
}

// Builds the training form of `s` (projectivized); false when its heads do not form a tree or a
// label is unknown. `lifted` tells whether projectivizing changed the tree.
bool make_gold(const ParsedSentence& s, const std::map<std::string, int>& label_ids, GoldSentence& g,
               bool& lifted) {
  std::vector<int> heads = gold_heads(s);
  if (heads.empty() || s.words.empty()) return false;
  const std::vector<int> original = heads;
  projectivize(heads);
  lifted = heads != original;
  const std::vector<std::string_view> words(s.words.begin(), s.words.end());
  const std::vector<std::string_view> upos(s.upos.begin(), s.upos.end());
  const std::vector<std::string_view> xpos(s.xpos.begin(), s.xpos.end());
  g.toks = sentence_tokens(words, upos, xpos);
  g.labels.clear();
  g.deps.assign(s.words.size() + 1, {});
  for (size_t i = 0; i < s.words.size(); ++i) {
    const auto it = i < s.deprels.size() ? label_ids.find(s.deprels[i]) : label_ids.end();
    if (it == label_ids.end()) return false;
    g.labels.push_back(it->second);
    g.deps[static_cast<size_t>(heads[i])].push_back(static_cast<int>(i));
  }
  g.heads = std::move(heads);
  return true;
}

// The transitions of the static oracle for `g`: the lowest-numbered zero-cost class at each step.
std::vector<int> gold_sequence(const GoldSentence& g, int n_classes, int root_label) {
  std::vector<int> seq;
  State st;
  st.init(static_cast<int>(g.heads.size()));
  while (!st.terminal()) {
    int cost = 0;
    seq.push_back(oracle_class(st, g, n_classes, root_label, nullptr, cost));
    st.apply(seq.back());
  }
  return seq;
}

// Global training on one sentence with max-violation updates (Huang, Fayong & Guo 2012): runs the
// beam over the whole sentence with the current weights alongside the gold sequence, finds the
// step where the best non-gold item leads the gold prefix by the most, and moves the weights
// towards the gold prefix and away from that item's prefix, up to that step. Returns whether it
// updated. Deterministic. Requires: g is a training sentence; width >= 1.
bool train_max_violation(const GoldSentence& g, size_t width, int n_classes, int root_label,
                         AveragedTrainer& trainer, BeamScratch& scratch) {
  const std::vector<int> gold_seq = gold_sequence(g, n_classes, root_label);
  const int n = static_cast<int>(g.heads.size());
  const auto score_items = [&](std::span<const uint64_t> keys, size_t items, float* scores) {
    for (size_t i = 0; i < items; ++i) {
      trainer.add_scores(keys.subspan(i * kFeatures, kFeatures), scores + i * static_cast<size_t>(n_classes));
    }
  };
  std::vector<BeamItem> beam(1);
  std::vector<BeamItem> next;
  beam[0].st.init(n);
  beam[0].gold = true;
  // history[t * width + k]: the parent item and class of item k after step t + 1.
  std::vector<Candidate> history(gold_seq.size() * width);
  State gold_state;  // the gold prefix, followed once it has left the beam
  gold_state.init(n);
  double gold_score = 0;
  bool gold_in_beam = true;
  double max_violation = 0;
  size_t violation_step = 0;  // 0: none
  std::array<uint64_t, kFeatures> keys{};
  std::vector<float> gold_scores(static_cast<size_t>(n_classes));
  for (size_t t = 0; t < gold_seq.size(); ++t) {
    const size_t keep = best_extensions(beam, width, g.toks, n_classes, root_label, scratch, score_items);
    if (!gold_in_beam) {
      extract_features(gold_state, g.toks, keys.data());
      std::fill(gold_scores.begin(), gold_scores.end(), 0.0F);
      trainer.add_scores(keys, gold_scores.data());
      gold_score += gold_scores[static_cast<size_t>(gold_seq[t])];
    }
    gold_state.apply(gold_seq[t]);
    advance(beam, std::span<const Candidate>(scratch.cands.data(), keep), gold_seq[t], next);
    std::copy_n(scratch.cands.begin(), keep, history.begin() + static_cast<std::ptrdiff_t>(t * width));
    std::swap(beam, next);
    const auto gold_item = std::find_if(beam.begin(), beam.end(), [](const BeamItem& b) { return b.gold; });
    if (gold_in_beam && gold_item == beam.end()) {
      // The gold prefix just fell out: its score is its parent's plus this step's transition.
      gold_in_beam = false;
      const BeamItem& parent =
          *std::find_if(next.begin(), next.end(), [](const BeamItem& b) { return b.gold; });
      extract_features(parent.st, g.toks, keys.data());
      std::fill(gold_scores.begin(), gold_scores.end(), 0.0F);
      trainer.add_scores(keys, gold_scores.data());
      gold_score = parent.score + gold_scores[static_cast<size_t>(gold_seq[t])];
    } else if (gold_in_beam) {
      gold_score = gold_item->score;
    }
    const double violation = beam[0].score - gold_score;
    if (!beam[0].gold && (violation > max_violation || violation_step == 0)) {
      max_violation = violation;
      violation_step = t + 1;
    }
  }
  if (violation_step == 0) return false;
  // The violating item's classes, by following its parents back.
  std::vector<int> wrong_seq(violation_step);
  uint32_t item = 0;
  for (size_t t = violation_step; t-- > 0;) {
    const Candidate& c = history[t * width + item];
    wrong_seq[t] = c.cls;
    item = c.item;
  }
  State right;
  right.init(n);
  size_t t = 0;
  for (; t < violation_step && wrong_seq[t] == gold_seq[t]; ++t) right.apply(gold_seq[t]);  // no net update
  State wrong = right;
  for (; t < violation_step; ++t) {
    extract_features(right, g.toks, keys.data());
    trainer.update(keys, static_cast<uint16_t>(gold_seq[t]), 1.0F);
    right.apply(gold_seq[t]);
    extract_features(wrong, g.toks, keys.data());
    trainer.update(keys, static_cast<uint16_t>(wrong_seq[t]), -1.0F);
    wrong.apply(wrong_seq[t]);
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<DepParser>> DepParser::train(const std::vector<ParsedSentence>& train,
                                                    const std::vector<ParsedSentence>& dev,
                                                    const ParseTrainOptions& options, std::ostream* log) {
  if (options.iterations < 1) return Status(ErrorCode::kInvalidArgument, "iterations must be at least 1");
  if (options.beam < 1 || options.beam > kMaxParseBeam) {
    return Status(ErrorCode::kInvalidArgument, "beam must be 1 to " + std::to_string(kMaxParseBeam));
  }
  for (const std::vector<ParsedSentence>* data : {&train, &dev}) {
    for (const ParsedSentence& s : *data) {
      const size_t n = s.words.size();
      if (s.upos.size() != n || s.xpos.size() != n || s.heads.size() != n || s.deprels.size() != n) {
        return Status(ErrorCode::kInvalidArgument,
                      "a sentence has different numbers of words, tags and heads");
      }
      for (size_t i = 0; i < n; ++i) {
        if (s.deprels[i].empty())
          return Status(ErrorCode::kInvalidArgument, "empty DEPREL for word '" + s.words[i] + "'");
      }
    }
  }

  // Labels, most frequent first (ties by name).
  std::map<std::string, size_t> label_counts;
  for (const ParsedSentence& s : train) {
    for (const std::string& l : s.deprels) ++label_counts[l];
  }
  if (label_counts.size() > kMaxLabels) {
    return Status(ErrorCode::kInvalidArgument, std::to_string(label_counts.size()) + " labels; at most " +
                                                   std::to_string(kMaxLabels) + " are supported");
  }
  std::vector<std::pair<std::string, size_t>> sorted(label_counts.begin(), label_counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  auto parser = std::unique_ptr<DepParser>(new DepParser());
  std::map<std::string, int> label_ids;
  for (const auto& [label, count] : sorted) {
    label_ids.emplace(label, static_cast<int>(parser->labels_.size()));
    parser->labels_.push_back(label);
  }
  if (const auto it = label_ids.find(std::string(kRootLabel)); it != label_ids.end())
    parser->root_label_ = it->second;

  // Gold sentences: projectivized trees; non-trees are skipped.
  std::vector<GoldSentence> gold;
  size_t skipped = 0;
  size_t lifted = 0;
  size_t train_words = 0;
  for (const ParsedSentence& s : train) {
    GoldSentence g;
    bool was_lifted = false;
    if (!make_gold(s, label_ids, g, was_lifted)) {
      ++skipped;
      continue;
    }
    lifted += was_lifted ? 1 : 0;
    train_words += s.words.size();
    gold.push_back(std::move(g));
  }
  if (gold.empty()) return Status(ErrorCode::kEmptyInput, "no training sentence with a well-formed tree");
  if (log != nullptr) {
    *log << gold.size() << " training sentences (" << train_words << " words), " << lifted
         << " projectivized, " << skipped << " skipped (not a tree); " << parser->labels_.size()
         << " labels, " << kFeatures << " feature templates\n";
  }

  const int n_classes = 1 + 2 * static_cast<int>(parser->labels_.size());
  AveragedTrainer trainer;
  std::vector<size_t> order(gold.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(options.seed);
  constexpr double kUnit = 0x1.0p-53;  // turns the top 53 bits of a draw into [0, 1)
  std::vector<float> scores(static_cast<size_t>(n_classes));
  std::array<uint64_t, kFeatures> keys{};
  State st;
  BeamScratch beam_scratch;
  parser->beam_ = options.beam;
  parser->weights_ = std::make_unique<Weights>();
  AttachmentScore dev_score;
  for (int pass = 1; pass <= options.iterations; ++pass) {
    // Fisher-Yates by hand: std::shuffle's use of the engine is implementation-defined, and the
    // model must be byte-identical across standard libraries.
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    const bool explore = pass > options.explore_after;
    size_t decisions = 0;
    size_t errors = 0;
    for (const size_t s : order) {
      const GoldSentence& g = gold[s];
      if (options.beam > 1) {
        errors += train_max_violation(g, static_cast<size_t>(options.beam), n_classes, parser->root_label_,
                                      trainer, beam_scratch)
                      ? 1
                      : 0;
        ++decisions;
        trainer.tick();
        continue;
      }
      st.init(static_cast<int>(g.heads.size()));
      while (!st.terminal()) {
        extract_features(st, g.toks, keys.data());
        std::fill(scores.begin(), scores.end(), 0.0F);
        trainer.add_scores(keys, scores.data());
        const int predicted = best_legal(st, scores.data(), n_classes, parser->root_label_);
        int best_cost = 0;
        const int best = oracle_class(st, g, n_classes, parser->root_label_, scores.data(), best_cost);
        if (class_cost(st, g, move_costs(st, g), predicted) > best_cost) {
          trainer.update(keys, static_cast<uint16_t>(best), 1.0F);
          trainer.update(keys, static_cast<uint16_t>(predicted), -1.0F);
          ++errors;
        }
        trainer.tick();
        ++decisions;
        const bool follow_prediction =
            explore && static_cast<double>(rng() >> 11) * kUnit < options.explore_probability;
        st.apply(follow_prediction ? predicted : best);
      }
    }
    const bool last = pass == options.iterations;
    if (log != nullptr) {
      *log << "pass " << pass << "/" << options.iterations << ": " << decisions
           << (options.beam > 1 ? " sentences, " : " decisions, ")
           << static_cast<double>(errors) / static_cast<double>(std::max<size_t>(decisions, 1))
           << (options.beam > 1 ? " updated, " : " costly, ") << trainer.features() << " features";
    }
    if (last || (options.dev_every_pass && !dev.empty())) {
      parser->weights_->w = trainer.freeze(options.prune_below);
      if (!dev.empty()) {
        dev_score = parser->score(dev);
        if (log != nullptr) *log << "; dev UAS " << dev_score.uas() << ", LAS " << dev_score.las();
      }
    }
    if (log != nullptr) *log << "\n";
  }

  const SparseWeights& w = parser->weights_->w;
  nlohmann::ordered_json config;
  config["format_version"] = kParseModelFormatVersion;
  config["feature_fingerprint"] = perceptron::hex64(feature_fingerprint());
  config["train"] = {{"source", options.train_source},
                     {"sentences", gold.size()},
                     {"words", train_words},
                     {"projectivized", lifted},
                     {"skipped", skipped}};
  config["dev"] = {{"source", options.dev_source}, {"sentences", dev.size()}, {"words", dev_score.words}};
  config["tags"] = options.tag_source;
  config["options"] = {{"iterations", options.iterations},
                       {"seed", options.seed},
                       {"beam", options.beam},
                       {"explore_after", options.explore_after},
                       {"explore_probability", options.explore_probability},
                       {"prune_below", options.prune_below}};
  config["dev_scores"] = {
      {"uas", dev_score.uas()}, {"las", dev_score.las()}, {"full_las", dev_score.full_las()}};
  config["model"] = {
      {"labels", parser->labels_.size()}, {"features", w.keys.size()}, {"weights", w.entry_class.size()}};
  parser->config_json_ = config.dump();
  if (Status st = parser->set_beam_margin(options.beam_margin); !st.ok()) return st;
  return parser;
}

std::optional<ParsedSentence> oracle_parse(const ParsedSentence& gold) {
  std::map<std::string, int> label_ids;
  std::vector<std::string> labels;
  for (const std::string& l : gold.deprels) {
    if (label_ids.emplace(l, static_cast<int>(labels.size())).second) labels.push_back(l);
  }
  if (gold.heads.size() != gold.words.size() || gold.deprels.size() != gold.words.size()) return std::nullopt;
  GoldSentence g;
  bool lifted = false;
  if (!make_gold(gold, label_ids, g, lifted)) return std::nullopt;
  const auto it = label_ids.find(std::string(kRootLabel));
  const int root_label = it == label_ids.end() ? -1 : it->second;
  const int n_classes = 1 + 2 * static_cast<int>(labels.size());
  const int n = static_cast<int>(gold.words.size());
  State st;
  st.init(n);
  while (!st.terminal()) {
    int cost = 0;
    st.apply(oracle_class(st, g, n_classes, root_label, nullptr, cost));
  }
  ParsedSentence out = gold;
  for (int i = 0; i < n; ++i) {
    const auto u = static_cast<size_t>(i);
    out.heads[u] = st.head[u] == n ? 0 : st.head[u] + 1;
    out.deprels[u] = labels[static_cast<size_t>(st.label[u])];
  }
  return out;
}

}  // namespace caspian::nlp
