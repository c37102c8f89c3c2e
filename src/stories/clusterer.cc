#include "stories/clusterer.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "caspian/utf8.h"

namespace caspian::stories {
namespace {

// Countries are shared by many unrelated stories of a day (every story in Ukraine names it): they
// count half as much as a word or an entity (dev file: F1 0.685 at 0.5 against 0.683 at 1).
constexpr float kCountryWeight = 0.5F;
constexpr size_t kMaxTitleBytes = 200;

bool content_word(Upos u) {
  return u == Upos::kNoun || u == Upos::kPropn || u == Upos::kVerb || u == Upos::kAdj;
}

float group_weight(const std::string& term) {
  return term.starts_with("c:") ? kCountryWeight : 1.0F;
}

double norm_of(const TermVector& v) {
  double n = 0;
  for (const auto& [term, w] : v) n += static_cast<double>(w) * w;
  return std::sqrt(n);
}

}  // namespace

double dot(const TermVector& a, const TermVector& b) {
  double sum = 0;
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const int c = a[i].first.compare(b[j].first);
    if (c == 0) {
      sum += static_cast<double>(a[i].second) * b[j].second;
      ++i;
      ++j;
    } else if (c < 0) {
      ++i;
    } else {
      ++j;
    }
  }
  return sum;
}

TermVector story_terms(const Document& doc) {
  std::map<std::string, float> counts;
  for (const Token& t : doc.tokens) {
    if (!content_word(t.upos) || t.span.size() < 2) continue;
    ++counts["w:" + utf8::fold(doc.slice(t.span))];
  }
  for (const Entity& e : doc.entities) {
    ++counts["e:" + e.id];
    if (!e.country.empty()) ++counts["c:" + e.country];
  }
  return TermVector(counts.begin(), counts.end());
}

std::string story_title(const Document& doc) {
  if (!doc.title.empty()) return doc.title;
  std::string_view first = std::string_view(doc.text).substr(doc.body_offset);
  if (!doc.sentences.empty()) {
    const Sentence& s = doc.sentences.front();
    if (s.span.end <= doc.text.size()) first = doc.slice(s.span);
  }
  if (first.size() <= kMaxTitleBytes) return std::string(first);
  size_t cut = kMaxTitleBytes;
  while (cut > 0 && (static_cast<unsigned char>(first[cut]) & 0xC0) == 0x80) --cut;
  return std::string(first.substr(0, cut)) + "…";
}

void StoryClusterer::restore(std::unordered_map<std::string, int64_t> df, int64_t documents,
                             std::vector<StoryState> active, int64_t next_id) {
  df_ = std::move(df);
  documents_ = documents;
  next_id_ = std::max<int64_t>(next_id, 1);
  stories_.clear();
  postings_.clear();
  changed_.clear();
  df_delta_.clear();
  newest_day_ = INT32_MIN;
  for (StoryState& s : active) {
    s.norm = norm_of(s.centroid);
    newest_day_ = std::max(newest_day_, s.last_day);
    index_story(s);
    stories_.emplace(s.id, std::move(s));
  }
}

double StoryClusterer::idf(const std::string& term) const {
  const auto it = df_.find(term);
  const double df = it == df_.end() ? 0.0 : static_cast<double>(it->second);
  return std::log((static_cast<double>(documents_) + 1.0) / (df + 1.0)) + 1.0;
}

void StoryClusterer::index_term(const std::string& term, int64_t id) {
  postings_[term].push_back(id);
}

void StoryClusterer::unindex_term(const std::string& term, int64_t id) {
  const auto it = postings_.find(term);
  if (it == postings_.end()) return;
  std::vector<int64_t>& ids = it->second;
  if (const auto at = std::find(ids.begin(), ids.end(), id); at != ids.end()) {
    *at = ids.back();
    ids.pop_back();
  }
  if (ids.empty()) postings_.erase(it);
}

void StoryClusterer::index_story(const StoryState& s) {
  for (const auto& [term, w] : s.centroid) index_term(term, s.id);
}

void StoryClusterer::unindex_story(const StoryState& s) {
  for (const auto& [term, w] : s.centroid) unindex_term(term, s.id);
}

void StoryClusterer::add_to_centroid(StoryState& s, const TermVector& v) {
  struct Entry {
    std::string term;
    float weight;
    bool fresh;  // not in the centroid before
  };
  std::vector<Entry> sum;
  sum.reserve(s.centroid.size() + v.size());
  size_t i = 0;
  size_t j = 0;
  while (i < s.centroid.size() || j < v.size()) {
    if (j == v.size() || (i < s.centroid.size() && s.centroid[i].first < v[j].first)) {
      sum.push_back({std::move(s.centroid[i].first), s.centroid[i].second, false});
      ++i;
    } else if (i == s.centroid.size() || v[j].first < s.centroid[i].first) {
      sum.push_back({v[j].first, v[j].second, true});
      ++j;
    } else {
      sum.push_back({std::move(s.centroid[i].first), s.centroid[i].second + v[j].second, false});
      ++i;
      ++j;
    }
  }
  if (sum.size() > options_.max_centroid_terms) {
    std::sort(sum.begin(), sum.end(), [](const Entry& a, const Entry& b) {
      return a.weight != b.weight ? a.weight > b.weight : a.term < b.term;
    });
    for (size_t k = options_.max_centroid_terms; k < sum.size(); ++k) {
      if (!sum[k].fresh) unindex_term(sum[k].term, s.id);
    }
    sum.resize(options_.max_centroid_terms);
    std::sort(sum.begin(), sum.end(), [](const Entry& a, const Entry& b) { return a.term < b.term; });
  }
  s.centroid.clear();
  s.centroid.reserve(sum.size());
  for (Entry& e : sum) {
    if (e.fresh) index_term(e.term, s.id);
    s.centroid.emplace_back(std::move(e.term), e.weight);
  }
  s.norm = norm_of(s.centroid);
}

void StoryClusterer::merge_into(StoryState& keep, StoryState& gone) {
  unindex_story(gone);
  add_to_centroid(keep, gone.centroid);
  keep.first_day = std::min(keep.first_day, gone.first_day);
  keep.last_day = std::max(keep.last_day, gone.last_day);
  keep.num_articles += gone.num_articles;
  gone.merged_into = keep.id;
}

std::vector<int64_t> StoryClusterer::candidates(const TermVector& v) const {
  std::vector<const std::vector<int64_t>*> lists;
  lists.reserve(v.size());
  for (const auto& [term, w] : v) {
    if (const auto it = postings_.find(term); it != postings_.end()) lists.push_back(&it->second);
  }
  // The rarest terms first: a story that shares none of them but only common terms (a country, "say")
  // cannot reach the threshold, and the common terms' lists are what made clustering slow.
  std::sort(lists.begin(), lists.end(), [](const auto* a, const auto* b) { return a->size() < b->size(); });
  std::vector<int64_t> out;
  for (const auto* ids : lists) {
    if (options_.candidate_budget > 0 && !out.empty() && out.size() + ids->size() > options_.candidate_budget)
      break;
    out.insert(out.end(), ids->begin(), ids->end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Assignment StoryClusterer::add(const TermVector& terms, int32_t day, const std::string& title) {
  ++documents_;
  for (const auto& [term, count] : terms) {
    ++df_[term];
    ++df_delta_[term];
  }
  // Forgetting depends only on the sequence of articles, never on when batches commit, so that
  // the stories are the same whatever the thread count.
  if (day > newest_day_) {
    newest_day_ = day;
    evict_before(newest_day_);
  }
  TermVector v;
  v.reserve(terms.size());
  double n = 0;
  for (const auto& [term, count] : terms) {
    const auto w = static_cast<float>((1.0 + std::log(count)) * idf(term) * group_weight(term));
    v.emplace_back(term, w);
    n += static_cast<double>(w) * w;
  }
  n = std::sqrt(n);
  if (n > 0) {
    for (auto& [term, w] : v) w = static_cast<float>(w / n);
  }
  int64_t best = 0;
  int64_t second = 0;
  double best_sim = 0;
  double second_sim = 0;
  // In id order, so that ties go to the older story.
  for (const int64_t id : candidates(v)) {
    const StoryState& s = stories_.at(id);
    const int gap = std::abs(day - s.last_day);
    if (gap > options_.window_days || s.norm <= 0) continue;
    const double sim = dot(v, s.centroid) / s.norm * std::exp(-options_.day_decay * gap);
    if (sim > best_sim) {
      second = best;
      second_sim = best_sim;
      best = id;
      best_sim = sim;
    } else if (sim > second_sim) {
      second = id;
      second_sim = sim;
    }
  }
  Assignment out;
  if (best == 0 || best_sim < options_.threshold) {
    StoryState s;
    s.id = next_id_++;
    s.first_day = s.last_day = day;
    s.num_articles = 1;
    s.title = title;
    add_to_centroid(s, v);
    changed_.insert(s.id);
    out.story_id = s.id;
    out.created = true;
    stories_.emplace(s.id, std::move(s));
    return out;
  }
  StoryState& s = stories_.at(best);
  add_to_centroid(s, v);
  s.first_day = std::min(s.first_day, day);
  s.last_day = std::max(s.last_day, day);
  ++s.num_articles;
  const double score = s.norm > 0 ? dot(v, s.centroid) / s.norm : 0;
  if (!title.empty() && score > s.title_score) {
    s.title = title;
    s.title_score = score;
  }
  changed_.insert(best);
  out.story_id = best;
  // The article bridges two stories that are alike themselves: they are one story.
  if (second != 0 && second_sim >= options_.threshold) {
    StoryState& other = stories_.at(second);
    if (other.norm > 0 && dot(s.centroid, other.centroid) / (s.norm * other.norm) >= options_.threshold) {
      StoryState& keep = s.id < other.id ? s : other;
      StoryState& gone = s.id < other.id ? other : s;
      merge_into(keep, gone);
      out.story_id = keep.id;
      out.merged.push_back(gone.id);
      changed_.insert(keep.id);
      changed_.insert(gone.id);
    }
  }
  return out;
}

StoryClusterer::Changes StoryClusterer::take_changes() {
  Changes c;
  for (const int64_t id : changed_) {
    auto it = stories_.find(id);
    if (it == stories_.end()) continue;
    c.stories.push_back(it->second);
    if (it->second.merged_into != 0) stories_.erase(it);
  }
  changed_.clear();
  for (StoryState& s : retired_) c.stories.push_back(std::move(s));
  retired_.clear();
  std::sort(c.stories.begin(), c.stories.end(),
            [](const StoryState& a, const StoryState& b) { return a.id < b.id; });
  c.df_delta = std::move(df_delta_);
  df_delta_.clear();
  c.documents = documents_;
  return c;
}

void StoryClusterer::evict_before(int32_t day) {
  for (auto it = stories_.begin(); it != stories_.end();) {
    if (it->second.last_day < day - options_.window_days) {
      unindex_story(it->second);
      if (changed_.erase(it->first) > 0) retired_.push_back(std::move(it->second));
      it = stories_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace caspian::stories
