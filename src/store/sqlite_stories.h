// Internal: stories in the SQLite store. The writer keeps the story clusterer in step with the
// database and writes what it decides in the caller's transaction; the queries read stories back.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caspian/document.h"
#include "caspian/result.h"
#include "caspian/stories.h"
#include "store/sqlite_db.h"
#include "stories/clusterer.h"

namespace caspian::store {

// The lead of a body: cut at the end of the first sentence if it ends within `bytes`, else at the
// last whole UTF-8 character, with newlines flattened.
std::string lead_of(std::string bytes);

// Thread safety: none; owned by one store connection.
class StoryWriter {
 public:
  explicit StoryWriter(StoryOptions options = {}) : clusterer_(options), options_(options) {}

  // Brings the clusterer in step with the database: loads its state when it has none, or when
  // another connection wrote stories since this one last did. Requires an open transaction.
  [[nodiscard]] Status sync(Database& db);
  // Puts a just-stored article into its story (the article row's story_id, and the articles of a
  // story it merged), in the open transaction. Requires sync() in this transaction.
  [[nodiscard]] Status add(Database& db, int64_t article_id, const Document& doc);
  // Writes the stories and term counts changed since the last flush, in the open transaction.
  [[nodiscard]] Status flush(Database& db);
  // Forgets the in-memory state (after a rollback): the next sync() reloads it.
  void invalidate() { loaded_ = false; }
  // Clusters every stored article that has no story, in id order (the migration to schema 4).
  [[nodiscard]] Status cluster_unassigned(Database& db);

 private:
  Status load(Database& db);

  stories::StoryClusterer clusterer_;
  StoryOptions options_;
  bool loaded_ = false;
  int64_t version_ = 0;                // story_meta 'version' as this connection last read or wrote it
  std::unique_ptr<Statement> assign_;  // sets an article's story
};

// Stories matching `q`, newest first (by last_seen), with their articles and top entities.
Result<std::vector<Story>> list_stories(Database& db, const StoryQuery& q);
// One story with its timeline; a merged story's id resolves to the story it joined. nullopt when
// no story has the id.
Result<std::optional<Story>> get_story(Database& db, int64_t id);
// The story of an article (resolved through merges), 0 if it has none.
Result<int64_t> story_of(Database& db, int64_t article_id);

}  // namespace caspian::store
