// Fuzzes what caspian does with bytes from the network: the format dispatch
// of a fetched body (read_fetched, with --follow against a fetcher that
// always fails, so nothing leaves the process), URL host parsing, and the
// near-duplicate shingling of a text.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "caspian/fetch.h"
#include "store/near_duplicate.h"

namespace {

class OfflineFetcher final : public caspian::Fetcher {
 public:
  caspian::Result<caspian::FetchResponse> fetch(const caspian::FetchRequest& request) override {
    return caspian::Status(caspian::ErrorCode::kIoError, request.url + ": offline");
  }
};

constexpr std::array<std::string_view, 6> kContentTypes = {"",
                                                           "text/html; charset=windows-1252",
                                                           "application/rss+xml",
                                                           "application/x-ndjson",
                                                           "text/plain",
                                                           "application/atom+xml"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  caspian::FetchResponse response;
  response.url = "http://fuzz.example/page";
  response.final_url = response.url;
  response.content_type = std::string(kContentTypes[data[0] % kContentTypes.size()]);
  response.body = std::string(bytes);
  OfflineFetcher fetcher;
  caspian::UrlReadOptions options;
  options.follow = (data[0] & 0x80U) != 0;
  (void)caspian::read_fetched(
      response, fetcher, options,
      [](const caspian::RecordOrigin&, caspian::Result<caspian::Document>) { return true; });

  (void)caspian::url_host(bytes);
  (void)caspian::is_url(bytes);
  const auto shingles = caspian::store::shingle_set(bytes);
  if (!shingles.empty()) {
    if (caspian::store::jaccard(shingles, shingles) != 1.0) __builtin_trap();
    (void)caspian::store::band_keys(shingles);
  }
  return 0;
}
