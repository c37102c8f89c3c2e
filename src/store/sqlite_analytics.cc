// Aggregations over the SQLite store's articles (contract in store/sqlite_analytics.h).
#include "store/sqlite_analytics.h"

#include <fmt/format.h>

#include <algorithm>

#include "caspian/json.h"

namespace caspian::store {
namespace {

constexpr std::string_view kEntityColumns =
    "en.id, en.kind, en.name, en.country, en.lat, en.lon, en.population, en.feature_code";

}  // namespace

Entity entity_at(const Statement& s, int first) {
  Entity l;
  l.id = s.col_text(first);
  l.kind = entity_kind_from(s.col_text(first + 1)).value_or(EntityKind::kMisc);
  l.name = s.col_text(first + 2);
  l.country = s.col_text(first + 3);
  if (!s.col_null(first + 4)) l.lat = s.col_double(first + 4);
  if (!s.col_null(first + 5)) l.lon = s.col_double(first + 5);
  l.population = s.col_int(first + 6);
  l.feature_code = s.col_text(first + 7);
  return l;
}

std::string article_filter_sql(const SearchQuery& q, std::string_view match, int& next) {
  std::string sql;
  if (!match.empty())
    sql += fmt::format(" AND a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?{})", next++);
  if (q.since) sql += fmt::format(" AND a.published >= ?{}", next++);
  if (q.until) sql += fmt::format(" AND a.published <= ?{}", next++);
  if (!q.language.empty()) sql += fmt::format(" AND a.language = ?{}", next++);
  for (size_t i = 0; i < q.entity_ids.size(); ++i)
    sql += fmt::format(" AND a.id IN (SELECT article_id FROM mentions WHERE entity_id = ?{})", next++);
  if (!q.topic.empty())
    sql += fmt::format(" AND a.id IN (SELECT article_id FROM topics WHERE topic = ?{})", next++);
  return sql;
}

void bind_article_filter(Statement& s, const SearchQuery& q, std::string_view match, int& b) {
  if (!match.empty()) s.bind(b++, match);
  if (q.since) s.bind(b++, format_date(*q.since));
  if (q.until) s.bind(b++, format_date(*q.until));
  if (!q.language.empty()) s.bind(b++, q.language);
  for (const std::string& e : q.entity_ids) s.bind(b++, e);
  if (!q.topic.empty()) s.bind(b++, q.topic);
}

Result<std::vector<TimelineDay>> timeline(Database& db, const SearchQuery& q, std::string_view match) {
  int next = 1;
  const std::string filter = article_filter_sql(q, match, next);
  // One pass over the matching articles for their days, one over their events for the classes.
  const std::string sql = fmt::format(
      "WITH m AS (SELECT a.id, a.published FROM articles a WHERE a.published IS NOT NULL{}) "
      "SELECT published, 0, count(*) FROM m GROUP BY published "
      "UNION ALL "
      "SELECT m.published, {}, count(*) FROM events e JOIN m ON m.id = e.article_id GROUP BY 1, 2 "
      "ORDER BY 1, 2",
      filter, kQuadClassSql);
  auto s = db.prepare(sql);
  if (!s.ok()) return s.status();
  int b = 1;
  bind_article_filter(*s, q, match, b);
  std::vector<TimelineDay> out;
  std::string last;
  for (;;) {
    auto row = s->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::string day = s->col_text(0);
    auto date = parse_iso_date(day);
    if (!date.ok()) continue;  // a published value that is not a day counts nowhere
    if (out.empty() || day != last) {
      out.push_back(TimelineDay{*date, 0, {}});
      last = day;
    }
    const int64_t kind = s->col_int(1);
    const int64_t n = s->col_int(2);
    if (kind == 0) {
      out.back().articles = n;
    } else if (kind >= 1 && kind <= static_cast<int64_t>(out.back().events.size())) {
      out.back().events[static_cast<size_t>(kind - 1)] = n;
    }
  }
  return out;
}

Result<std::vector<EntityStat>> mentioned_entities(Database& db, const SearchQuery& q, std::string_view match,
                                                   std::optional<EntityKind> kind) {
  int next = 1;
  const std::string filter = article_filter_sql(q, match, next);
  std::string exclude;
  for (size_t i = 0; i < q.entity_ids.size(); ++i)
    exclude += fmt::format(" AND mn.entity_id <> ?{}", next + static_cast<int>(i));
  next += static_cast<int>(q.entity_ids.size());
  const int kind_param = next++;
  const int limit_param = next++;
  const int offset_param = next++;
  const std::string sql = fmt::format(
      "WITH m AS (SELECT a.id FROM articles a WHERE 1{}) "
      "SELECT {}, count(*), count(DISTINCT mn.article_id) FROM mentions mn JOIN m ON m.id = mn.article_id "
      "JOIN entities en ON en.id = mn.entity_id WHERE (?{} IS NULL OR en.kind = ?{}){} "
      "GROUP BY mn.entity_id ORDER BY 10 DESC, 9 DESC, 1 LIMIT ?{} OFFSET ?{}",
      filter, kEntityColumns, kind_param, kind_param, exclude, limit_param, offset_param);
  auto s = db.prepare(sql);
  if (!s.ok()) return s.status();
  int b = 1;
  bind_article_filter(*s, q, match, b);
  for (const std::string& e : q.entity_ids) s->bind(b++, e);
  kind ? s->bind(kind_param, to_string(*kind)) : s->bind_null(kind_param);
  s->bind(limit_param, int64_t{std::max(q.limit, 0)});
  s->bind(offset_param, int64_t{std::max(q.offset, 0)});
  std::vector<EntityStat> out;
  for (;;) {
    auto row = s->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    constexpr int kMentionsColumn = 8;
    out.push_back({entity_at(*s, 0), s->col_int(kMentionsColumn), s->col_int(kMentionsColumn + 1)});
  }
  return out;
}

Result<std::optional<EntityStat>> entity(Database& db, std::string_view id) {
  auto s =
      db.prepare(fmt::format("SELECT {}, (SELECT count(*) FROM mentions WHERE entity_id = en.id), "
                             "(SELECT count(DISTINCT article_id) FROM mentions WHERE entity_id = en.id) "
                             "FROM entities en WHERE en.id = ?1",
                             kEntityColumns));
  if (!s.ok()) return s.status();
  s->bind(1, id);
  auto row = s->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<EntityStat>();
  constexpr int kMentionsColumn = 8;
  return std::optional<EntityStat>(
      EntityStat{entity_at(*s, 0), s->col_int(kMentionsColumn), s->col_int(kMentionsColumn + 1)});
}

}  // namespace caspian::store
