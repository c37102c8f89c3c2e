#include "caspian/caspian.h"

#ifndef CASPIAN_VERSION
#define CASPIAN_VERSION "0.0.0"
#endif

namespace caspian {

const char* version() noexcept {
  return CASPIAN_VERSION;
}

}  // namespace caspian
