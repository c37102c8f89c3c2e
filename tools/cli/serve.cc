// `caspian serve`: the HTTP API (and later the web UI) over a store, until SIGTERM or SIGINT.
#include "caspian/serve.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common.h"

namespace caspian::cli {

namespace {

// The first line of a token file, without surrounding whitespace; "" when the file is empty.
Result<std::string> read_token_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(ErrorCode::kNotFound, fmt::format("cannot open token file {}", path));
  std::string line;
  std::getline(in, line);
  const size_t b = line.find_first_not_of(" \t\r");
  const size_t e = line.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : line.substr(b, e - b + 1);
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

class ServeVerb final : public Verb {
 public:
  explicit ServeVerb(CLI::App& app) {
    cmd_ = app.add_subcommand("serve", "Serve the store over HTTP: the JSON API (docs/api.md)");
    cmd_->add_option("--db", db_, "Database file")->capture_default_str();
    cmd_->add_option("--listen", listen_, "Address to listen on, HOST:PORT (port 0: any free port)")
        ->capture_default_str();
    cmd_->add_option("--threads", threads_, "Request threads")->capture_default_str();
    cmd_->add_option("--token-file", token_file_,
                     "File whose first line is the bearer token writes need (default: $CASPIAN_API_TOKEN; "
                     "without one, writes are refused)");
    cmd_->add_option("--read-token-file", read_token_file_,
                     "File whose first line is a bearer token reads need too (default: "
                     "$CASPIAN_API_READ_TOKEN; without one, reads are open)");
    cmd_->add_option("--max-body-mb", max_body_mb_, "Largest request body accepted")->capture_default_str();
  }
  CLI::App* command() const override { return cmd_; }

  int run(const GlobalFlags& global) override {
    const size_t colon = listen_.rfind(':');
    int port = -1;
    if (colon != std::string::npos) {
      const std::string p = listen_.substr(colon + 1);
      const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
      if (ec != std::errc() || end != p.data() + p.size() || port < 0 || port > 65535) port = -1;
    }
    if (port < 0 || colon == 0 || threads_ < 1 || max_body_mb_ < 1) {
      error_line("serve",
                 Status(ErrorCode::kInvalidArgument,
                        port < 0 || colon == 0 ? fmt::format("--listen {}: expected HOST:PORT", listen_)
                                               : "--threads and --max-body-mb must be 1 or more"));
      return kExitUsage;
    }
    if (!std::filesystem::exists(db_)) {
      error_line("serve",
                 Status(ErrorCode::kNotFound,
                        fmt::format("no store at {} (make one with caspian ingest --db {})", db_, db_)));
      return kExitFatal;
    }
    ApiOptions api_options;
    api_options.db = db_;
    api_options.data_dir = global.pipeline.data_dir.empty() ? default_data_dir() : global.pipeline.data_dir;
    auto write_token = token_file_.empty() ? Result<std::string>(env_or_empty("CASPIAN_API_TOKEN"))
                                           : read_token_file(token_file_);
    auto read_token = read_token_file_.empty() ? Result<std::string>(env_or_empty("CASPIAN_API_READ_TOKEN"))
                                               : read_token_file(read_token_file_);
    if (!write_token.ok() || !read_token.ok()) {
      error_line("serve", !write_token.ok() ? write_token.status() : read_token.status());
      return kExitUsage;
    }
    api_options.write_token = *write_token;
    api_options.read_token = *read_token;
    // The pipeline is loaded only when writes can happen: a read-only server starts at once.
    std::optional<Pipeline> pipeline;
    if (!api_options.write_token.empty()) {
      auto p = Pipeline::create(global.pipeline);
      if (!p.ok()) {
        error_line("loading the pipeline", p.status());
        return kExitFatal;
      }
      pipeline.emplace(std::move(p).value());
    }
    auto api = Api::create(api_options, pipeline ? &*pipeline : nullptr);
    if (!api.ok()) {
      error_line("serve", api.status());
      return kExitFatal;
    }
    ServeOptions options;
    options.host = listen_.substr(0, colon);
    options.port = port;
    options.threads = threads_;
    options.max_body_bytes = static_cast<size_t>(max_body_mb_) * kMiB;
    const bool writes = !api_options.write_token.empty();
    const Status st = serve(**api, options, g_interrupted, std::cout, [&](int bound) {
      fmt::print(stderr, "caspian serve: http://{}:{}/ (store {}; writes {}; reads {})\n", options.host,
                 bound, db_, writes ? "need the token" : "refused: no token",
                 api_options.read_token.empty() ? "open" : "need a token");
      std::fflush(stderr);
    });
    if (!st.ok()) {
      error_line("serve", st);
      return kExitFatal;
    }
    fmt::print(stderr, "caspian serve: stopped\n");
    return kExitOk;
  }

 private:
  CLI::App* cmd_ = nullptr;
  std::string db_ = "caspian.db";
  std::string listen_ = "127.0.0.1:8080";
  std::string token_file_, read_token_file_;
  int threads_ = 8;
  int max_body_mb_ = 16;
};

}  // namespace

std::unique_ptr<Verb> make_serve(CLI::App& app) {
  return std::make_unique<ServeVerb>(app);
}

}  // namespace caspian::cli
