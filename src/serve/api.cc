// The HTTP API's routes (contract in caspian/serve.h; every route in docs/api.md and
// data/serve/openapi.json).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "caspian/caspian.h"
#include "caspian/event_export.h"
#include "caspian/ingest.h"
#include "caspian/json.h"
#include "caspian/runner.h"
#include "caspian/serve.h"
#include "caspian/stories.h"
#include "serve/api_util.h"
#include "serve/api_views.h"

namespace caspian {

namespace ApiError = api::ApiError;
using api::Params;

struct Api::Impl {
  ApiOptions options;
  const Pipeline* pipeline = nullptr;
  std::string openapi;
  api::StorePool pool;
  std::mutex write_mutex;  // one writer at a time: SQLite has one write lock anyway

  explicit Impl(ApiOptions o) : options(std::move(o)), pool(options.db) {}

  Result<ApiResponse> route(const ApiRequest& r);
  Result<ApiResponse> healthz(const Params& p);
  Result<ApiResponse> search(const Params& p);
  Result<ApiResponse> article(const Params& p, std::string_view id);
  Result<ApiResponse> post_articles(const ApiRequest& r);
  Result<ApiResponse> events(const Params& p);
  Result<ApiResponse> stories(const Params& p);
  Result<ApiResponse> story(const Params& p, std::string_view id);
};

Api::Api(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Api::~Api() = default;

Result<std::unique_ptr<Api>> Api::create(ApiOptions options, const Pipeline* pipeline) {
  auto impl = std::make_unique<Impl>(std::move(options));
  impl->pipeline = pipeline;
  { CASPIAN_ASSIGN_OR_RETURN(auto lease, impl->pool.acquire()); }
  const auto path = impl->options.data_dir / "serve" / "openapi.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kNotFound, fmt::format("cannot open {}", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  impl->openapi = ss.str();
  return std::unique_ptr<Api>(new Api(std::move(impl)));
}

ApiResponse Api::handle(const ApiRequest& request) {
  try {
    auto r = impl_->route(request);
    if (r.ok()) return std::move(r).value();
    return api::error_response(r.status());
  } catch (const std::exception& e) {
    // A library below threw (allocation, a JSON library): the client gets a 500, the server goes on.
    return api::error_response(Status(ErrorCode::kInternal, e.what()));
  }
}

Result<ApiResponse> Api::Impl::route(const ApiRequest& r) {
  Params p(r.params);
  const std::string_view path = r.path;
  const bool get = r.method == "GET" || r.method == "HEAD";
  if (path == "/healthz" || path == "/openapi.json") {
    if (!get) return api::method_not_allowed("GET");
    if (path == "/openapi.json") {
      CASPIAN_RETURN_IF_ERROR(p.only({}));
      return api::json_response(openapi);
    }
    return healthz(p);
  }
  constexpr std::string_view kPrefix = "/api/v1/";
  if (!path.starts_with(kPrefix)) return api::not_found(path);
  const std::string_view rest = path.substr(kPrefix.size());
  const size_t slash = rest.find('/');
  const std::string_view collection = rest.substr(0, slash);
  const std::optional<std::string_view> id =
      slash == std::string_view::npos ? std::nullopt : std::optional(rest.substr(slash + 1));
  if (r.method == "POST") {
    if (collection == "articles" && !id) return post_articles(r);
    return api::method_not_allowed("GET");
  }
  if (!get) return api::method_not_allowed(collection == "articles" && !id ? "GET, POST" : "GET");
  if (auto refused = api::check_token(options.read_token, options.write_token, r.authorization, false))
    return *refused;
  if (collection == "search" && !id) return search(p);
  if (collection == "articles" && id) return article(p, *id);
  if (collection == "events" && !id) return events(p);
  if (collection == "stories") return id ? story(p, *id) : stories(p);
  if ((collection == "entities" && id) ||
      ((collection == "timeline" || collection == "network" || collection == "map") && !id)) {
    CASPIAN_ASSIGN_OR_RETURN(auto lease, pool.acquire());
    Store& store = *lease.operator->();
    if (collection == "entities") return api::entity_profile(store, p, *id, options.max_limit);
    if (collection == "timeline") return api::timeline(store, p);
    if (collection == "network") return api::network(store, p, options.max_network_nodes);
    return api::map(store, p, options.max_map_places);
  }
  return api::not_found(path);
}

Result<ApiResponse> Api::Impl::healthz(const Params& p) {
  CASPIAN_RETURN_IF_ERROR(p.only({}));
  CASPIAN_ASSIGN_OR_RETURN(auto lease, pool.acquire());
  CASPIAN_ASSIGN_OR_RETURN(StoreStats st, lease->stats());
  return api::json_response(fmt::format(
      R"({{"status": "ok", "version": {}, "api_version": {}, "schema_version": {}, "articles": {}, "events": {}}})",
      json_string(version()), kApiVersion, st.schema_version, st.articles, st.events));
}

Result<ApiResponse> Api::Impl::search(const Params& p) {
  CASPIAN_RETURN_IF_ERROR(p.only({"q", "entity", "topic", "language", "since", "until", "limit", "cursor"}));
  CASPIAN_ASSIGN_OR_RETURN(SearchQuery q, api::article_query(p));
  CASPIAN_ASSIGN_OR_RETURN(q.limit, p.limit(options.max_limit, 10));
  CASPIAN_ASSIGN_OR_RETURN(q.offset, p.cursor());
  ++q.limit;  // one more tells whether there is a next page
  CASPIAN_ASSIGN_OR_RETURN(auto lease, pool.acquire());
  auto hits = lease->search(q);
  if (!hits.ok()) {
    if (!q.text.empty()) return ApiError::bad_parameter("q", hits.status().message());
    return hits.status();
  }
  const bool more = hits->size() == static_cast<size_t>(q.limit);
  if (more) hits->pop_back();
  std::string out = R"({"hits": [)";
  for (size_t i = 0; i < hits->size(); ++i) {
    const SearchHit& h = (*hits)[i];
    out += fmt::format(
        R"({}{{"id": {}, "title": {}, "url": {}, "source": {}, "published": {}, "snippet": {}, "lead": {}, "score": {:.4f}}})",
        i ? ", " : "", h.article_id, json_string(h.title), json_string(h.url), json_string(h.source),
        h.published ? json_string(format_date(*h.published)) : "null", json_string(h.snippet),
        json_string(h.lead), h.score);
  }
  out += fmt::format(R"(], "next_cursor": {}}})",
                     more ? json_string(std::to_string(q.offset + q.limit - 1)) : "null");
  return api::json_response(std::move(out));
}

Result<ApiResponse> Api::Impl::article(const Params& p, std::string_view id_text) {
  CASPIAN_RETURN_IF_ERROR(p.only({}));
  CASPIAN_ASSIGN_OR_RETURN(int64_t id, api::path_id(id_text, "article"));
  CASPIAN_ASSIGN_OR_RETURN(auto lease, pool.acquire());
  CASPIAN_ASSIGN_OR_RETURN(auto doc, lease->get(id));
  if (!doc) return ApiError::not_found(fmt::format("no article {}", id));
  return api::json_response(to_json(*doc, 0));
}

Result<ApiResponse> Api::Impl::events(const Params& p) {
  std::vector<std::string_view> allowed(api::kEventParams.begin(), api::kEventParams.end());
  allowed.insert(allowed.end(), {"limit", "cursor", "format"});
  CASPIAN_RETURN_IF_ERROR(p.only(allowed));
  CASPIAN_ASSIGN_OR_RETURN(EventQuery q, api::event_query(p));
  CASPIAN_ASSIGN_OR_RETURN(q.limit, p.limit(options.max_limit, 100));
  CASPIAN_ASSIGN_OR_RETURN(q.offset, p.cursor());
  ++q.limit;  // one more tells whether there is a next page
  const std::string format = p.get("format", "json");
  if (format != "json" && format != "csv" && format != "gdelt" && format != "tsv")
    return ApiError::bad_parameter("format", "one of json, csv, tsv, gdelt");
  CASPIAN_ASSIGN_OR_RETURN(auto lease, pool.acquire());
  CASPIAN_ASSIGN_OR_RETURN(std::vector<StoredEvent> stored, lease->events(q));
  const bool more = stored.size() == static_cast<size_t>(q.limit);
  if (more) stored.pop_back();
  const std::vector<EventGroup> groups = group_events(stored);
  if (format == "json") {
    CASPIAN_ASSIGN_OR_RETURN(std::string lines, format_events(groups, EventFormat::kJsonl, options.data_dir));
    std::string out = R"({"events": [)";
    size_t start = 0;
    bool first = true;
    while (start < lines.size()) {
      size_t nl = lines.find('\n', start);
      if (nl == std::string::npos) nl = lines.size();
      if (nl > start) {
        out += first ? "" : ", ";
        out.append(lines, start, nl - start);
        first = false;
      }
      start = nl + 1;
    }
    out += fmt::format(R"(], "next_cursor": {}}})",
                       more ? json_string(std::to_string(q.offset + q.limit - 1)) : "null");
    return api::json_response(std::move(out));
  }
  const EventFormat f = format == "csv"   ? EventFormat::kCsv
                        : format == "tsv" ? EventFormat::kTsv
                                          : EventFormat::kGdelt;
  CASPIAN_ASSIGN_OR_RETURN(std::string body, format_events(groups, f, options.data_dir));
  ApiResponse out = api::json_response(std::move(body));
  out.content_type = format == "csv" ? "text/csv; charset=utf-8" : "text/tab-separated-values; charset=utf-8";
  return out;
}

Result<ApiResponse> Api::Impl::stories(const Params& p) {
  CASPIAN_RETURN_IF_ERROR(p.only({"since", "until", "entity", "q", "topic", "limit", "cursor"}));
  StoryQuery q;
  q.entity_id = p.get("entity");
  q.text = p.get("q");
  q.topic = p.get("topic");
  CASPIAN_ASSIGN_OR_RETURN(q.since, p.date("since"));
  CASPIAN_ASSIGN_OR_RETURN(q.until, p.date("until"));
  CASPIAN_ASSIGN_OR_RETURN(q.limit, p.limit(options.max_limit, 20));
  CASPIAN_ASSIGN_OR_RETURN(q.offset, p.cursor());
  ++q.limit;
  CASPIAN_ASSIGN_OR_RETURN(auto lease, pool.acquire());
  auto list = lease->stories(q);
  if (!list.ok()) {
    if (list.status().code() == ErrorCode::kInvalidArgument)
      return ApiError::bad_parameter("q", list.status().message());
    return list.status();
  }
  const bool more = list->size() == static_cast<size_t>(q.limit);
  if (more) list->pop_back();
  std::string out = R"({"stories": [)";
  for (size_t i = 0; i < list->size(); ++i) out += (i ? ", " : "") + story_to_json((*list)[i]);
  out += fmt::format(R"(], "next_cursor": {}}})",
                     more ? json_string(std::to_string(q.offset + q.limit - 1)) : "null");
  return api::json_response(std::move(out));
}

Result<ApiResponse> Api::Impl::story(const Params& p, std::string_view id_text) {
  CASPIAN_RETURN_IF_ERROR(p.only({}));
  CASPIAN_ASSIGN_OR_RETURN(int64_t id, api::path_id(id_text, "story"));
  CASPIAN_ASSIGN_OR_RETURN(auto lease, pool.acquire());
  CASPIAN_ASSIGN_OR_RETURN(auto st, lease->story(id));
  if (!st) return ApiError::not_found(fmt::format("no story {}", id));
  return api::json_response(story_to_json(*st));
}

Result<ApiResponse> Api::Impl::post_articles(const ApiRequest& r) {
  if (auto refused = api::check_token(options.read_token, options.write_token, r.authorization, true))
    return *refused;
  Params p(r.params);
  CASPIAN_RETURN_IF_ERROR(p.only({}));
  nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
  if (body.is_discarded()) return ApiError::bad_body("the body is not JSON");
  if (body.is_object()) body = nlohmann::json::array({std::move(body)});
  if (!body.is_array() || body.empty())
    return ApiError::bad_body("expected an article object or a non-empty array of them");
  if (body.size() > options.max_post_articles)
    return ApiError::bad_body(fmt::format("at most {} articles in one request", options.max_post_articles));
  if (pipeline == nullptr) return ApiError::unavailable("this server analyses no articles");
  std::vector<std::string> results(body.size());
  std::vector<Document> docs;
  std::vector<size_t> index_of;  // docs[i] is body[index_of[i]]
  for (size_t i = 0; i < body.size(); ++i) {
    if (!body[i].is_object()) {
      results[i] = fmt::format(R"({{"index": {}, "status": "failed", "error": "not a JSON object"}})", i);
      continue;
    }
    auto doc = document_from_news_json(body[i].dump());
    if (!doc.ok()) {
      results[i] = fmt::format(R"({{"index": {}, "status": "failed", "error": {}}})", i,
                               json_string(doc.status().to_string()));
      continue;
    }
    index_of.push_back(i);
    docs.push_back(std::move(doc).value());
  }
  std::lock_guard<std::mutex> lock(write_mutex);
  CASPIAN_ASSIGN_OR_RETURN(auto lease, pool.acquire());
  Status store_status;
  RunOptions run;
  run.threads = 1;
  RunHooks hooks;
  size_t k = 0;
  hooks.consume = [&](AnalysedRecord& rec) {
    const size_t i = index_of[k++];
    if (!rec.doc.ok()) {
      results[i] = fmt::format(R"({{"index": {}, "status": "failed", "error": {}}})", i,
                               json_string(rec.doc.status().to_string()));
      return true;
    }
    auto put = lease->put(*rec.doc);
    if (!put.ok()) {
      store_status = put.status();
      return false;
    }
    const bool stored = put->outcome == PutResult::Outcome::kStored;
    results[i] = fmt::format(R"({{"index": {}, "status": "{}", "id": {}}})", i,
                             stored ? "stored" : "duplicate", put->article_id);
    return true;
  };
  run_records(document_source(std::move(docs)), *pipeline, run, hooks);
  CASPIAN_RETURN_IF_ERROR(store_status);
  std::string out = R"({"articles": [)";
  for (size_t i = 0; i < results.size(); ++i) out += (i ? ", " : "") + results[i];
  return api::json_response(out + "]}");
}

}  // namespace caspian
