// The shape of CAMEO actor codes, shared by the coder, the checks and the export: three-letter
// parts, a country first ("KAZGOV"), or "---" when only the role is known ("---MIL").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace caspian::events {

inline constexpr std::string_view kUnknownCountry = "---";
inline constexpr size_t kActorPartLength = 3;  // "KAZ", "GOV"

// Whether the code names only a role, of an unknown country.
inline bool is_role_only(std::string_view code) {
  return code.starts_with(kUnknownCountry);
}

// The code's country part ("KAZ" of "KAZGOV"), "" for a role of unknown country or a short code.
inline std::string actor_country(std::string_view code) {
  if (code.size() < kActorPartLength || is_role_only(code)) return {};
  return std::string(code.substr(0, kActorPartLength));
}

}  // namespace caspian::events
