// Fuzzes the API's request handlers (Api::handle, everything `caspian serve` does with a request
// once HTTP has parsed it) over a small store: byte 0 picks the method, byte 1 the Authorization
// header, then the target "PATH?QUERY" up to the first newline (parameters split on & and =, as
// the server receives them decoded), then the body. Any response is fine; a crash, a hang or a
// status outside 200-599 is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "caspian/serve.h"
#include "caspian/store.h"
#include "nlp/tokenizer.h"

namespace {

std::unique_ptr<caspian::Api> make_api() {
  const auto db =
      std::filesystem::temp_directory_path() / ("caspian_fuzz_api_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(db);
  {
    auto store = caspian::open_store(db.string());
    if (!store.ok()) __builtin_trap();
    for (const char* text : {"Armenia and Azerbaijan agree on a peace treaty in Abu Dhabi.",
                             "Kazakhstan offers to host talks in Almaty."}) {
      caspian::Document doc = caspian::make_document("", text);
      doc.published =
          std::chrono::year_month_day{std::chrono::year{2025}, std::chrono::month{3}, std::chrono::day{13}};
      caspian::nlp::tokenize(doc.text, doc.tokens, doc.sentences);
      if (!(*store)->put(doc).ok()) __builtin_trap();
    }
  }
  caspian::ApiOptions options;
  options.db = db.string();
  options.write_token = "secret";
  options.data_dir = caspian::default_data_dir();
  auto api = caspian::Api::create(options, nullptr);
  if (!api.ok()) __builtin_trap();
  return std::move(api).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<caspian::Api> api = make_api();
  if (size < 2) return 0;
  static constexpr const char* kMethods[] = {"GET", "POST", "HEAD", "DELETE", "PUT", "OPTIONS"};
  static constexpr const char* kAuth[] = {"", "Bearer secret", "Bearer wrong", "Basic c2VjcmV0", "Bearer "};
  caspian::ApiRequest r;
  r.method = kMethods[data[0] % 6];
  r.authorization = kAuth[data[1] % 5];
  const std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  const size_t nl = rest.find('\n');
  const std::string_view target = rest.substr(0, nl);
  if (nl != std::string_view::npos) r.body = std::string(rest.substr(nl + 1));
  const size_t q = target.find('?');
  r.path = std::string(target.substr(0, q));
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    r.params.emplace(std::string(pair.substr(0, eq)),
                     eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  const caspian::ApiResponse res = api->handle(r);
  if (res.status < 200 || res.status > 599) __builtin_trap();
  return 0;
}
