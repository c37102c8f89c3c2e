#include "caspian/result.h"

namespace caspian {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidArgument:
      return "invalid-argument";
    case ErrorCode::kNotFound:
      return "not-found";
    case ErrorCode::kIoError:
      return "io-error";
    case ErrorCode::kInvalidUtf8:
      return "invalid-utf8";
    case ErrorCode::kEmptyInput:
      return "empty-input";
    case ErrorCode::kBinaryInput:
      return "binary-input";
    case ErrorCode::kTooLarge:
      return "too-large";
    case ErrorCode::kParseError:
      return "parse-error";
    case ErrorCode::kUnsupportedVersion:
      return "unsupported-version";
    case ErrorCode::kCorrupt:
      return "corrupt";
    case ErrorCode::kStoreError:
      return "store-error";
    case ErrorCode::kInterrupted:
      return "interrupted";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string out(caspian::to_string(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace caspian
