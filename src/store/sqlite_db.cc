#include "store/sqlite_db.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "store/fts_tokenizer.h"

namespace caspian::store {

namespace {
constexpr int kBusyTimeoutMs = 10000;
constexpr auto kWalRetryPause = std::chrono::milliseconds(5);
// Extended result codes (enabled on every connection) keep the primary code in the low byte.
constexpr int kPrimaryResultCodeMask = 0xFF;
}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status(ErrorCode::kStoreError, fmt::format("cannot open database '{}': {}", path, msg));
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db, 1);
  if (Status st = register_fts_tokenizer(db); !st.ok()) {
    sqlite3_close_v2(db);
    return Status(st.code(), fmt::format("cannot open database '{}': {}", path, st.message()));
  }
  return std::unique_ptr<Database>(new Database(db));
}

Status Database::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string owned(sql);
  if (sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Status(ErrorCode::kStoreError, msg);
  }
  return Status::Ok();
}

Status Database::enable_wal() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    const int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return Status::Ok();
    if ((rc & kPrimaryResultCodeMask) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) {
      return Status(ErrorCode::kStoreError,
                    fmt::format("cannot switch to WAL mode: {}", sqlite3_errmsg(db_)));
    }
    std::this_thread::sleep_for(kWalRetryPause);
  }
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    return Status(ErrorCode::kStoreError, fmt::format("{} (in: {})", sqlite3_errmsg(db_), sql.substr(0, 80)));
  }
  return Statement(db_, stmt);
}

}  // namespace caspian::store
