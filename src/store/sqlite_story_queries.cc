// Reading stories back from the SQLite store (contract in store/sqlite_stories.h).
#include <fmt/format.h>

#include <algorithm>

#include "caspian/json.h"
#include "caspian/store.h"
#include "store/sqlite_stories.h"

namespace caspian::store {
namespace {

constexpr int kTopEntities = 10;
constexpr int kTopTopics = 5;
constexpr int kTopEventKinds = 5;
// Merge chains are short (a story joins a larger one once); this bounds a corrupt cycle.
constexpr int kMaxMergeHops = 64;

std::optional<std::chrono::year_month_day> date_column(const Statement& s, int i) {
  if (s.col_null(i)) return std::nullopt;
  auto d = parse_iso_date(s.col_text(i));
  if (!d.ok()) return std::nullopt;
  return *d;
}

Status fill_articles(Database& db, Story& story) {
  CASPIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.prepare("SELECT id, record_id, url, source, published, title, substr(text, body_offset + 1, ?2) "
                 "FROM articles WHERE story_id = ?1 ORDER BY published IS NULL, published, id"));
  s.bind(1, story.id);
  s.bind(2, static_cast<int64_t>(kLeadBytes));
  for (;;) {
    CASPIAN_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    StoryArticle a;
    a.id = s.col_int(0);
    a.record_id = s.col_text(1);
    a.url = s.col_text(2);
    a.source = s.col_text(3);
    a.published = date_column(s, 4);
    a.title = s.col_text(5);
    if (a.title.empty()) a.title = lead_of(s.col_text(6));
    story.articles.push_back(std::move(a));
  }
  return Status::Ok();
}

Status fill_entities(Database& db, Story& story) {
  CASPIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.prepare("SELECT m.entity_id, e.name, e.kind, count(DISTINCT m.article_id) FROM mentions m "
                 "JOIN entities e ON e.id = m.entity_id JOIN articles a ON a.id = m.article_id "
                 "WHERE a.story_id = ?1 GROUP BY m.entity_id ORDER BY 4 DESC, 1 LIMIT ?2"));
  s.bind(1, story.id);
  s.bind(2, int64_t{kTopEntities});
  for (;;) {
    CASPIAN_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    story.top_entities.push_back({s.col_text(0), s.col_text(1), s.col_text(2), s.col_int(3)});
  }
  return Status::Ok();
}

// Counts from the topics table; each top topic's label and level from the analysis JSON of one
// article that has it (the table keeps ids only), so that a request parses kTopTopics analyses,
// not every article's of the story (bench/serve_bench: stories?limit=20 spent most of its time
// in json_each over whole analyses).
Status fill_topics(Database& db, Story& story) {
  CASPIAN_ASSIGN_OR_RETURN(
      Statement s, db.prepare("SELECT t.topic, count(*), avg(t.score), min(t.article_id) FROM topics t "
                              "JOIN articles a ON a.id = t.article_id WHERE a.story_id = ?1 "
                              "GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT ?2"));
  CASPIAN_ASSIGN_OR_RETURN(
      Statement name,
      db.prepare("SELECT json_extract(t.value, '$.label'), json_extract(t.value, '$.level') FROM articles a, "
                 "json_each(CASE WHEN json_valid(a.analysis) THEN a.analysis ELSE '{}' END, '$.topics') t "
                 "WHERE a.id = ?1 AND json_extract(t.value, '$.id') = ?2 LIMIT 1"));
  s.bind(1, story.id);
  s.bind(2, int64_t{kTopTopics});
  for (;;) {
    CASPIAN_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    StoryTopic t{s.col_text(0), "", 0, s.col_int(1), s.col_double(2)};
    name.reset();
    name.bind(1, s.col_int(3));
    name.bind(2, t.id);
    CASPIAN_ASSIGN_OR_RETURN(bool found, name.step());
    if (found) {
      t.label = name.col_text(0);
      t.level = static_cast<int>(name.col_int(1));
    }
    story.top_topics.push_back(std::move(t));
  }
  return Status::Ok();
}

Status fill_event_kinds(Database& db, Story& story) {
  CASPIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.prepare("SELECT substr(e.cameo_code, 1, 2), max(CASE WHEN json_valid(e.record) THEN "
                 "json_extract(e.record, '$.quad_class') END), count(*), "
                 "count(DISTINCT e.article_id) FROM events e JOIN articles a ON a.id = e.article_id "
                 "WHERE a.story_id = ?1 AND length(e.cameo_code) >= 2 GROUP BY 1 ORDER BY 4 DESC, 3 DESC, 1 "
                 "LIMIT ?2"));
  s.bind(1, story.id);
  s.bind(2, int64_t{kTopEventKinds});
  for (;;) {
    CASPIAN_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    story.top_events.push_back({s.col_text(0), static_cast<int>(s.col_int(1)), s.col_int(2), s.col_int(3)});
  }
  return Status::Ok();
}

Status fill_summary(Database& db, Story& story) {
  CASPIAN_RETURN_IF_ERROR(fill_articles(db, story));
  CASPIAN_RETURN_IF_ERROR(fill_entities(db, story));
  CASPIAN_RETURN_IF_ERROR(fill_topics(db, story));
  return fill_event_kinds(db, story);
}

Status fill_timeline(Database& db, Story& story) {
  CASPIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.prepare(
          "SELECT e.event_date, e.article_id, e.cameo_code, e.source_actor, e.target_actor, "
          "e.record FROM events e JOIN articles a ON a.id = e.article_id "
          "WHERE a.story_id = ?1 AND e.event_date IS NOT NULL ORDER BY e.event_date, e.article_id, e.id"));
  s.bind(1, story.id);
  for (;;) {
    CASPIAN_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    StoryEvent e{s.col_text(0), s.col_int(1), s.col_text(2), s.col_text(3), s.col_text(4), {}};
    if (auto rec = event_from_json(s.col_text(5)); rec.ok()) e.text = rec->sentence_text;
    story.timeline.push_back(std::move(e));
  }
  return Status::Ok();
}

// The columns every story query selects, grouped by story.
constexpr std::string_view kStoryColumns =
    "SELECT s.id, s.title, min(a.published), max(a.published), count(*), count(DISTINCT nullif(a.source, "
    "'')) "
    "FROM stories s JOIN articles a ON a.story_id = s.id ";

Story story_row(const Statement& s) {
  Story st;
  st.id = s.col_int(0);
  st.title = s.col_text(1);
  st.first_seen = date_column(s, 2);
  st.last_seen = date_column(s, 3);
  st.num_articles = s.col_int(4);
  st.num_sources = s.col_int(5);
  return st;
}

}  // namespace

Result<std::vector<Story>> list_stories(Database& db, const StoryQuery& q) {
  std::string sql(kStoryColumns);
  sql += "WHERE s.merged_into IS NULL";
  if (!q.entity_id.empty())
    sql +=
        " AND s.id IN (SELECT a2.story_id FROM mentions m JOIN articles a2 ON a2.id = m.article_id "
        "WHERE m.entity_id = ?1)";
  if (!q.text.empty())
    sql +=
        " AND s.id IN (SELECT a3.story_id FROM articles_fts JOIN articles a3 ON a3.id = articles_fts.rowid "
        "WHERE articles_fts MATCH ?2)";
  if (!q.topic.empty())
    sql +=
        " AND s.id IN (SELECT a4.story_id FROM topics t JOIN articles a4 ON a4.id = t.article_id "
        "WHERE t.topic = ?6)";
  sql += " GROUP BY s.id HAVING 1";
  if (q.since) sql += " AND max(a.published) >= ?3";
  if (q.until) sql += " AND min(a.published) <= ?4";
  sql += " ORDER BY max(a.published) DESC, count(*) DESC, s.id";
  if (q.limit > 0) sql += " LIMIT ?5 OFFSET ?7";
  CASPIAN_ASSIGN_OR_RETURN(Statement s, db.prepare(sql));
  if (!q.entity_id.empty()) s.bind(1, q.entity_id);
  if (!q.text.empty()) s.bind(2, q.text);
  if (q.since) s.bind(3, format_date(*q.since));
  if (q.until) s.bind(4, format_date(*q.until));
  if (q.limit > 0) s.bind(5, int64_t{q.limit});
  if (!q.topic.empty()) s.bind(6, q.topic);
  if (q.limit > 0) s.bind(7, int64_t{std::max(q.offset, 0)});
  std::vector<Story> out;
  for (;;) {
    auto row = s.step();
    if (!row.ok()) {
      if (!q.text.empty())
        return Status(ErrorCode::kInvalidArgument,
                      fmt::format("query '{}': {}", q.text, row.status().message()));
      return row.status();
    }
    if (!*row) break;
    out.push_back(story_row(s));
  }
  for (Story& st : out) CASPIAN_RETURN_IF_ERROR(fill_summary(db, st));
  return out;
}

Result<std::optional<Story>> get_story(Database& db, int64_t id) {
  CASPIAN_ASSIGN_OR_RETURN(Statement hop, db.prepare("SELECT merged_into FROM stories WHERE id = ?1"));
  for (int hops = 0;; ++hops) {
    if (hops > kMaxMergeHops)
      return Status(ErrorCode::kCorrupt, fmt::format("story {}: merge chain too long", id));
    hop.bind(1, id);
    CASPIAN_ASSIGN_OR_RETURN(bool row, hop.step());
    if (!row) return std::optional<Story>();
    const bool merged = !hop.col_null(0);
    const int64_t next = hop.col_int(0);
    hop.reset();
    if (!merged) break;
    id = next;
  }
  std::string sql(kStoryColumns);
  sql += "WHERE s.id = ?1 GROUP BY s.id";
  CASPIAN_ASSIGN_OR_RETURN(Statement s, db.prepare(sql));
  s.bind(1, id);
  CASPIAN_ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return std::optional<Story>();
  Story st = story_row(s);
  CASPIAN_RETURN_IF_ERROR(fill_summary(db, st));
  CASPIAN_RETURN_IF_ERROR(fill_timeline(db, st));
  return std::optional<Story>(std::move(st));
}

Result<int64_t> story_of(Database& db, int64_t article_id) {
  CASPIAN_ASSIGN_OR_RETURN(Statement s,
                           db.prepare("SELECT coalesce(story_id, 0) FROM articles WHERE id = ?1"));
  s.bind(1, article_id);
  CASPIAN_ASSIGN_OR_RETURN(bool row, s.step());
  return row ? s.col_int(0) : 0;
}

}  // namespace caspian::store
