// Aggregations over the SQLite store's articles (Store::timeline, Store::mentioned_entities,
// Store::entity) and the article filter that search shares with them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/result.h"
#include "caspian/store.h"
#include "store/sqlite_db.h"

namespace caspian::store {

// GDELT's QuadClass of the event `e`'s CAMEO code as SQL, from its root (GDELT Event Codebook 2.0,
// as quad_class_of in src/events/cameo.cc): 01-05 verbal cooperation, 06-08 material cooperation,
// 09-13 verbal conflict, 14-20 material conflict; 0 for an empty or malformed code.
inline constexpr std::string_view kQuadClassSql =
    "CASE WHEN length(e.cameo_code) < 2 THEN 0 "
    "WHEN substr(e.cameo_code, 1, 2) <= '05' THEN 1 "
    "WHEN substr(e.cameo_code, 1, 2) <= '08' THEN 2 "
    "WHEN substr(e.cameo_code, 1, 2) <= '13' THEN 3 ELSE 4 END";

// The entity in the eight columns of `s` from `first`: id, kind, name, country, lat, lon,
// population, feature code (NULL lat/lon: unknown).
Entity entity_at(const Statement& s, int first);

// The SQL condition (" AND ..." fragments on the articles alias `a`) for the filters of `q`:
// since, until, language, every entity, topic, and, when `match` is not empty, the FTS5 query
// `match` (as a subquery). Placeholders are numbered from `next`, which is advanced past them.
// bind_article_filter binds them in the same order from `b`, advancing it.
std::string article_filter_sql(const SearchQuery& q, std::string_view match, int& next);
void bind_article_filter(Statement& s, const SearchQuery& q, std::string_view match, int& b);

// Articles and events per publication day of the articles matching `q` (text as `match`; limit,
// offset and order ignored), oldest day first. Articles without a publication date are not
// counted. Errors: the database's (an invalid FTS5 query among them).
Result<std::vector<TimelineDay>> timeline(Database& db, const SearchQuery& q, std::string_view match);

// Entities mentioned in the articles matching `q` (text as `match`), of `kind` when given, by
// articles then mentions then id, at most q.limit, skipping q.offset; the entities of
// q.entity_ids themselves are left out. Errors: the database's.
Result<std::vector<EntityStat>> mentioned_entities(Database& db, const SearchQuery& q, std::string_view match,
                                                   std::optional<EntityKind> kind);

// The stored entity with this id, with its mention and article counts; nullopt when none.
Result<std::optional<EntityStat>> entity(Database& db, std::string_view id);

}  // namespace caspian::store
