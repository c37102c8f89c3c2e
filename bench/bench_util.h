// Helpers shared by the corpus runners of bench/.
#pragma once

#include <sys/resource.h>

namespace caspian::bench {

// Peak resident set size of this process so far, in MiB.
inline double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  constexpr double kKiBPerMiB = 1024.0;
  return static_cast<double>(ru.ru_maxrss) / kKiBPerMiB;  // ru_maxrss is in KiB on Linux
}

}  // namespace caspian::bench
