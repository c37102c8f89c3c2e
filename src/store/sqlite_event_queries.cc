// Reading events back from the SQLite store (contract in store/sqlite_event_queries.h).
#include "store/sqlite_event_queries.h"

#include <fmt/format.h>

#include <algorithm>

#include "caspian/json.h"
#include "store/sqlite_analytics.h"

namespace caspian::store {
namespace {

// Whether an event date (TIMEX3: "2025-07-10", "2025-07", "2025"; "" unknown) overlaps
// [since, until]: a partial date covers its whole month or year.
bool date_overlaps(std::string_view date, const std::optional<std::chrono::year_month_day>& since,
                   const std::optional<std::chrono::year_month_day>& until) {
  if (!since && !until) return true;
  constexpr size_t kYear = 4;
  constexpr size_t kMonth = 7;
  constexpr size_t kDay = 10;
  if (date.size() < kYear) return false;
  const std::string_view y = date.substr(0, kYear);
  const std::string_view m = date.size() >= kMonth ? date.substr(kYear + 1, 2) : std::string_view();
  const std::string_view d = date.size() >= kDay ? date.substr(kMonth + 1, 2) : std::string_view();
  const std::string first = fmt::format("{}-{}-{}", y, m.empty() ? "01" : m, d.empty() ? "01" : d);
  const std::string last = fmt::format("{}-{}-{}", y, m.empty() ? "12" : m, d.empty() ? "31" : d);
  if (since && last < format_date(*since)) return false;
  if (until && first > format_date(*until)) return false;
  return true;
}

// The entity from the eight columns at `first` (entity_at), if the LEFT JOIN found one.
std::optional<Entity> optional_entity_at(const Statement& s, int first) {
  if (s.col_null(first)) return std::nullopt;
  return entity_at(s, first);
}

}  // namespace

Result<std::vector<StoredEvent>> list_events(Database& db, const EventQuery& q) {
  // Each story's articles and distinct sources, for GDELT's NumArticles and NumSources.
  std::string sql =
      "WITH story_counts AS (SELECT story_id, count(*) AS articles, count(DISTINCT source) AS sources "
      "FROM articles WHERE story_id IS NOT NULL GROUP BY story_id) "
      "SELECT e.id, e.article_id, a.url, a.source, a.title, a.published, a.ingested_at, e.record, "
      "l.id, l.kind, l.name, l.country, l.lat, l.lon, l.population, l.feature_code, "
      "s.id, s.kind, s.name, s.country, s.lat, s.lon, s.population, s.feature_code, "
      "t.id, t.kind, t.name, t.country, t.lat, t.lon, t.population, t.feature_code, "
      "a.story_id, sc.articles, sc.sources "
      "FROM events e JOIN articles a ON a.id = e.article_id LEFT JOIN entities l ON l.id = e.location_id "
      "LEFT JOIN story_counts sc ON sc.story_id = a.story_id "
      "LEFT JOIN entities s ON s.id = json_extract(e.record, '$.source.entity_id') "
      "LEFT JOIN entities t ON t.id = json_extract(e.record, '$.target.entity_id') "
      "WHERE e.cameo_code LIKE ?1 ESCAPE '\\'";
  // Actor prefixes are bound as ?2, ?3, ...
  if (!q.actors.empty()) {
    sql += " AND (";
    for (size_t i = 0; i < q.actors.size(); ++i) {
      if (i > 0) sql += " OR ";
      sql +=
          fmt::format("e.source_actor LIKE ?{0} ESCAPE '\\' OR e.target_actor LIKE ?{0} ESCAPE '\\'", i + 2);
    }
    sql += ")";
  }
  int next = static_cast<int>(q.actors.size()) + 2;
  const int topic_param = next++;
  if (!q.topic.empty())
    sql += fmt::format(" AND e.article_id IN (SELECT article_id FROM topics WHERE topic = ?{})", topic_param);
  const int entity_param = next++;
  if (!q.entity_id.empty()) {
    sql += fmt::format(
        " AND (json_extract(e.record, '$.source.entity_id') = ?{0} OR "
        "json_extract(e.record, '$.target.entity_id') = ?{0} OR e.location_id = ?{0})",
        entity_param);
  }
  const int place_param = next++;
  if (!q.place.empty()) {
    // A country's own row carries its alpha-2 code, which its places carry too.
    sql += fmt::format(
        " AND (e.location_id = ?{0} OR (l.country <> '' AND l.country = "
        "(SELECT country FROM entities WHERE id = ?{0} AND kind = 'country')))",
        place_param);
  }
  const int quad_param = next++;
  if (q.quad_class != 0) {
    sql += fmt::format(" AND ({}) = ?{}", kQuadClassSql, quad_param);
  }
  sql += " ORDER BY e.event_date, e.article_id, e.id";
  auto s = db.prepare(sql);
  if (!s.ok()) return s.status();
  const auto like_prefix = [](std::string_view prefix) {
    std::string p;
    for (const char c : prefix) {
      if (c == '%' || c == '_' || c == '\\') p += '\\';
      p += c;
    }
    return p + "%";
  };
  s->bind(1, like_prefix(q.code));
  for (size_t i = 0; i < q.actors.size(); ++i) s->bind(static_cast<int>(i + 2), like_prefix(q.actors[i]));
  if (!q.topic.empty()) s->bind(topic_param, q.topic);
  if (!q.entity_id.empty()) s->bind(entity_param, q.entity_id);
  if (!q.place.empty()) s->bind(place_param, q.place);
  if (q.quad_class != 0) s->bind(quad_param, int64_t{q.quad_class});
  int64_t skip = std::max(q.offset, 0);
  std::vector<StoredEvent> out;
  for (;;) {
    auto row = s->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto record = event_from_json(s->col_text(7));
    if (!record.ok()) {
      return Status(ErrorCode::kCorrupt,
                    fmt::format("event {}: {}", s->col_int(0), record.status().message()));
    }
    if (!date_overlaps(record->event.date, q.since, q.until)) continue;
    if (skip > 0) {
      --skip;
      continue;
    }
    StoredEvent e;
    e.event_id = s->col_int(0);
    e.article_id = s->col_int(1);
    e.url = s->col_text(2);
    e.source = s->col_text(3);
    e.title = s->col_text(4);
    if (!s->col_null(5)) {
      if (auto d = parse_iso_date(s->col_text(5)); d.ok()) e.published = *d;
    }
    e.ingested_at = s->col_text(6);
    e.record = std::move(record).value();
    constexpr int kLocationColumn = 8;
    constexpr int kSourceColumn = 16;
    constexpr int kTargetColumn = 24;
    e.location = optional_entity_at(*s, kLocationColumn);
    e.source_entity = optional_entity_at(*s, kSourceColumn);
    e.target_entity = optional_entity_at(*s, kTargetColumn);
    constexpr int kStoryColumn = 32;
    if (!s->col_null(kStoryColumn)) {
      e.story_id = s->col_int(kStoryColumn);
      e.story_articles = s->col_int(kStoryColumn + 1);
      e.story_sources = s->col_int(kStoryColumn + 2);
    }
    out.push_back(std::move(e));
    if (q.limit > 0 && out.size() >= static_cast<size_t>(q.limit)) break;
  }
  return out;
}

}  // namespace caspian::store
