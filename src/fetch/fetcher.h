// Internal pieces of the HTTP fetcher that do not need libcurl: per-host
// politeness, retry policy and cancellable waits. Public API: caspian/fetch.h.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "caspian/result.h"

namespace caspian::fetch {

using Clock = std::chrono::steady_clock;

// Politeness per host: at most one request at a time to a host, and each
// starts at least `delay` after the previous one to that host ended.
// Thread safety: all members may be called concurrently.
class HostGate {
 public:
  explicit HostGate(std::chrono::milliseconds delay) : delay_(delay) {}
  // Blocks until `host` is free and its delay has passed, then marks it busy.
  // Errors: kInterrupted when *cancel becomes true while waiting.
  Status acquire(const std::string& host, const std::atomic<bool>* cancel);
  // Marks `host` free; its next request may start `delay` from now.
  // Requires a successful acquire() of the same host by this caller.
  void release(const std::string& host);

 private:
  struct HostState {
    bool busy = false;
    Clock::time_point next_start{};
  };
  std::chrono::milliseconds delay_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, HostState> hosts_;
};

// Whether an HTTP status is worth retrying: 429 (too many requests) and 5xx.
bool is_retryable_status(long status) noexcept;

// The wait before retry number `retry` (0-based): retry_base * 2^retry, or
// `retry_after` when the server asked for longer.
std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds retry_base,
                                        std::chrono::milliseconds retry_after) noexcept;

// Sleeps for `d` in short slices. Returns false (early) when *cancel becomes true.
bool sleep_unless_cancelled(std::chrono::milliseconds d, const std::atomic<bool>* cancel);

}  // namespace caspian::fetch
