// Stories: the same news across sources and days. Each stored article joins at most one story as
// it is stored (Store::put), so every front door that stores articles clusters them; the store
// answers for stories (Store::stories, Store::story).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace caspian {

// How articles are grouped (src/stories/clusterer.h gives the similarity). Defaults were chosen
// on the dev file of the Wikipedia Current Events Portal (`caspian eval stories`, docs/quality.md).
struct StoryOptions {
  // An article joins the most similar story whose last article is at most `window_days` older or
  // newer, when the cosine of its term vector to the story's centroid, times
  // exp(-day_decay * days apart), reaches `threshold`; else it starts a story.
  double threshold = 0.30;
  int window_days = 30;
  double day_decay = 0.01;
  // A story's centroid keeps its heaviest terms only, so memory and the stored state stay bounded.
  size_t max_centroid_terms = 200;
  // Candidate stories are those sharing a term with the article, gathered through the rarest terms
  // first until this many are found (0: every story sharing any term). Common terms (a country,
  // "say") are shared by most stories yet cannot lift one over the threshold alone: on the dev file
  // F1 is the same at 200 as with no limit, and clustering the example corpus takes 40% less time
  // (bench/stories_bench).
  size_t candidate_budget = 256;
};

// Which stories to list (`caspian stories`).
struct StoryQuery {
  std::optional<std::chrono::year_month_day> since, until;  // overlapping [first_seen, last_seen]
  std::string entity_id;                                    // only stories with an article mentioning it
  std::string text;   // FTS5 query: only stories with a matching article
  std::string topic;  // only stories with an article of this topic id ("medtop:16000000")
  int limit = 20;     // 0: all
  int offset = 0;     // skip this many stories of the ordering (pagination)
};

struct StoryArticle {
  int64_t id = 0;         // the stored article
  std::string record_id;  // the input record's own id (Document::id), "" if none
  std::string url;
  std::string source;
  std::optional<std::chrono::year_month_day> published;
  std::string title;  // the headline, or the first sentence when there is none
};

struct StoryEntity {
  std::string entity_id;
  std::string name;
  std::string kind;
  int64_t articles = 0;  // of the story's articles mentioning it
};

// A topic of a story's articles (the "topics" stage's, docs/schema.md).
struct StoryTopic {
  std::string id;  // "medtop:11000000"
  std::string label;
  int level = 0;
  int64_t articles = 0;  // of the story's articles that have it
  double score = 0;      // its mean score over those articles
};

// A kind of event the story's articles report: a CAMEO root with its counts.
struct StoryEventKind {
  std::string root_code;  // "04"; its name is cameo_root_name() (caspian/event_export.h)
  int quad_class = 0;
  int64_t events = 0;    // coded events of this root in the story's articles
  int64_t articles = 0;  // the articles they come from
};

// One dated event of a story's timeline.
struct StoryEvent {
  std::string date;  // YYYY-MM-DD, YYYY-MM or YYYY as coded
  int64_t article_id = 0;
  std::string code;    // CAMEO
  std::string source;  // actor codes
  std::string target;
  std::string text;  // the sentence's words the event was read from (the evidence)
};

struct Story {
  int64_t id = 0;  // stable; a merged story's id resolves to the story it joined
  std::string title;
  std::optional<std::chrono::year_month_day> first_seen, last_seen;
  int64_t num_articles = 0;
  int64_t num_sources = 0;                 // distinct non-empty sources
  std::vector<StoryEntity> top_entities;   // by articles, at most 10
  std::vector<StoryTopic> top_topics;      // by articles then mean score, at most 5
  std::vector<StoryEventKind> top_events;  // by articles then events, at most 5
  std::vector<StoryArticle> articles;      // by date then id
  std::vector<StoryEvent> timeline;        // by date; filled by Store::story only
};

// One JSON object on one line (the jsonl of `caspian stories`; docs/schema.md): story_id, title,
// first_seen, last_seen, num_articles, num_sources, top_entities, top_topics, top_events, articles
// and, when the story has one, timeline.
[[nodiscard]] std::string story_to_json(const Story& story);

// A readable block: title, dates, counts, top entities, topics and events, articles and timeline.
[[nodiscard]] std::string story_to_text(const Story& story);

}  // namespace caspian
