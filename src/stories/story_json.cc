// Stories as JSON and as text (contract in caspian/stories.h).
#include <fmt/format.h>

#include "caspian/event_export.h"
#include "caspian/json.h"
#include "caspian/stories.h"

namespace caspian {
namespace {

std::string date_or_null(const std::optional<std::chrono::year_month_day>& d) {
  return d ? json_string(format_date(*d)) : "null";
}

std::string date_or_dash(const std::optional<std::chrono::year_month_day>& d) {
  return d ? format_date(*d) : "-";
}

}  // namespace

std::string story_to_json(const Story& story) {
  std::string out = fmt::format(
      R"({{"story_id": {}, "title": {}, "first_seen": {}, "last_seen": {}, "num_articles": {}, "num_sources": {}, "top_entities": [)",
      story.id, json_string(story.title), date_or_null(story.first_seen), date_or_null(story.last_seen),
      story.num_articles, story.num_sources);
  for (size_t i = 0; i < story.top_entities.size(); ++i) {
    const StoryEntity& e = story.top_entities[i];
    out += fmt::format(R"({}{{"id": {}, "name": {}, "kind": {}, "articles": {}}})", i ? ", " : "",
                       json_string(e.entity_id), json_string(e.name), json_string(e.kind), e.articles);
  }
  out += R"(], "top_topics": [)";
  for (size_t i = 0; i < story.top_topics.size(); ++i) {
    const StoryTopic& t = story.top_topics[i];
    out += fmt::format(R"({}{{"id": {}, "label": {}, "level": {}, "articles": {}, "score": {:.4f}}})",
                       i ? ", " : "", json_string(t.id), json_string(t.label), t.level, t.articles, t.score);
  }
  out += R"(], "top_events": [)";
  for (size_t i = 0; i < story.top_events.size(); ++i) {
    const StoryEventKind& k = story.top_events[i];
    out += fmt::format(R"({}{{"root_code": {}, "name": {}, "quad_class": {}, "events": {}, "articles": {}}})",
                       i ? ", " : "", json_string(k.root_code), json_string(cameo_root_name(k.root_code)),
                       k.quad_class, k.events, k.articles);
  }
  out += R"(], "articles": [)";
  for (size_t i = 0; i < story.articles.size(); ++i) {
    const StoryArticle& a = story.articles[i];
    out += fmt::format(
        R"({}{{"id": {}, "record_id": {}, "url": {}, "source": {}, "published": {}, "title": {}}})",
        i ? ", " : "", a.id, json_string(a.record_id), json_string(a.url), json_string(a.source),
        date_or_null(a.published), json_string(a.title));
  }
  out += "]";
  if (!story.timeline.empty()) {
    out += R"(, "timeline": [)";
    for (size_t i = 0; i < story.timeline.size(); ++i) {
      const StoryEvent& e = story.timeline[i];
      out += fmt::format(
          R"({}{{"date": {}, "article_id": {}, "code": {}, "source": {}, "target": {}, "text": {}}})",
          i ? ", " : "", json_string(e.date), e.article_id, json_string(e.code), json_string(e.source),
          json_string(e.target), json_string(e.text));
    }
    out += "]";
  }
  return out + "}";
}

std::string story_to_text(const Story& story) {
  std::string out = fmt::format("Story #{}: {}\n  {} to {}, {} article(s) from {} source(s)\n", story.id,
                                story.title, date_or_dash(story.first_seen), date_or_dash(story.last_seen),
                                story.num_articles, story.num_sources);
  if (!story.top_entities.empty()) {
    out += "  entities:";
    for (const StoryEntity& e : story.top_entities) out += fmt::format(" {} ({})", e.name, e.articles);
    out += "\n";
  }
  if (!story.top_topics.empty()) {
    out += "  topics:";
    for (const StoryTopic& t : story.top_topics) out += fmt::format(" {} ({})", t.label, t.articles);
    out += "\n";
  }
  if (!story.top_events.empty()) {
    out += "  events:";
    for (const StoryEventKind& k : story.top_events)
      out += fmt::format(" {} {} ({})", k.root_code, cameo_root_name(k.root_code), k.events);
    out += "\n";
  }
  for (const StoryArticle& a : story.articles) {
    out += fmt::format("  #{:<6} {}  {}{}\n", a.id, date_or_dash(a.published), a.title,
                       a.source.empty() ? "" : fmt::format("  [{}]", a.source));
  }
  if (!story.timeline.empty()) {
    out += "  timeline:\n";
    for (const StoryEvent& e : story.timeline) {
      out += fmt::format("    {}  {} {} -> {}  (#{}) {}\n", e.date, e.code, e.source.empty() ? "-" : e.source,
                         e.target.empty() ? "-" : e.target, e.article_id, e.text);
    }
  }
  return out;
}

}  // namespace caspian
