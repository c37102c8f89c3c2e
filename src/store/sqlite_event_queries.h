// Events as the SQLite store answers for them (Store::events).
#pragma once

#include <vector>

#include "caspian/result.h"
#include "caspian/store.h"
#include "store/sqlite_db.h"

namespace caspian::store {

// The stored events that match `q`, by event date, article and id, each with its article, its
// place and actors' entities, and its article's story with that story's article and source
// counts. Errors: the database's, kCorrupt for an event record that does not parse.
Result<std::vector<StoredEvent>> list_events(Database& db, const EventQuery& q);

}  // namespace caspian::store
