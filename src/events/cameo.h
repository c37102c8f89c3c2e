// The CAMEO event-code table: each code's name, Goldstein scale, QuadClass and PLOVER counterpart,
// read from data/events/cameo_codes.tsv (GDELT's lookups and the CAMEO2PLOVER crosswalk; see
// data/events/ATTRIBUTION.md).
//
// Thread safety: immutable after load(); safe to read from several threads.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

#include "caspian/result.h"

namespace caspian::events {

struct CameoCode {
  std::string code;  // "0331"
  std::string name;  // "Express intent to provide economic aid"
  double goldstein = 0.0;
  int quad_class = 0;       // 1 verbal cooperation, 2 material cooperation, 3 verbal, 4 material conflict
  std::string plover_type;  // "AGREE"; empty when unmapped
  std::string plover_mode;  // "visit"; often empty
};

class CameoTable {
 public:
  // Reads the TSV (header line, then code, level, root, name, goldstein, quad, quad_phoenix,
  // plover_event, plover_mode, ...). The QuadClass is computed from the root code as GDELT defines
  // it; a code without a Goldstein value takes its parent's. Fails naming the file and line on a
  // malformed row.
  [[nodiscard]] static Result<CameoTable> load(const std::filesystem::path& tsv);

  // The entry of `code`, or nullptr. A code the table lacks (a four-digit code of a dictionary
  // written against a newer CAMEO) is not padded: callers fall back with base_of().
  [[nodiscard]] const CameoCode* find(std::string_view code) const;
  // The most specific entry for `code`: the code itself, else its base (three digits), else its
  // root (two); nullptr when none is known.
  [[nodiscard]] const CameoCode* find_nearest(std::string_view code) const;
  [[nodiscard]] size_t size() const { return codes_.size(); }

 private:
  std::unordered_map<std::string, CameoCode> codes_;
};

}  // namespace caspian::events
