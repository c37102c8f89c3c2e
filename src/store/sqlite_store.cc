// The embedded default store: SQLite in WAL mode with FTS5.
#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>

#include "caspian/json.h"
#include "caspian/store.h"
#include "caspian/utf8.h"
#include "store/fts_tokenizer.h"
#include "store/near_duplicate.h"
#include "store/sqlite_analytics.h"
#include "store/sqlite_db.h"
#include "store/sqlite_event_queries.h"
#include "store/sqlite_stories.h"

namespace caspian {

namespace {

using store::Database;
using store::Statement;

// PRAGMA application_id: marks the file as a caspian store ("CSPN").
constexpr int64_t kApplicationId = 0x4353504E;
constexpr std::string_view kSqlitePrefix = "sqlite:";

// Schema migrations: kMigrations[i] takes the schema from version i to i + 1.
// Append, never edit: a database records its version in PRAGMA user_version.
constexpr std::array<std::string_view, 6> kMigrations = {
    R"sql(
CREATE TABLE articles (
  id            INTEGER PRIMARY KEY,
  url           TEXT NOT NULL DEFAULT '',
  canonical_url TEXT,                     -- NULL when the article has no URL
  revision_of   INTEGER REFERENCES articles(id),  -- an earlier article with the same URL, other text
  content_hash  TEXT NOT NULL UNIQUE,     -- XXH3-128 of the analysed text
  source        TEXT NOT NULL DEFAULT '',
  title         TEXT NOT NULL DEFAULT '',
  published     TEXT,                     -- YYYY-MM-DD
  language      TEXT NOT NULL DEFAULT '',
  license       TEXT NOT NULL DEFAULT '',
  attribution   TEXT NOT NULL DEFAULT '',
  categories    TEXT NOT NULL DEFAULT '[]',
  text          TEXT NOT NULL,
  body_offset   INTEGER NOT NULL,
  analysis      TEXT NOT NULL,            -- the versioned analysis JSON (docs/schema.md)
  ingested_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_canonical_url ON articles(canonical_url);

CREATE TABLE entities (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,
  name         TEXT NOT NULL,
  country      TEXT NOT NULL DEFAULT '',
  lat          REAL,
  lon          REAL,
  population   INTEGER NOT NULL DEFAULT 0,
  feature_code TEXT NOT NULL DEFAULT ''
);

CREATE TABLE mentions (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  entity_id  TEXT NOT NULL DEFAULT '',
  kind       TEXT NOT NULL,
  begin      INTEGER NOT NULL,
  end        INTEGER NOT NULL,
  sentence   INTEGER NOT NULL,
  surface    TEXT NOT NULL,
  method     TEXT NOT NULL,
  confidence REAL NOT NULL
);
CREATE INDEX mentions_entity ON mentions(entity_id, article_id);
CREATE INDEX mentions_article ON mentions(article_id);

CREATE TABLE time_expressions (
  article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  begin       INTEGER NOT NULL,
  end         INTEGER NOT NULL,
  sentence    INTEGER NOT NULL,
  type        TEXT NOT NULL,
  value       TEXT NOT NULL,
  granularity TEXT NOT NULL,
  mod         TEXT NOT NULL DEFAULT '',
  anchored    INTEGER NOT NULL,
  surface     TEXT NOT NULL
);
CREATE INDEX time_expressions_article ON time_expressions(article_id);
CREATE INDEX time_expressions_value ON time_expressions(value);

-- Filled by later stages (events, topics, story clusters).
CREATE TABLE events (
  id           INTEGER PRIMARY KEY,
  article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  sentence     INTEGER NOT NULL,
  source_actor TEXT NOT NULL DEFAULT '',
  target_actor TEXT NOT NULL DEFAULT '',
  cameo_code   TEXT NOT NULL DEFAULT '',
  plover_type  TEXT NOT NULL DEFAULT '',
  event_date   TEXT,
  location_id  TEXT,
  confidence   REAL NOT NULL DEFAULT 0,
  record       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_article ON events(article_id);
CREATE TABLE topics (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  topic      TEXT NOT NULL,
  score      REAL NOT NULL,
  PRIMARY KEY (article_id, topic)
);
CREATE TABLE clusters (
  id    INTEGER PRIMARY KEY,
  label TEXT NOT NULL DEFAULT ''
);
CREATE TABLE article_clusters (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
  PRIMARY KEY (article_id, cluster_id)
);

CREATE VIRTUAL TABLE articles_fts USING fts5(
  title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
)sql",
    // 2: fetch state (conditional GET), feed items seen by `caspian watch`,
    // near-duplicate index (MinHash LSH bands) and copies of articles.
    R"sql(
CREATE TABLE fetch_state (
  url           TEXT PRIMARY KEY,          -- as requested
  etag          TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  fetched_at    TEXT NOT NULL,             -- ISO 8601 UTC
  status        INTEGER NOT NULL,          -- HTTP status of the last fetch
  content_hash  TEXT NOT NULL DEFAULT ''   -- XXH3-128 of the last body received
);

CREATE TABLE seen_items (
  item_key   TEXT PRIMARY KEY,             -- the item's canonical link, else 'text:' + XXH3-128 of its text
  feed_url   TEXT NOT NULL DEFAULT '',
  article_id INTEGER,                      -- stored (or duplicated) article; NULL if none
  first_seen TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE article_copies (
  article_id    INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  url           TEXT NOT NULL,
  canonical_url TEXT NOT NULL,
  source        TEXT NOT NULL DEFAULT '',
  similarity    REAL NOT NULL,             -- Jaccard of body word 4-shingles; 1 for the same text
  first_seen    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  PRIMARY KEY (article_id, canonical_url)
);

-- One row per LSH band of each stored article with a long enough body.
CREATE TABLE near_dup_bands (
  band_key   INTEGER NOT NULL,
  article_id INTEGER NOT NULL,
  PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;
)sql",
    // 2 -> 3: what a feed item said when it was last seen (XXH3-128 of its title and text), so
    // that `watch` stores it again when it changes under the same link. Empty for older marks.
    R"sql(
ALTER TABLE seen_items ADD COLUMN item_hash TEXT NOT NULL DEFAULT '';
)sql",
    // 3 -> 4: stories (src/stories, store/sqlite_stories.h) and each article's record id (the id
    // field of its JSON record). Stored articles are clustered after the migration, in C++.
    R"sql(
ALTER TABLE articles ADD COLUMN record_id TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN story_id INTEGER;
UPDATE articles SET record_id = coalesce(json_extract(analysis, '$.id'), '');
CREATE INDEX articles_story ON articles(story_id);
CREATE TABLE stories (
  id           INTEGER PRIMARY KEY,
  title        TEXT NOT NULL,
  title_score  REAL NOT NULL,
  first_day    INTEGER NOT NULL,          -- days since 1970-01-01 of its first article
  last_day     INTEGER NOT NULL,
  num_articles INTEGER NOT NULL,
  merged_into  INTEGER,                   -- the story this one joined, else NULL
  centroid     TEXT NOT NULL              -- 'term<TAB>weight' lines, sorted by term
);
CREATE INDEX stories_last_day ON stories(last_day);
CREATE TABLE story_terms (
  term TEXT PRIMARY KEY,
  df   INTEGER NOT NULL                   -- articles with the term, of those clustered
) WITHOUT ROWID;
CREATE TABLE story_meta (
  key   TEXT PRIMARY KEY,                 -- 'documents': articles clustered; 'version': bumped per write
  value INTEGER NOT NULL
);
)sql",
    // 4 -> 5: articles_fts tokenized by "caspian", which makes each Chinese, Japanese, Thai, ...
    // character a token (store/fts_tokenizer.h), rebuilt.
    store::kFtsUnspacedScriptsMigration,
    // 5 -> 6: a covering index for the story list, which groups every story's articles by date and
    // source (bench/serve_bench: stories?limit=20 read whole article rows, text and analysis
    // included, for those two columns; 34 ms -> 7-11 ms on the example corpus). It replaces
    // articles_story, its prefix.
    R"sql(
DROP INDEX IF EXISTS articles_story;
CREATE INDEX IF NOT EXISTS articles_story_published ON articles(story_id, published, source);
)sql",
};

// The schema version whose migration has the stored articles indexed for
// near-duplicates (done in C++: SQL cannot compute the bands).
constexpr int kNearDupSchemaVersion = 2;
// The schema version whose migration has the stored articles clustered into stories.
constexpr int kStoriesSchemaVersion = 4;

constexpr int kSchemaVersionLatest = static_cast<int>(kMigrations.size());

std::string content_hash(std::string_view text) {
  const XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

// The body of an article's text (after the headline), clamped to the text.
std::string_view body_of(std::string_view text, int64_t body_offset) {
  return text.substr(std::min(text.size(), static_cast<size_t>(std::max<int64_t>(body_offset, 0))));
}

std::optional<std::chrono::year_month_day> date_or_null(const Statement& s, int col) {
  if (s.col_null(col)) return std::nullopt;
  auto d = parse_iso_date(s.col_text(col));
  return d.ok() ? std::optional(*d) : std::nullopt;
}

// FTS5 query syntax treats '-', ':', '"' and others specially. A plain user
// query is turned into a conjunction of quoted terms so that it cannot fail.
std::string quote_terms(std::string_view q) {
  std::string out;
  std::string term;
  auto flush = [&] {
    if (term.empty()) return;
    if (!out.empty()) out += ' ';
    out += '"' + term + '"';
    term.clear();
  };
  for (char c : q) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u) != 0) {
      term += c;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  ~SqliteStore() override {
    if (in_batch_) (void)commit_batch();
  }

  Status init() {
    // Nothing is changed before the file is known to be caspian's or empty: a foreign database
    // is refused as it was found (not switched to WAL mode).
    // One read transaction, so that the three answers come from the same snapshot even while
    // another process migrates the file.
    CASPIAN_RETURN_IF_ERROR(db_->exec("BEGIN"));
    auto app = scalar_int("PRAGMA application_id");
    auto version = scalar_int("PRAGMA user_version");
    auto tables = scalar_int("SELECT count(*) FROM sqlite_master");
    CASPIAN_RETURN_IF_ERROR(db_->exec("COMMIT"));
    if (!app.ok()) return app.status();
    if (!version.ok()) return version.status();
    if (!tables.ok()) return tables.status();
    if (*app != kApplicationId && *tables > 0) {
      return Status(ErrorCode::kCorrupt, "not a caspian database (the file holds other tables)");
    }
    if (*version > kSchemaVersionLatest) {
      return Status(
          ErrorCode::kUnsupportedVersion,
          fmt::format("database schema version {} is newer than this build supports ({}); upgrade caspian",
                      *version, kSchemaVersionLatest));
    }
    CASPIAN_RETURN_IF_ERROR(db_->enable_wal());
    CASPIAN_RETURN_IF_ERROR(db_->exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"));
    // Another process may open the same new file at the same moment: each step re-reads the version
    // under the write lock, so a migration another opener already applied is never applied twice.
    while (*version < kSchemaVersionLatest) {
      CASPIAN_RETURN_IF_ERROR(db_->exec("BEGIN IMMEDIATE"));
      version = scalar_int("PRAGMA user_version");
      if (!version.ok() || *version >= kSchemaVersionLatest) {
        (void)db_->exec(version.ok() ? "COMMIT" : "ROLLBACK");
        return version.ok() ? Status::Ok() : version.status();
      }
      const int v = static_cast<int>(*version);
      Status st = db_->exec(kMigrations[static_cast<size_t>(v)]);
      if (st.ok() && v + 1 == kNearDupSchemaVersion && v > 0) st = index_stored_near_duplicates();
      if (st.ok() && v + 1 == kStoriesSchemaVersion && v > 0) st = stories_.cluster_unassigned(*db_);
      if (st.ok())
        st = db_->exec(
            fmt::format("PRAGMA application_id={}; PRAGMA user_version={};", kApplicationId, v + 1));
      if (!st.ok()) {
        (void)db_->exec("ROLLBACK");
        return Status(ErrorCode::kStoreError,
                      fmt::format("migration to schema {} failed: {}", v + 1, st.message()));
      }
      CASPIAN_RETURN_IF_ERROR(db_->exec("COMMIT"));
      version = v + 1;
    }
    return Status::Ok();
  }

  Status begin_batch() override {
    if (in_batch_) return Status::Ok();
    CASPIAN_RETURN_IF_ERROR(db_->exec("BEGIN IMMEDIATE"));
    in_batch_ = true;
    if (Status st = stories_.sync(*db_); !st.ok()) {
      (void)rollback_batch();
      return st;
    }
    return Status::Ok();
  }

  Status commit_batch() override {
    if (!in_batch_) return Status::Ok();
    for (const PendingFts& p : pending_fts_) {
      if (Status st = index_fts(p.id, p.title, p.text); !st.ok()) {
        (void)rollback_batch();
        return Status(st.code(), "batch rolled back: " + st.message());
      }
    }
    pending_fts_.clear();
    if (Status st = stories_.flush(*db_); !st.ok()) {
      (void)rollback_batch();
      return Status(st.code(), "batch rolled back: " + st.message());
    }
    in_batch_ = false;
    if (Status st = db_->exec("COMMIT"); !st.ok()) {
      // SQLITE_FULL or an I/O error at commit may leave the transaction open: end it, so that
      // nothing of the batch is written later by another statement.
      in_batch_ = true;
      (void)rollback_batch();
      return Status(st.code(), "batch rolled back: " + st.message());
    }
    return Status::Ok();
  }

  Status rollback_batch() override {
    if (!in_batch_) return Status::Ok();
    in_batch_ = false;
    pending_fts_.clear();
    stories_.invalidate();
    // The database may have rolled the transaction back itself (SQLITE_FULL, SQLITE_IOERR):
    // then there is nothing left to roll back.
    if (db_->in_transaction()) return db_->exec("ROLLBACK");
    return Status::Ok();
  }

  Result<PutResult> put(const Document& doc) override {
    const std::string canon = canonical_url(doc.url);
    const std::string hash = content_hash(doc.text);
    // The same text is the same article, whatever its URL (a syndicated or
    // re-ingested copy). The same URL with other text is a new version of
    // that page (an update, or a part of a split article): it is stored and
    // linked to the earlier one.
    auto by_hash = find_id("SELECT id FROM articles WHERE content_hash = ?1", hash);
    if (!by_hash.ok()) return by_hash.status();
    if (*by_hash != 0) return duplicate(*by_hash, "content", 1.0, doc, canon);
    int64_t revision_of = 0;
    if (!canon.empty()) {
      auto by_url =
          find_id("SELECT id FROM articles WHERE canonical_url = ?1 ORDER BY id DESC LIMIT 1", canon);
      if (!by_url.ok()) return by_url.status();
      revision_of = *by_url;
    }
    // Near-duplicates: a page's own new version is a revision, not a copy.
    const std::vector<uint64_t> shingles = store::shingle_set(body_of(doc.text, doc.body_offset));
    std::array<int64_t, store::kBands> bands{};
    if (!shingles.empty()) {
      bands = store::band_keys(shingles);
      if (revision_of == 0) {
        auto near = find_near_duplicate(shingles, bands);
        if (!near.ok()) return near.status();
        if (near->first != 0) return duplicate(near->first, "near", near->second, doc, canon);
      }
    }
    // A savepoint makes each article all-or-nothing, inside or outside a batch.
    CASPIAN_RETURN_IF_ERROR(db_->exec("SAVEPOINT put_article"));
    auto id = insert_all(doc, canon, hash, revision_of);
    if (id.ok() && !shingles.empty()) {
      if (Status st = insert_bands(*id, bands); !st.ok()) id = st;
    }
    if (id.ok()) {
      // Outside a batch the article's own transaction is the savepoint: the stories are read and
      // written in it.
      Status st = in_batch_ ? Status::Ok() : stories_.sync(*db_);
      if (st.ok()) st = stories_.add(*db_, *id, doc);
      if (st.ok() && !in_batch_) st = stories_.flush(*db_);
      if (!st.ok()) {
        stories_.invalidate();
        id = st;
      }
    }
    if (!id.ok()) {
      (void)db_->exec("ROLLBACK TO put_article; RELEASE put_article");
      return id.status();
    }
    CASPIAN_RETURN_IF_ERROR(db_->exec("RELEASE put_article"));
    // FTS5 flushes its pending index data whenever a savepoint opens in a
    // transaction that wrote to it, which would make every put of a batch
    // pay for a full flush. So a batch indexes its articles at commit, in
    // the same transaction; outside a batch the article is indexed now.
    if (in_batch_) {
      pending_fts_.push_back({*id, doc.title, doc.text});
    } else if (Status st = index_fts(*id, doc.title, doc.text); !st.ok()) {
      (void)delete_article(*id);
      stories_.invalidate();
      return st;
    }
    return PutResult{PutResult::Outcome::kStored, *id, {}, revision_of, 0.0};
  }

  Result<bool> has_text(std::string_view text) override {
    auto id = find_id("SELECT id FROM articles WHERE content_hash = ?1", content_hash(text));
    if (!id.ok()) return id.status();
    return *id != 0;
  }

  Result<std::vector<Story>> stories(const StoryQuery& q) override { return store::list_stories(*db_, q); }
  Result<std::optional<Story>> story(int64_t story_id) override { return store::get_story(*db_, story_id); }

  Result<std::vector<ArticleCopy>> copies(int64_t article_id) override {
    auto s = db_->prepare(
        "SELECT url, source, first_seen, similarity FROM article_copies WHERE article_id = ?1 "
        "ORDER BY first_seen, rowid");
    if (!s.ok()) return s.status();
    s->bind(1, article_id);
    std::vector<ArticleCopy> out;
    for (;;) {
      auto row = s->step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      out.push_back({s->col_text(0), s->col_text(1), s->col_text(2), s->col_double(3)});
    }
    return out;
  }

  Result<std::optional<FetchState>> fetch_state(std::string_view url) override {
    auto stmt = cached(
        "SELECT url, etag, last_modified, fetched_at, status, content_hash FROM fetch_state WHERE url = ?1");
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    s.bind(1, url);
    auto row = s.step();
    std::optional<FetchState> out;
    if (row.ok() && *row) {
      out = FetchState{
          s.col_text(0), s.col_text(1), s.col_text(2), s.col_text(3), static_cast<int>(s.col_int(4)),
          s.col_text(5)};
    }
    s.reset();
    if (!row.ok()) return row.status();
    return out;
  }

  Status put_fetch_state(const FetchState& state) override {
    auto stmt = cached(
        "INSERT OR REPLACE INTO fetch_state(url, etag, last_modified, fetched_at, status, content_hash) "
        "VALUES (?1, ?2, ?3, coalesce(?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')), ?5, ?6)");
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    s.bind(1, state.url);
    s.bind(2, state.etag);
    s.bind(3, state.last_modified);
    state.fetched_at.empty() ? s.bind_null(4) : s.bind(4, state.fetched_at);
    s.bind(5, int64_t{state.status});
    s.bind(6, state.content_hash);
    return s.run();
  }

  Result<std::optional<SeenItem>> item_seen(std::string_view item_key) override {
    auto stmt = cached("SELECT feed_url, item_hash FROM seen_items WHERE item_key = ?1");
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    s.bind(1, item_key);
    auto row = s.step();
    if (!row.ok()) {
      s.reset();
      return row.status();
    }
    std::optional<SeenItem> seen;
    if (*row) seen = SeenItem{s.col_text(0), s.col_text(1)};
    s.reset();
    return seen;
  }

  Status mark_item_seen(std::string_view item_key, std::string_view feed_url, int64_t article_id,
                        std::string_view item_hash) override {
    auto stmt = cached(
        "INSERT INTO seen_items(item_key, feed_url, article_id, item_hash) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(item_key) DO UPDATE SET feed_url = excluded.feed_url, article_id = excluded.article_id, "
        "item_hash = excluded.item_hash");
    if (!stmt.ok()) return stmt.status();
    Statement& s = **stmt;
    s.bind(1, item_key);
    s.bind(2, feed_url);
    article_id == 0 ? s.bind_null(3) : s.bind(3, article_id);
    s.bind(4, item_hash);
    return s.run();
  }

  Result<std::optional<Document>> get(int64_t article_id) override {
    auto s = db_->prepare("SELECT analysis FROM articles WHERE id = ?1");
    if (!s.ok()) return s.status();
    s->bind(1, article_id);
    auto row = s->step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<Document>();
    auto doc = from_json(s->col_text(0));
    if (!doc.ok()) return doc.status();
    return std::optional<Document>(std::move(doc).value());
  }

  Result<std::vector<SearchHit>> search(const SearchQuery& q) override {
    auto hits = run_search(q, q.text);
    // A query that is not valid FTS5 syntax (FTS5 reports "syntax error",
    // "no such column", "unterminated string", ...) is retried as plain terms.
    if (!hits.ok() && !q.text.empty()) {
      const std::string plain = quote_terms(q.text);
      if (plain != q.text) return run_search(q, plain);
    }
    return hits;
  }

  Result<std::vector<EntityCount>> top_entities(EntityKind kind, int limit) override {
    auto s = db_->prepare(
        "SELECT m.entity_id, e.name, count(*), count(DISTINCT m.article_id) FROM mentions m "
        "JOIN entities e ON e.id = m.entity_id WHERE e.kind = ?1 "
        "GROUP BY m.entity_id ORDER BY 4 DESC, 3 DESC, 1 LIMIT ?2");
    if (!s.ok()) return s.status();
    s->bind(1, to_string(kind));
    s->bind(2, int64_t{limit});
    std::vector<EntityCount> out;
    for (;;) {
      auto row = s->step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      out.push_back({s->col_text(0), s->col_text(1), kind, s->col_int(2), s->col_int(3)});
    }
    return out;
  }

  Result<std::vector<TimelineDay>> timeline(const SearchQuery& q) override {
    auto days = store::timeline(*db_, q, q.text);
    if (!days.ok() && !q.text.empty()) {
      const std::string plain = quote_terms(q.text);
      if (plain != q.text) return store::timeline(*db_, q, plain);
    }
    return days;
  }

  Result<std::vector<EntityStat>> mentioned_entities(const SearchQuery& q,
                                                     std::optional<EntityKind> kind) override {
    auto found = store::mentioned_entities(*db_, q, q.text, kind);
    if (!found.ok() && !q.text.empty()) {
      const std::string plain = quote_terms(q.text);
      if (plain != q.text) return store::mentioned_entities(*db_, q, plain, kind);
    }
    return found;
  }

  Result<std::optional<EntityStat>> entity(std::string_view id) override { return store::entity(*db_, id); }

  Result<std::vector<StoredEvent>> events(const EventQuery& q) override {
    return store::list_events(*db_, q);
  }

  Result<StoreStats> stats() override {
    StoreStats st;
    for (auto [sql, out] : {std::pair{"SELECT count(*) FROM articles", &st.articles},
                            std::pair{"SELECT count(*) FROM events", &st.events},
                            std::pair{"SELECT count(*) FROM mentions", &st.mentions},
                            std::pair{"SELECT count(*) FROM entities", &st.entities},
                            std::pair{"SELECT count(*) FROM time_expressions", &st.time_expressions}}) {
      auto v = scalar_int(sql);
      if (!v.ok()) return v.status();
      *out = *v;
    }
    auto v = scalar_int("PRAGMA user_version");
    if (!v.ok()) return v.status();
    st.schema_version = static_cast<int>(*v);
    return st;
  }

 private:
  Result<int64_t> scalar_int(std::string_view sql) {
    auto s = db_->prepare(sql);
    if (!s.ok()) return s.status();
    auto row = s->step();
    if (!row.ok()) return row.status();
    return *row ? s->col_int(0) : 0;
  }

  // A duplicate of article `id`; when it comes from another canonical URL,
  // that URL is recorded as a copy of the article.
  Result<PutResult> duplicate(int64_t id, std::string_view by, double similarity, const Document& doc,
                              const std::string& canon) {
    if (!canon.empty()) {
      auto stmt = cached(
          "INSERT OR IGNORE INTO article_copies(article_id, url, canonical_url, source, similarity) "
          "SELECT ?1, ?2, ?3, ?4, ?5 FROM articles WHERE id = ?1 AND coalesce(canonical_url, '') <> ?3");
      if (!stmt.ok()) return stmt.status();
      Statement& s = **stmt;
      s.bind(1, id);
      s.bind(2, doc.url);
      s.bind(3, canon);
      s.bind(4, doc.source);
      s.bind(5, similarity);
      CASPIAN_RETURN_IF_ERROR(s.run());
    }
    return PutResult{PutResult::Outcome::kDuplicate, id, std::string(by), 0, similarity};
  }

  // The stored article most similar to a body with these shingles, with the
  // similarity, if it reaches kNearDupJaccard; {0, 0} when none does.
  // Candidates share an LSH band; each is verified on its stored text.
  Result<std::pair<int64_t, double>> find_near_duplicate(const std::vector<uint64_t>& shingles,
                                                         const std::array<int64_t, store::kBands>& bands) {
    auto cand_stmt = cached("SELECT article_id FROM near_dup_bands WHERE band_key = ?1");
    if (!cand_stmt.ok()) return cand_stmt.status();
    std::vector<int64_t> candidates;
    for (int64_t key : bands) {
      Statement& s = **cand_stmt;
      s.bind(1, key);
      for (;;) {
        auto row = s.step();
        if (!row.ok()) {
          s.reset();
          return row.status();
        }
        if (!*row) break;
        candidates.push_back(s.col_int(0));
      }
      s.reset();
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    std::pair<int64_t, double> best{0, 0.0};
    auto text_stmt = cached("SELECT text, body_offset FROM articles WHERE id = ?1");
    if (!text_stmt.ok()) return text_stmt.status();
    for (int64_t id : candidates) {
      Statement& s = **text_stmt;
      s.bind(1, id);
      auto row = s.step();
      std::string text;
      int64_t body_offset = 0;
      if (row.ok() && *row) {
        text = s.col_text(0);
        body_offset = s.col_int(1);
      }
      s.reset();
      if (!row.ok()) return row.status();
      if (text.empty()) continue;  // a band row left by an article rolled back after its put
      const double sim = store::jaccard(shingles, store::shingle_set(body_of(text, body_offset)));
      if (sim >= store::kNearDupJaccard && sim > best.second) best = {id, sim};
    }
    return best;
  }

  Status insert_bands(int64_t id, const std::array<int64_t, store::kBands>& bands) {
    auto stmt = cached("INSERT OR IGNORE INTO near_dup_bands(band_key, article_id) VALUES (?1, ?2)");
    if (!stmt.ok()) return stmt.status();
    for (int64_t key : bands) {
      (**stmt).bind(1, key);
      (**stmt).bind(2, id);
      CASPIAN_RETURN_IF_ERROR((**stmt).run());
    }
    return Status::Ok();
  }

  // Indexes every stored article for near-duplicates (after the migration
  // that introduced the index, on a database that had articles already).
  Status index_stored_near_duplicates() {
    auto s = db_->prepare("SELECT id, text, body_offset FROM articles ORDER BY id");
    if (!s.ok()) return s.status();
    for (;;) {
      auto row = s->step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      const std::vector<uint64_t> shingles = store::shingle_set(body_of(s->col_text(1), s->col_int(2)));
      if (!shingles.empty()) CASPIAN_RETURN_IF_ERROR(insert_bands(s->col_int(0), store::band_keys(shingles)));
    }
    return Status::Ok();
  }

  Status index_fts(int64_t id, std::string_view title, std::string_view text) {
    auto stmt = cached("INSERT INTO articles_fts(rowid, title, text) VALUES (?1, ?2, ?3)");
    if (!stmt.ok()) return stmt.status();
    Statement& fts = **stmt;
    fts.bind(1, id);
    fts.bind(2, title);
    fts.bind(3, text);
    return fts.run();
  }

  Status delete_article(int64_t id) {
    auto stmt = cached("DELETE FROM articles WHERE id = ?1");
    if (!stmt.ok()) return stmt.status();
    (**stmt).bind(1, id);
    return (**stmt).run();
  }

  // The id of the first row of `sql` (one text parameter), or 0 when none.
  Result<int64_t> find_id(std::string_view sql, std::string_view key) {
    auto s_stmt = cached(sql);
    if (!s_stmt.ok()) return s_stmt.status();
    Statement& s = **s_stmt;
    s.bind(1, key);
    auto row = s.step();
    const int64_t id = row.ok() && *row ? s.col_int(0) : 0;
    s.reset();
    if (!row.ok()) return row.status();
    return id;
  }

  Result<int64_t> insert_all(const Document& doc, const std::string& canon, const std::string& hash,
                             int64_t revision_of) {
    auto a_stmt = cached(
        "INSERT INTO articles(url, canonical_url, content_hash, source, title, published, language, license, "
        "attribution, categories, text, body_offset, analysis, revision_of, record_id) VALUES "
        "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)");
    if (!a_stmt.ok()) return a_stmt.status();
    Statement& a = **a_stmt;
    a.bind(1, doc.url);
    canon.empty() ? a.bind_null(2) : a.bind(2, canon);
    a.bind(3, hash);
    a.bind(4, doc.source);
    a.bind(5, doc.title);
    doc.published ? a.bind(6, format_date(*doc.published)) : a.bind_null(6);
    a.bind(7, doc.language);
    a.bind(8, doc.license);
    a.bind(9, doc.attribution);
    a.bind(10, nlohmann::json(doc.categories).dump());
    a.bind(11, doc.text);
    a.bind(12, int64_t{doc.body_offset});
    a.bind(13, to_json(doc, -1));
    revision_of == 0 ? a.bind_null(14) : a.bind(14, revision_of);
    a.bind(15, doc.id);
    CASPIAN_RETURN_IF_ERROR(a.run());
    const int64_t id = db_->last_insert_rowid();

    auto ent_stmt = cached(
        "INSERT INTO entities(id, kind, name, country, lat, lon, population, feature_code) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(id) DO NOTHING");
    if (!ent_stmt.ok()) return ent_stmt.status();
    Statement& ent = **ent_stmt;
    for (const Entity& e : doc.entities) {
      ent.bind(1, e.id);
      ent.bind(2, to_string(e.kind));
      ent.bind(3, e.name);
      ent.bind(4, e.country);
      ent.bind_opt(5, e.lat);
      ent.bind_opt(6, e.lon);
      ent.bind(7, e.population);
      ent.bind(8, e.feature_code);
      CASPIAN_RETURN_IF_ERROR(ent.run());
    }

    auto men_stmt = cached(
        "INSERT INTO mentions(article_id, entity_id, kind, begin, end, sentence, surface, method, "
        "confidence) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    if (!men_stmt.ok()) return men_stmt.status();
    Statement& men = **men_stmt;
    for (const Mention& m : doc.mentions) {
      men.bind(1, id);
      men.bind(2, m.entity_id);
      men.bind(3, to_string(m.kind));
      men.bind(4, int64_t{m.span.begin});
      men.bind(5, int64_t{m.span.end});
      men.bind(6, int64_t{m.sentence});
      men.bind(7, doc.slice(m.span));
      men.bind(8, m.method);
      men.bind(9, m.confidence);
      CASPIAN_RETURN_IF_ERROR(men.run());
    }

    auto tx_stmt = cached(
        "INSERT INTO time_expressions(article_id, begin, end, sentence, type, value, granularity, mod, "
        "anchored, "
        "surface) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
    if (!tx_stmt.ok()) return tx_stmt.status();
    Statement& tx = **tx_stmt;
    for (const TimeExpression& t : doc.times) {
      tx.bind(1, id);
      tx.bind(2, int64_t{t.span.begin});
      tx.bind(3, int64_t{t.span.end});
      tx.bind(4, int64_t{t.sentence});
      tx.bind(5, to_string(t.type));
      tx.bind(6, t.value);
      tx.bind(7, to_string(t.granularity));
      tx.bind(8, t.mod);
      tx.bind(9, int64_t{t.anchored ? 1 : 0});
      tx.bind(10, doc.slice(t.span));
      CASPIAN_RETURN_IF_ERROR(tx.run());
    }
    auto ev_stmt = cached(
        "INSERT INTO events(article_id, sentence, source_actor, target_actor, cameo_code, plover_type, "
        "event_date, location_id, confidence, record) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
    if (!ev_stmt.ok()) return ev_stmt.status();
    Statement& ev = **ev_stmt;
    for (const Event& e : doc.events) {
      ev.bind(1, id);
      ev.bind(2, int64_t{e.sentence});
      ev.bind(3, e.source.code);
      ev.bind(4, e.target.code);
      ev.bind(5, e.code);
      ev.bind(6, e.plover_type);
      ev.bind(7, e.date);
      ev.bind(8, e.location_id);
      ev.bind(9, e.confidence);
      ev.bind(10, event_to_json(doc, e));
      CASPIAN_RETURN_IF_ERROR(ev.run());
    }
    auto top_stmt = cached("INSERT OR REPLACE INTO topics(article_id, topic, score) VALUES (?1,?2,?3)");
    if (!top_stmt.ok()) return top_stmt.status();
    for (const Topic& t : doc.topics) {
      (*top_stmt)->bind(1, id);
      (*top_stmt)->bind(2, t.id);
      (*top_stmt)->bind(3, t.score);
      CASPIAN_RETURN_IF_ERROR((*top_stmt)->run());
    }
    return id;
  }

  Result<std::vector<SearchHit>> run_search(const SearchQuery& q, const std::string& match) {
    constexpr int kSnippetTokens = 16;
    const bool fts = !match.empty();
    std::string sql;
    if (fts) {
      sql = fmt::format(
          "SELECT a.id, a.title, a.url, a.source, a.published, snippet(articles_fts, 1, '[', ']', '…', {}), "
          "bm25(articles_fts, 4.0, 1.0) AS score, substr(CAST(a.text AS BLOB), a.body_offset + 1, {}) FROM "
          "articles_fts JOIN articles a ON a.id = articles_fts.rowid "
          "WHERE articles_fts MATCH ?1",
          kSnippetTokens, kLeadBytes);
    } else {
      sql = fmt::format(
          "SELECT a.id, a.title, a.url, a.source, a.published, '', 0 AS score, "
          "substr(CAST(a.text AS BLOB), a.body_offset + 1, {}) FROM articles a WHERE ?1 IS NULL",
          kLeadBytes);
    }
    int next = 2;
    sql += store::article_filter_sql(q, "", next);
    sql += q.oldest_first ? " ORDER BY a.published IS NULL, a.published, a.id"
                          : (fts ? " ORDER BY score, a.id" : " ORDER BY a.published DESC, a.id");
    sql += fmt::format(" LIMIT ?{} OFFSET ?{}", next, next + 1);
    auto s = db_->prepare(sql);
    if (!s.ok()) return s.status();
    int b = 1;
    fts ? s->bind(b++, match) : s->bind_null(b++);
    store::bind_article_filter(*s, q, "", b);
    s->bind(b, int64_t{q.limit});
    s->bind(b + 1, int64_t{std::max(q.offset, 0)});
    std::vector<SearchHit> out;
    for (;;) {
      auto row = s->step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      out.push_back({s->col_int(0), s->col_text(1), s->col_text(2), s->col_text(3), date_or_null(*s, 4),
                     s->col_text(5), store::lead_of(s->col_text(7)), s->col_double(6)});
    }
    return out;
  }

  // Prepared statements of the write path, prepared once per connection.
  Result<Statement*> cached(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      auto stmt = db_->prepare(sql);
      if (!stmt.ok()) return stmt.status();
      it = statements_.emplace(sql, std::make_unique<Statement>(std::move(stmt).value())).first;
    }
    return it->second.get();
  }

  std::unique_ptr<Database> db_;
  // Keys are string literals of this file, so views into them stay valid.
  std::map<std::string_view, std::unique_ptr<Statement>> statements_;
  struct PendingFts {
    int64_t id;
    std::string title, text;
  };
  std::vector<PendingFts> pending_fts_;  // articles of the open batch, to index at commit
  bool in_batch_ = false;
  store::StoryWriter stories_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_store(std::string_view location) {
  if (location.substr(0, kSqlitePrefix.size()) == kSqlitePrefix) location.remove_prefix(kSqlitePrefix.size());
  if (location.empty()) return Status(ErrorCode::kInvalidArgument, "empty database path");
  auto db = Database::open(std::string(location));
  if (!db.ok()) return db.status();
  auto store = std::make_unique<SqliteStore>(std::move(db).value());
  if (Status st = store->init(); !st.ok()) {
    return Status(st.code(), fmt::format("{}: {}", location, st.message()));
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace caspian
