// The article store. SQLite (embedded, the default) now; other back ends
// implement the same interface.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/document.h"
#include "caspian/json.h"
#include "caspian/result.h"
#include "caspian/stories.h"

namespace caspian {

struct PutResult {
  enum class Outcome { kStored, kDuplicate };
  Outcome outcome = Outcome::kStored;
  int64_t article_id = 0;    // the stored article, or the one it duplicates
  std::string duplicate_by;  // when a duplicate: "content" (same text) or "near" (a near-duplicate body)
  int64_t revision_of = 0;   // when stored: an earlier article with the same canonical URL, else 0
  double similarity = 0;     // when a duplicate: Jaccard of the bodies' word 4-shingles (1 for "content")
};

// Another URL at which a stored article was seen (a syndicated copy).
struct ArticleCopy {
  std::string url;
  std::string source;
  std::string first_seen;  // ISO 8601 UTC
  double similarity = 0;   // as in PutResult
};

// What the last fetch of a URL returned, for conditional GET.
struct FetchState {
  std::string url;  // as requested
  std::string etag;
  std::string last_modified;
  std::string fetched_at;    // ISO 8601 UTC; put_fetch_state() sets it to now when empty
  int status = 0;            // HTTP status of the last fetch (200, 304, ...)
  std::string content_hash;  // hex XXH3-128 of the last body received, "" if none
};

struct SearchQuery {
  std::string text;                                         // FTS5 query; empty: match all
  std::vector<std::string> entity_ids;                      // every one must be mentioned
  std::optional<std::chrono::year_month_day> since, until;  // inclusive, on publication date
  std::string topic;     // only articles with this topic id ("medtop:16000000"); empty: any
  std::string language;  // only articles in this language (ISO 639-1, "zh"); empty: any
  int limit = 10;
  int offset = 0;             // skip this many hits of the ordering (pagination)
  bool oldest_first = false;  // order by date instead of rank
};

// How much of the body SearchHit::lead holds at most.
inline constexpr size_t kLeadBytes = 240;

struct SearchHit {
  int64_t article_id = 0;
  std::string title;
  std::string url;
  std::string source;
  std::optional<std::chrono::year_month_day> published;
  std::string snippet;  // matched terms wrapped in [ ]
  std::string lead;     // the first sentence or so of the body (at most kLeadBytes, whole characters)
  double score = 0;     // bm25, lower is better
};

struct EntityCount {
  std::string entity_id;
  std::string name;
  EntityKind kind = EntityKind::kMisc;
  int64_t mentions = 0;
  int64_t articles = 0;
};

// Which stored events to export (`caspian events`).
struct EventQuery {
  // CAMEO actor code prefixes ("KAZ" matches KAZGOV): an event matches when its source or target
  // starts with one of them. Empty: any actor.
  std::vector<std::string> actors;
  std::string code;  // CAMEO event code prefix ("04", "0421"); empty: any
  // Inclusive, on the event's date; a month or a year counts when it overlaps the range.
  std::optional<std::chrono::year_month_day> since, until;
  int limit = 0;      // 0: all
  int offset = 0;     // skip this many matching events (pagination)
  std::string topic;  // only events of articles with this topic id ("medtop:16000000"); empty: any
  // Only events whose source or target actor is linked to this entity, or whose place is it
  // ("iso3166:KAZ"); empty: any.
  std::string entity_id;
  int quad_class = 0;  // only this GDELT QuadClass (1 verbal cooperation .. 4 material conflict); 0: any
  // Only events placed at this entity, or, for a country ("iso3166:KAZ"), anywhere in it; empty: any.
  std::string place;
};

// Articles and their events on one publication day (Store::timeline).
struct TimelineDay {
  std::chrono::year_month_day day;
  int64_t articles = 0;
  std::array<int64_t, 4> events{};  // by QuadClass: events[0] verbal cooperation .. [3] material conflict
};

// A stored entity with how often it is mentioned (overall, or in the articles of a query).
struct EntityStat {
  Entity entity;
  int64_t mentions = 0;
  int64_t articles = 0;
};

// A stored event with its article.
struct StoredEvent {
  int64_t event_id = 0;
  int64_t article_id = 0;
  std::string url;
  std::string source;
  std::string title;
  std::optional<std::chrono::year_month_day> published;
  std::string ingested_at;         // ISO 8601 UTC
  EventRecord record;              // the event and the words it was read from
  std::optional<Entity> location;  // the entity of record.event.location_id, when known
  // The entities the source and target actors are linked to, when the store knows them (a country
  // or a city has coordinates; GDELT's actor geography).
  std::optional<Entity> source_entity;
  std::optional<Entity> target_entity;
  // The story of the event's article (0: none) and that story's articles and distinct sources.
  int64_t story_id = 0;
  int64_t story_articles = 0;
  int64_t story_sources = 0;
};

struct StoreStats {
  int64_t articles = 0;
  int64_t mentions = 0;
  int64_t entities = 0;
  int64_t time_expressions = 0;
  int64_t events = 0;
  int schema_version = 0;
};

// Thread safety: one Store per thread.
class Store {
 public:
  virtual ~Store() = default;
  // Stores the document atomically (all of it or nothing). An article whose
  // text (XXH3-128 of Document::text) is already stored is a duplicate and
  // nothing is written, so ingesting twice stores nothing new. An article
  // whose canonical URL is stored with other text is stored as a new version
  // of that page (PutResult::revision_of). Otherwise an article whose body is
  // a near-duplicate of a stored one (word 4-shingle Jaccard >= 0.7, bodies
  // of at least 50 words; docs/schema.md) is a duplicate too. A duplicate
  // from another canonical URL is recorded as a copy of the stored article.
  virtual Result<PutResult> put(const Document& doc) = 0;
  // Whether an article with exactly this text (as Document::text) is stored: put() would find
  // it a duplicate by content, so analysing it first is wasted work.
  virtual Result<bool> has_text(std::string_view text) = 0;
  virtual Result<std::optional<Document>> get(int64_t article_id) = 0;
  virtual Result<std::vector<SearchHit>> search(const SearchQuery& q) = 0;
  // Most mentioned entities of `kind`, by number of articles then mentions.
  virtual Result<std::vector<EntityCount>> top_entities(EntityKind kind, int limit) = 0;
  virtual Result<StoreStats> stats() = 0;
  // Articles and events per publication day of the articles matching q's text and filters (limit,
  // offset and order are ignored), oldest day first; undated articles are not counted. An invalid
  // FTS5 text is retried as plain terms, as in search().
  virtual Result<std::vector<TimelineDay>> timeline(const SearchQuery& q) = 0;
  // Entities mentioned in the articles matching q (of `kind` when given), by articles, then
  // mentions, then id; q.limit of them after q.offset. The entities of q.entity_ids are left out,
  // so that {entity_ids = {X}} gives what co-occurs with X.
  virtual Result<std::vector<EntityStat>> mentioned_entities(const SearchQuery& q,
                                                             std::optional<EntityKind> kind) = 0;
  // One stored entity with its mention and article counts; nullopt when no entity has the id.
  virtual Result<std::optional<EntityStat>> entity(std::string_view id) = 0;
  // Stored events matching `q`, by event date then article and position.
  virtual Result<std::vector<StoredEvent>> events(const EventQuery& q) = 0;
  // Stories matching `q` (caspian/stories.h), the latest first, with their articles and top
  // entities. A text query that is not valid FTS5 fails with kInvalidArgument.
  virtual Result<std::vector<Story>> stories(const StoryQuery& q) = 0;
  // One story with its dated timeline; the id of a story that merged into another resolves to that
  // one. nullopt when no story has the id.
  virtual Result<std::optional<Story>> story(int64_t story_id) = 0;
  // The other URLs an article was seen at, oldest first.
  virtual Result<std::vector<ArticleCopy>> copies(int64_t article_id) = 0;
  // Conditional-GET state of a URL (as requested), if it was fetched before.
  virtual Result<std::optional<FetchState>> fetch_state(std::string_view url) = 0;
  virtual Status put_fetch_state(const FetchState& state) = 0;
  // Feed items already handled by `caspian watch`, keyed by the item's link (or text), so that a
  // restart does not fetch or ingest them again, with a hash of what the item said, so that an
  // item whose text changed under the same link is stored again (as a revision).
  // item_seen: nullopt when the key was never marked, else the feed that marked it and the item's
  // hash as then (empty for items marked before schema 3).
  // mark_item_seen: records or updates the mark; article_id is the article stored for the item (or
  // the one it duplicated), 0 if none.
  struct SeenItem {
    std::string feed_url;
    std::string item_hash;
  };
  virtual Result<std::optional<SeenItem>> item_seen(std::string_view item_key) = 0;
  virtual Status mark_item_seen(std::string_view item_key, std::string_view feed_url, int64_t article_id,
                                std::string_view item_hash) = 0;
  // Groups writes into one transaction for speed; each put stays atomic. A commit that fails
  // rolls the whole batch back, so the store is as at its last commit.
  virtual Status begin_batch() = 0;
  virtual Status commit_batch() = 0;
  // Discards every write since begin_batch() (after a put failed with kStoreError, when the
  // database may have rolled the transaction back itself). Ok when no batch is open.
  virtual Status rollback_batch() = 0;
};

// Opens (creating or migrating) the store at `location`: a file path or
// "sqlite:PATH". A database written by a newer schema fails with
// kUnsupportedVersion naming both versions.
Result<std::unique_ptr<Store>> open_store(std::string_view location);

// Canonical form of a URL for de-duplication: lower-case scheme and host,
// no "www." prefix, no fragment, no default port, tracking parameters
// (utm_*, fbclid, gclid, ...) removed and the remaining ones sorted.
std::string canonical_url(std::string_view url);

}  // namespace caspian
