// Internal: main-text selection (see main_text.h).
//
// The scorer follows Mozilla Readability's grabArticle, adapted to units instead of DOM nodes:
//  1. every text unit of at least kMinScoredChars gives a content score (1 + commas + one point
//     per 100 characters, at most 3) to the block it sits in's ancestors (full to the first,
//     half to the second, a third of level to the others, kMaxScoredLevels levels);
//  2. a candidate starts from a tag prior (div +5, lists -3, headings -5, ...) plus class/id
//     weights (+-25); the final score is scaled by (1 - link density);
//  3. the best candidate is widened to a common ancestor when several near-best candidates share
//     it, climbed while its parent scores higher, and joined by siblings that score well or look
//     like prose;
//  4. inside the chosen subtrees, boilerplate is dropped: tags and roles (nav, aside, footer),
//     unlikely classes (share, comments, related, cookie, ...), and containers that Readability's
//     _cleanConditionally would remove (link-heavy, image-heavy, form-like);
//  5. if the result is short, the selection is retried with fewer filters (as Readability does),
//     first letting hidden blocks in (script-rendered pages), then unlikely classes, then class
//     weights, then conditional cleaning.
// JSON-LD articleBody and itemprop=articleBody are strong hints: a node marked articleBody scores
// a bonus, and extract.cc compares the selection with the JSON-LD text.
#include "extract/main_text.h"

#include <algorithm>
#include <array>
#include <string>

namespace caspian::extract {

namespace {

constexpr uint32_t kMinScoredChars = 25;
constexpr uint32_t kCharsPerPoint = 100;
constexpr double kMaxLengthPoints = 3.0;
constexpr int kMaxScoredLevels = 5;
constexpr double kTopCandidateShare = 0.75;  // near-best candidates, for the common ancestor
constexpr int kMinTopCandidates = 3;
constexpr size_t kTopCandidates = 5;
constexpr double kSiblingShare = 0.2;
constexpr double kMinSiblingScore = 10.0;
constexpr uint32_t kProseSiblingChars = 80;
constexpr double kProseLinkDensity = 0.25;
constexpr uint32_t kMinArticleChars = 500;  // shorter results trigger a retry with fewer filters
constexpr double kArticleBodyBonus = 50.0;
constexpr double kClimbProseGain = 1.25;
constexpr double kClimbMaxLinkDensity = 0.25;
constexpr double kUnitMaxLinkDensity = 0.5;
// _cleanConditionally thresholds (Readability).
constexpr uint32_t kCleanMaxCommas = 10;
constexpr uint32_t kCleanMinChars = 25;
constexpr double kCleanLinkDensity = 0.2;
constexpr double kCleanLinkDensityPositive = 0.5;
constexpr uint32_t kCleanEmbedChars = 75;
constexpr int kPositiveWeight = 25;
constexpr double kListTextShare = 0.9;

struct Flags {
  bool skip_hidden = true;
  bool strip_unlikely = true;
  bool weight_classes = true;
  bool clean_conditionally = true;
};

struct Stats {
  uint32_t chars = 0, link_chars = 0, commas = 0, images = 0, inputs = 0, embeds = 0;
  uint32_t paragraphs = 0, items = 0, list_chars = 0, children = 0;
  double link_density() const { return chars == 0 ? 0.0 : static_cast<double>(link_chars) / chars; }
};

bool is_heading(Tag t) {
  return t == Tag::kH1 || t == Tag::kH2 || t == Tag::kH3 || t == Tag::kH4 || t == Tag::kH5 || t == Tag::kH6;
}

double tag_prior(Tag t) {
  switch (t) {
    case Tag::kDiv: return 5;
    case Tag::kPre: case Tag::kTd: case Tag::kBlockquote: return 3;
    case Tag::kAddress: case Tag::kOl: case Tag::kUl: case Tag::kDl: case Tag::kDd: case Tag::kDt:
    case Tag::kLi: case Tag::kForm: return -3;
    case Tag::kH1: case Tag::kH2: case Tag::kH3: case Tag::kH4: case Tag::kH5: case Tag::kH6:
    case Tag::kTh: return -5;
    default: return 0;
  }
}

bool cleanable(Tag t) {
  switch (t) {
    case Tag::kForm: case Tag::kFieldset: case Tag::kTable: case Tag::kUl: case Tag::kOl:
    case Tag::kDiv: case Tag::kSection: case Tag::kHeader: case Tag::kDl: case Tag::kFigure:
      return true;
    default:
      return false;
  }
}

class Selector {
 public:
  explicit Selector(const Page& page) : page_(page), stats_(page.nodes.size()) {
    const auto& nodes = page.nodes;
    prose_.assign(page.nodes.size(), false);
    for (const Unit& u : page.units) {
      if (u.in_list) stats_[u.node].list_chars += u.chars;
      if (!u.text.empty() && (u.text.back() == '.' || u.text.find(". ") != std::string::npos)) prose_[u.node] = true;
    }
    for (size_t i = 0; i < nodes.size(); ++i) {
      Stats& s = stats_[i];
      s.chars += nodes[i].chars;
      s.link_chars += nodes[i].link_chars;
      s.commas += nodes[i].commas;
      s.images += nodes[i].images;
      s.inputs += nodes[i].inputs;
      s.embeds += nodes[i].embeds;
      if (nodes[i].tag == Tag::kP) ++s.paragraphs;
      if (nodes[i].tag == Tag::kLi) ++s.items;
    }
    // Children have larger indices than their parents: one backward pass aggregates subtrees.
    for (size_t i = nodes.size(); i-- > 1;) {
      const uint32_t p = nodes[i].parent;
      if (p == kNoNode) continue;
      Stats& a = stats_[p];
      const Stats& s = stats_[i];
      a.chars += s.chars;
      a.link_chars += s.link_chars;
      a.commas += s.commas;
      a.images += s.images;
      a.inputs += s.inputs;
      a.embeds += s.embeds;
      a.paragraphs += s.paragraphs;
      a.items += s.items;
      a.list_chars += s.list_chars;
      ++a.children;
    }
  }

  std::vector<uint32_t> run(const Flags& f) {
    const auto& nodes = page_.nodes;
    const size_t n = nodes.size();
    // Excluded subtrees.
    std::vector<bool> dead(n, false);
    for (size_t i = 1; i < n; ++i) {
      dead[i] = excluded(i, f) || (nodes[i].parent != kNoNode && dead[nodes[i].parent]);
    }
    // Content scores.
    score_.assign(n, 0.0);
    std::vector<bool> scored(n, false);
    for (const Unit& u : page_.units) {
      if (dead[u.node] || u.chars < kMinScoredChars || u.node == 0 || u.kind == Tag::kLi) continue;
      const double points = 1.0 + static_cast<double>(std::count(u.text.begin(), u.text.end(), ',')) +
                            std::min(static_cast<double>(u.chars / kCharsPerPoint), kMaxLengthPoints);
      uint32_t a = nodes[u.node].parent;
      for (int level = 0; level < kMaxScoredLevels && a != kNoNode; ++level, a = nodes[a].parent) {
        if (!scored[a]) {
          scored[a] = true;
          score_[a] = tag_prior(nodes[a].tag) + (f.weight_classes ? nodes[a].class_weight : 0) +
                      ((nodes[a].flags & kArticleBody) != 0 ? kArticleBodyBonus : 0.0);
        }
        const double divider = level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0;
        score_[a] += points / divider;
      }
    }
    std::vector<uint32_t> candidates;
    for (size_t i = 0; i < n; ++i) {
      if (!scored[i]) continue;
      score_[i] *= 1.0 - stats_[i].link_density();
      candidates.push_back(static_cast<uint32_t>(i));
    }
    if (candidates.empty()) return collect({0}, f);
    std::stable_sort(candidates.begin(), candidates.end(),
                     [&](uint32_t a, uint32_t b) { return score_[a] > score_[b]; });
    uint32_t top = candidates[0];
    const double top_score = score_[top];

    // A common ancestor of several near-best candidates is the article.
    std::vector<uint32_t> alternatives;
    for (size_t i = 1; i < std::min(candidates.size(), kTopCandidates); ++i) {
      if (top_score > 0 && score_[candidates[i]] / top_score >= kTopCandidateShare) alternatives.push_back(candidates[i]);
    }
    if (static_cast<int>(alternatives.size()) >= kMinTopCandidates) {
      for (uint32_t a = nodes[top].parent; a != kNoNode && a != 0; a = nodes[a].parent) {
        int contained = 0;
        for (uint32_t c : alternatives) contained += (c >= a && c < nodes[a].end) ? 1 : 0;
        if (contained >= kMinTopCandidates) {
          top = a;
          break;
        }
      }
    }
    // Climb while the parent scores higher.
    {
      double last = score_[top];
      const double threshold = last / 3;
      for (uint32_t p = nodes[top].parent; p != kNoNode && p != 0; p = nodes[p].parent) {
        if (!scored[p]) continue;
        if (score_[p] < threshold) break;
        if (score_[p] > last) {
          top = p;
          break;
        }
        last = score_[p];
      }
    }
    // Deep markup (a dozen wrappers per paragraph) puts the article's sections beyond the reach
    // of the five scored levels; climb while the parent holds clearly more prose (long, unlinked
    // units outside excluded subtrees) and is not link-heavy.
    {
      std::vector<uint64_t> prose(n, 0);
      for (const Unit& u : page_.units) {
        if (!dead[u.node] && u.chars >= kMinScoredChars &&
            static_cast<double>(u.link_chars) < kProseLinkDensity * static_cast<double>(u.chars)) {
          prose[u.node] += u.chars;
        }
      }
      for (size_t i = n; i-- > 1;) {
        if (nodes[i].parent != kNoNode) prose[nodes[i].parent] += prose[i];
      }
      for (uint32_t p = nodes[top].parent; p != kNoNode && p != 0 && !dead[p]; p = nodes[p].parent) {
        if (static_cast<double>(prose[p]) < kClimbProseGain * static_cast<double>(prose[top]) ||
            stats_[p].link_density() > kClimbMaxLinkDensity) {
          if (prose[p] > prose[top]) break;
          continue;  // a wrapper that adds nothing: look further up
        }
        top = p;
      }
    }
    // A lone child is as good as its parent.
    while (top != 0 && nodes[top].parent != kNoNode && nodes[top].parent != 0 &&
           stats_[nodes[top].parent].children == 1 && !dead[nodes[top].parent]) {
      top = nodes[top].parent;
    }
    // Siblings.
    std::vector<uint32_t> roots;
    const uint32_t parent = nodes[top].parent;
    if (parent == kNoNode) {
      roots.push_back(top);
    } else {
      const double threshold = std::max(kMinSiblingScore, score_[top] * kSiblingShare);
      for (uint32_t c = parent + 1; c < nodes[parent].end; c = nodes[c].end) {
        if (c == top) {
          roots.push_back(c);
          continue;
        }
        if (dead[c]) continue;
        double bonus = 0;
        if (!nodes[top].classes.empty() && nodes[c].classes == nodes[top].classes) bonus = score_[top] * kSiblingShare;
        const Stats& s = stats_[c];
        bool keep = scored[c] && score_[c] + bonus >= threshold;
        if (!keep && (nodes[c].tag == Tag::kP || s.children == 0)) {
          const double ld = s.link_density();
          if (s.chars > kProseSiblingChars && ld < kProseLinkDensity) keep = true;
          else if (s.chars > 0 && s.chars <= kProseSiblingChars && ld == 0.0 && ends_sentence(c)) keep = true;
        }
        if (keep) roots.push_back(c);
      }
    }
    return collect(roots, f);
  }

 private:
  bool excluded(size_t i, const Flags& f) const {
    const uint16_t fl = page_.nodes[i].flags;
    return (fl & kJunkTag) != 0 || (f.strip_unlikely && (fl & kUnlikely) != 0) || (f.skip_hidden && (fl & kHidden) != 0);
  }

  // Whether node c's own text reads like prose (has a sentence end).
  bool ends_sentence(uint32_t c) const { return prose_[c]; }

  // Readability's _cleanConditionally for one container.
  bool clean_away(uint32_t i, const Flags& f) const {
    const Node& node = page_.nodes[i];
    const Stats& s = stats_[i];
    const int weight = f.weight_classes ? node.class_weight : 0;
    if (weight + score_[i] < 0) return true;
    if (s.commas >= kCleanMaxCommas) return false;
    const bool is_list = node.tag == Tag::kUl || node.tag == Tag::kOl ||
                         (s.chars > 0 && static_cast<double>(s.list_chars) / s.chars > kListTextShare);
    const double ld = s.link_density();
    constexpr uint32_t kListAllowance = 100;  // Readability counts li - 100
    if (s.images > 1 && s.paragraphs * 2 < s.images && node.tag != Tag::kFigure) return true;
    if (!is_list && s.items > s.paragraphs + kListAllowance) return true;
    if (s.inputs > s.paragraphs / 3) return true;
    if (!is_list && s.chars < kCleanMinChars && (s.images == 0 || s.images > 2) && ld > 0) return true;
    if (!is_list && weight < kPositiveWeight && ld > kCleanLinkDensity) return true;
    if (weight >= kPositiveWeight && ld > kCleanLinkDensityPositive) return true;
    if ((s.embeds == 1 && s.chars < kCleanEmbedChars) || s.embeds > 1) return true;
    return false;
  }

  std::vector<uint32_t> collect(const std::vector<uint32_t>& roots, const Flags& f) {
    const auto& nodes = page_.nodes;
    std::vector<bool> removed(nodes.size(), false);
    std::vector<uint32_t> out;
    for (uint32_t r : roots) {
      removed[r] = false;
      for (uint32_t i = r + 1; i < nodes[r].end; ++i) {
        const uint32_t p = nodes[i].parent;
        removed[i] = removed[p] || excluded(i, f) ||
                     (f.clean_conditionally && cleanable(nodes[i].tag) && clean_away(i, f)) ||
                     (is_heading(nodes[i].tag) && f.weight_classes && nodes[i].class_weight < 0);
      }
    }
    // Units in document order: binary search the root containing each unit's node.
    std::vector<uint32_t> sorted = roots;
    std::sort(sorted.begin(), sorted.end());
    for (uint32_t k = 0; k < page_.units.size(); ++k) {
      const Unit& u = page_.units[k];
      auto it = std::upper_bound(sorted.begin(), sorted.end(), u.node);
      if (it == sorted.begin()) continue;
      const uint32_t r = *(it - 1);
      if (u.node >= nodes[r].end || removed[u.node]) continue;
      if (u.chars > 0 && static_cast<double>(u.link_chars) / u.chars > kUnitMaxLinkDensity && !is_heading(u.kind)) continue;
      out.push_back(k);
    }
    return out;
  }

  const Page& page_;
  std::vector<Stats> stats_;
  std::vector<double> score_;
  std::vector<bool> prose_;
};

uint64_t total_chars(const Page& page, const std::vector<uint32_t>& units) {
  uint64_t n = 0;
  for (uint32_t u : units) n += page.units[u].chars;
  return n;
}

}  // namespace

std::vector<uint32_t> select_main_text(const Page& page, std::string_view headline) {
  Selector selector(page);
  static constexpr std::array<Flags, 5> kAttempts = {Flags{true, true, true, true}, Flags{false, true, true, true},
                                                     Flags{false, false, true, true}, Flags{false, false, false, true},
                                                     Flags{false, false, false, false}};
  std::vector<uint32_t> best;
  uint64_t best_chars = 0;
  for (const Flags& f : kAttempts) {
    std::vector<uint32_t> units = selector.run(f);
    const uint64_t chars = total_chars(page, units);
    if (chars >= kMinArticleChars) {
      best = std::move(units);
      break;
    }
    if (chars > best_chars || best.empty()) {
      best_chars = chars;
      best = std::move(units);
    }
  }
  // The headline repeated as the first unit is not body text.
  if (!best.empty() && !headline.empty() && page.units[best.front()].text == headline) best.erase(best.begin());
  return best;
}

}  // namespace caspian::extract
