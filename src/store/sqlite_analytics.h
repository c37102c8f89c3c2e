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
