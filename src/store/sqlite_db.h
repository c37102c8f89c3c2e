// Internal: a thin RAII layer over the SQLite C API. Errors are Status values.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "caspian/result.h"

namespace caspian::store {

// A prepared statement. Not thread-safe; owned by one connection's user.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }

  // Binds are 1-based, as in SQLite.
  void bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }
  void bind_opt(int i, const std::optional<double>& v) { v ? bind(i, *v) : bind_null(i); }

  // Advances: true when a row is ready, false when done.
  Result<bool> step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return Status(ErrorCode::kStoreError, sqlite3_errmsg(db_));
  }
  // Runs to completion and resets for reuse.
  Status run() {
    auto r = step();
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return r.status();
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t col_int(int i) const { return sqlite3_column_int64(stmt_, i); }
  double col_double(int i) const { return sqlite3_column_double(stmt_, i); }
  bool col_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  std::string col_text(int i) const {
    const auto* p = sqlite3_column_text(stmt_, i);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p),
                                      static_cast<size_t>(sqlite3_column_bytes(stmt_, i)));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// An open connection.
class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::string& path);
  ~Database() { sqlite3_close_v2(db_); }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Status exec(std::string_view sql);
  // Puts the database in WAL mode. SQLite answers "database is locked" at once, without waiting in
  // the busy handler, while another connection is switching a new file to WAL; this retries for as
  // long as the busy timeout instead, so processes opening the same new file together all succeed.
  Status enable_wal();
  Result<Statement> prepare(std::string_view sql);
  sqlite3* handle() const { return db_; }
  int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  // Whether a transaction is open (SQLite may end one itself after SQLITE_FULL or an I/O error).
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

}  // namespace caspian::store
