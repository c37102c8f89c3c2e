// PETRARCH's internal coding ontology (PICO, data/events/petrarch2/PETR.Internal.Coding.Ontology.txt):
// each CAMEO event code as a number whose hexadecimal digits are independent features (say,
// appeal, intend, demand, ... ; reduce, yield; meet, aid, assault, ...; the topic), so that codes
// compose: "seek to" (030, intend) over "deepen cooperation" (060) is 031, "threaten to attack"
// is 138; and negate: "did not provide" (060) is 121 (reject).
//
// Thread safety: immutable after load(); safe to read from several threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "caspian/result.h"

namespace caspian::events {

class CodeOntology {
 public:
  // Reads "CODE:EXPR" lines (EXPR: hexadecimal terms joined by + and -; "#" starts a comment).
  [[nodiscard]] static Result<CodeOntology> load(const std::filesystem::path& path);
  [[nodiscard]] static Result<CodeOntology> parse(std::string_view text, std::string_view origin);

  // The code of an upper verb `upper` ("seek", 030) applied to the event `lower` of its clause
  // (031 for 060), as PETRARCH's combine_code; nullopt when the result is no CAMEO code.
  [[nodiscard]] std::optional<std::string> combine(std::string_view upper, std::string_view lower) const;
  // Whether `code` only frames another event, without content of its own: say (010), appeal
  // (020), intend (030), demand (100), threaten (130), ... (PICO values with only the top digit).
  [[nodiscard]] bool is_frame(std::string_view code) const;
  // The code of the negated event ("not provide", 060 -> 121); nullopt when CAMEO has none.
  [[nodiscard]] std::optional<std::string> negate(std::string_view code) const;
  [[nodiscard]] size_t size() const { return values_.size(); }

 private:
  [[nodiscard]] std::optional<int64_t> value(std::string_view code) const;
  [[nodiscard]] std::optional<std::string> code_of(int64_t value) const;

  std::unordered_map<std::string, int64_t> values_;
  std::unordered_map<int64_t, std::string> codes_;  // the preferred code of each value
};

}  // namespace caspian::events
