// Fuzzes the temporal expression recogniser, with and without an anchor date.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "nlp/timex.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr std::chrono::year_month_day kAnchor{std::chrono::year{2025}, std::chrono::August,
                                                std::chrono::day{20}};
  for (auto anchor : {std::optional<std::chrono::year_month_day>(), std::optional(kAnchor)}) {
    for (const auto& t : caspian::nlp::find_time_expressions(text, anchor)) {
      if (t.span.begin >= t.span.end || t.span.end > size) __builtin_trap();
    }
  }
  return 0;
}
