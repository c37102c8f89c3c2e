// Expected failures as values: Status and Result<T>.
//
// Every operation that can fail on input returns a Status or a Result<T>
// (both [[nodiscard]]). Exceptions are reserved for fatal start-up errors.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace caspian {

// Error categories. Stable: the CLI maps them to exit codes (docs/cli.md).
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,     // a caller passed something malformed (flag, date, id)
  kNotFound,            // a path, article or resource does not exist
  kIoError,             // the OS refused a read or write
  kInvalidUtf8,         // input bytes are not valid UTF-8
  kEmptyInput,          // input has no usable text
  kBinaryInput,         // input looks like a binary file (NUL bytes)
  kTooLarge,            // input exceeds a configured size limit
  kParseError,          // malformed JSON, JSONL line, or other structured input
  kUnsupportedVersion,  // a file or database written by an unknown format version
  kCorrupt,             // a file or database fails its integrity checks
  kStoreError,          // the database refused an operation
  kInterrupted,         // the user asked to stop (SIGINT/SIGTERM)
  kInternal,            // a bug: an invariant did not hold
};

// Returns a short, stable, lower-case name such as "invalid-utf8".
std::string_view to_string(ErrorCode code) noexcept;

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const noexcept { return code_ == ErrorCode::kOk; }
  ErrorCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  // "<code>: <message>", or "ok".
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Either a value or a non-ok Status.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).ok() && "Result built from an ok Status");
  }

  bool ok() const noexcept { return std::holds_alternative<T>(data_); }
  // Requires ok().
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Ok when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(data_); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace caspian

// Propagates a non-ok Status from an expression returning Status.
#define CASPIAN_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::caspian::Status caspian_status_ = (expr);        \
    if (!caspian_status_.ok()) return caspian_status_; \
  } while (false)

#define CASPIAN_CONCAT_INNER_(a, b) a##b
#define CASPIAN_CONCAT_(a, b) CASPIAN_CONCAT_INNER_(a, b)

// Evaluates `expr` (a Result<T>); on error returns its Status from the enclosing function, else
// moves the value into `lhs`, which may be a declaration:
//   CASPIAN_ASSIGN_OR_RETURN(auto store, open_store(path));
#define CASPIAN_ASSIGN_OR_RETURN(lhs, expr) \
  CASPIAN_ASSIGN_OR_RETURN_IMPL_(CASPIAN_CONCAT_(caspian_result_, __LINE__), lhs, expr)
#define CASPIAN_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                                   \
  if (!result.ok()) return result.status();               \
  lhs = std::move(result).value()
