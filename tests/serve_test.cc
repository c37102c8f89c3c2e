// The HTTP API end to end: `caspian serve` started on a free loopback port over a store made by
// `caspian ingest`, driven over HTTP, every JSON response validated against data/serve/openapi.json
// (valijson), then stopped with SIGTERM.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "cli_runner.h"

namespace caspian {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kToken = "test-token-5f1c9a";

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Validates JSON against a schema of the OpenAPI document's components.
class OpenApi {
 public:
  OpenApi() : doc_(json::parse(slurp(fs::path(CASPIAN_SOURCE_DIR) / "data/serve/openapi.json"))) {}
  // "" when `value` is valid, else the validator's errors.
  std::string check(const std::string& schema_name, const json& value) const {
    const json root = {{"$ref", "#/components/schemas/" + schema_name}, {"components", doc_["components"]}};
    valijson::Schema schema;
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter schema_adapter(root);
    parser.populateSchema(schema_adapter, schema);
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(value);
    if (validator.validate(schema, target, &results)) return "";
    std::string out;
    valijson::ValidationResults::Error e;
    while (results.popError(e)) {
      std::string where;
      for (const std::string& c : e.context) where += c;
      out += where + ": " + e.description + "\n";
    }
    return out;
  }
  const json& doc() const { return doc_; }

 private:
  json doc_;
};

class ServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("caspian_serve_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "news.db").string();
    const std::string part = (dir_ / "part.jsonl").string();
    // A slice of the example corpus (a story's several reports among others) and the seed article.
    ASSERT_EQ(std::system(("zcat " + std::string(CASPIAN_SOURCE_DIR) +
                           "/data/corpus/example-news.jsonl.gz | head -n 300 > " + part)
                              .c_str()),
              0);
    auto r = testing::run_cli("ingest -q --db " + db_ + " " + part);
    ASSERT_EQ(r.exit_code, 0) << r.out;
    r = testing::run_cli("ingest -q --db " + db_ + " --date 2025-08-20 --source astanatimes.com " +
                         std::string(CASPIAN_SOURCE_DIR) + "/data/corpus/almaty.txt");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    start_server();
  }
  static void TearDownTestSuite() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }

  static void start_server() {
    const std::string err = (dir_ / "serve.err").string();
    const std::string log = (dir_ / "access.log").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int o = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(e, 2);
      ::dup2(o, 1);
      ::setenv("CASPIAN_API_TOKEN", kToken, 1);
      ::execl(CASPIAN_BINARY, CASPIAN_BINARY, "serve", "--db", db_.c_str(), "--listen", "127.0.0.1:0",
              "--threads", "4", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // The server says where it listens once bound (after loading the pipeline: slow under ASan).
    const std::regex where("http://127\\.0\\.0\\.1:([0-9]+)/");
    for (int i = 0; i < 1200 && port_ == 0; ++i) {
      std::smatch m;
      const std::string text = slurp(err);
      if (std::regex_search(text, m, where))
        port_ = std::stoi(m[1]);
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_NE(port_, 0) << slurp(err);
  }

  static httplib::Client client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    c.set_url_encode(false);  // the tests' paths are encoded already
    return c;
  }
  // GET path; the body parsed as JSON (null when it is not JSON).
  static std::pair<int, json> get(const std::string& path, const httplib::Headers& headers = {}) {
    auto c = client();
    auto res = c.Get(path.c_str(), headers);
    if (!res) return {0, nullptr};
    return {res->status, json::parse(res->body, nullptr, false)};
  }
  static std::pair<int, json> post(const std::string& body, const httplib::Headers& headers) {
    auto c = client();
    auto res = c.Post("/api/v1/articles", headers, body, "application/json");
    if (!res) return {0, nullptr};
    return {res->status, json::parse(res->body, nullptr, false)};
  }
  void expect_error(const std::pair<int, json>& r, int status, const std::string& parameter) {
    EXPECT_EQ(r.first, status) << r.second.dump();
    EXPECT_EQ(api_.check("Error", r.second), "") << r.second.dump();
    if (!parameter.empty()) EXPECT_EQ(r.second["error"]["parameter"], parameter) << r.second.dump();
  }

  static inline fs::path dir_;
  static inline std::string db_;
  static inline pid_t pid_ = 0;
  static inline int port_ = 0;
  OpenApi api_;
};

TEST_F(ServeTest, HealthAndTheOpenApiDocument) {
  auto [status, body] = get("/healthz");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(api_.check("Health", body), "") << body.dump();
  EXPECT_GE(body["articles"], 250) << body.dump();  // the slice's duplicates are stored once
  auto [s2, doc] = get("/openapi.json");
  ASSERT_EQ(s2, 200);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_TRUE(doc["paths"].contains("/api/v1/search"));
}

TEST_F(ServeTest, SearchRanksPagesAndFilters) {
  auto [status, page] = get("/api/v1/search?q=Almaty&limit=1");
  ASSERT_EQ(status, 200) << page.dump();
  EXPECT_EQ(api_.check("SearchPage", page), "") << page.dump();
  ASSERT_EQ(page["hits"].size(), 1U);
  EXPECT_NE(page["hits"][0]["snippet"].get<std::string>().find("[Almaty]"), std::string::npos) << page.dump();
  auto [s_all, all] = get("/api/v1/search?q=Israel&limit=100");
  ASSERT_EQ(s_all, 200);
  ASSERT_GE(all["hits"].size(), 2U) << all.dump();
  // Two pages of one hit are the first two hits of one page of many.
  auto [s1, p1] = get("/api/v1/search?q=Israel&limit=1");
  ASSERT_TRUE(p1["next_cursor"].is_string()) << p1.dump();
  auto [s2, p2] = get("/api/v1/search?q=Israel&limit=1&cursor=" + p1["next_cursor"].get<std::string>());
  ASSERT_EQ(s2, 200) << p2.dump();
  EXPECT_EQ(p1["hits"][0]["id"], all["hits"][0]["id"]);
  EXPECT_EQ(p2["hits"][0]["id"], all["hits"][1]["id"]);
  auto [s3, by_entity] = get("/api/v1/search?entity=iso3166:KAZ&since=2025-08-01&until=2025-08-31");
  ASSERT_EQ(s3, 200) << by_entity.dump();
  bool seed = false;
  for (const auto& h : by_entity["hits"])
    seed = seed || h["title"].get<std::string>().starts_with("Capital City Almaty");
  EXPECT_TRUE(seed) << by_entity.dump();
}

TEST_F(ServeTest, BadParametersAreNamed) {
  expect_error(get("/api/v1/search?limit=0"), 400, "limit");
  expect_error(get("/api/v1/search?limit=ten"), 400, "limit");
  expect_error(get("/api/v1/search?since=2025-13-01"), 400, "since");
  expect_error(get("/api/v1/search?cursor=abc"), 400, "cursor");
  expect_error(get("/api/v1/search?colour=red"), 400, "colour");
  expect_error(get("/api/v1/search?q=a&q=b"), 400, "q");
  expect_error(get("/api/v1/events?root=99"), 400, "root");
  expect_error(get("/api/v1/events?format=xml"), 400, "format");
  expect_error(get("/api/v1/articles/abc"), 400, "id");
  expect_error(get("/api/v1/articles/-1"), 400, "id");
  // A limit over the maximum is cut, not refused.
  auto [status, page] = get("/api/v1/search?limit=100000");
  EXPECT_EQ(status, 200);
  EXPECT_LE(page["hits"].size(), 100U);
}

TEST_F(ServeTest, UnknownIdsRoutesAndMethods) {
  expect_error(get("/api/v1/articles/999999"), 404, "");
  expect_error(get("/api/v1/stories/999999"), 404, "");
  expect_error(get("/api/v1/nothing"), 404, "");
  expect_error(get("/../../etc/passwd"), 404, "");
  auto c = client();
  auto res = c.Delete("/api/v1/search");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "GET");
}

TEST_F(ServeTest, AnArticleWithItsAnalysis) {
  auto [s, page] = get("/api/v1/search?q=Almaty+Washington&limit=1");
  ASSERT_EQ(s, 200);
  ASSERT_EQ(page["hits"].size(), 1U) << page.dump();
  const int64_t id = page["hits"][0]["id"];
  auto [status, doc] = get("/api/v1/articles/" + std::to_string(id));
  ASSERT_EQ(status, 200);
  EXPECT_EQ(api_.check("Article", doc), "");
  EXPECT_FALSE(doc["events"].empty());
  EXPECT_FALSE(doc["flags"].empty());
}

TEST_F(ServeTest, EventsAsJsonCsvAndGdelt) {
  auto [status, page] = get("/api/v1/events?limit=20");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(api_.check("EventPage", page), "") << page.dump().substr(0, 2000);
  ASSERT_FALSE(page["events"].empty());
  auto [s2, consult] = get("/api/v1/events?root=04");
  ASSERT_EQ(s2, 200);
  for (const auto& e : consult["events"]) EXPECT_EQ(e["root_code"], "04");
  auto c = client();
  auto csv = c.Get("/api/v1/events?format=csv&limit=5");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_TRUE(csv->get_header_value("Content-Type").starts_with("text/csv"));
  EXPECT_TRUE(csv->body.starts_with("date,date_granularity,source,")) << csv->body.substr(0, 200);
  auto gdelt = c.Get("/api/v1/events?format=gdelt&limit=5");
  ASSERT_TRUE(gdelt);
  ASSERT_FALSE(gdelt->body.empty());
  const std::string first = gdelt->body.substr(0, gdelt->body.find('\n'));
  EXPECT_EQ(std::count(first.begin(), first.end(), '\t'), 60) << first;
}

TEST_F(ServeTest, EventsFilterByQuadClassPlaceAndEntityAndPage) {
  auto [s1, p1] = get("/api/v1/events?limit=3");
  ASSERT_EQ(s1, 200);
  EXPECT_EQ(api_.check("EventPage", p1), "") << p1.dump().substr(0, 2000);
  ASSERT_TRUE(p1["next_cursor"].is_string());
  auto [s2, p2] = get("/api/v1/events?limit=3&cursor=" + p1["next_cursor"].get<std::string>());
  ASSERT_EQ(s2, 200);
  ASSERT_FALSE(p2["events"].empty());
  EXPECT_NE(p1["events"][0].dump(), p2["events"][0].dump());
  auto [s3, conflict] = get("/api/v1/events?quad_class=4&limit=100");
  ASSERT_EQ(s3, 200);
  for (const auto& e : conflict["events"]) EXPECT_EQ(e["quad_class"], 4) << e.dump();
  // The seed's talks "on July 10 in Abu Dhabi" are placed there, and Abu Dhabi is in the UAE.
  auto [s4, in_uae] = get("/api/v1/events?place=iso3166:ARE&limit=100");
  ASSERT_EQ(s4, 200);
  ASSERT_FALSE(in_uae["events"].empty());
  bool abu_dhabi = false;
  for (const auto& e : in_uae["events"]) abu_dhabi = abu_dhabi || e["location"] == "Abu Dhabi";
  EXPECT_TRUE(abu_dhabi) << in_uae.dump().substr(0, 2000);
  auto [s5, armenia] = get("/api/v1/events?entity=iso3166:ARM&limit=100");
  ASSERT_EQ(s5, 200);
  ASSERT_FALSE(armenia["events"].empty());
  for (const auto& e : armenia["events"]) {
    EXPECT_TRUE(e["source_entity"] == "iso3166:ARM" || e["target_entity"] == "iso3166:ARM" ||
                e["location_id"] == "iso3166:ARM")
        << e.dump();
  }
  expect_error(get("/api/v1/events?quad_class=5"), 400, "quad_class");
  expect_error(get("/api/v1/events?entity=iso3166:ARM&entity=iso3166:AZE"), 400, "entity");
  expect_error(get("/api/v1/events?cursor=x"), 400, "cursor");
}

TEST_F(ServeTest, AnEntityProfile) {
  auto [status, profile] = get("/api/v1/entities/iso3166:KAZ");
  ASSERT_EQ(status, 200) << profile.dump();
  EXPECT_EQ(api_.check("EntityProfile", profile), "") << profile.dump().substr(0, 2000);
  EXPECT_EQ(profile["entity"]["name"], "Kazakhstan");
  ASSERT_GE(profile["articles"].get<int>(), 1);
  int by_day = 0;
  for (const auto& d : profile["mentions_by_day"]) by_day += d["articles"].get<int>();
  EXPECT_LE(by_day, profile["articles"].get<int>());
  EXPECT_GE(by_day, 1);
  bool almaty = false;
  for (const auto& c : profile["co_occurring"]) {
    EXPECT_NE(c["entity"]["id"], "iso3166:KAZ");
    almaty = almaty || c["entity"]["name"] == "Almaty";
  }
  EXPECT_TRUE(almaty) << profile["co_occurring"].dump();
  auto [s2, armenia] = get("/api/v1/entities/iso3166:ARM?limit=3");
  ASSERT_EQ(s2, 200);
  EXPECT_LE(armenia["co_occurring"].size(), 3u);
  int events = 0;
  for (const auto& role : {"as_source", "as_target"})
    for (const auto& [k, v] : armenia["events"][role].items()) events += v.get<int>();
  EXPECT_GT(events, 0) << armenia["events"].dump();
  EXPECT_FALSE(armenia["counterparts"].empty());
  expect_error(get("/api/v1/entities/iso3166:XXX"), 404, "");
  expect_error(get("/api/v1/entities/iso3166:KAZ?until=someday"), 400, "until");
}

TEST_F(ServeTest, TimelineCountsArticlesAndEventsPerDay) {
  auto [status, tl] = get("/api/v1/timeline?q=Almaty");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(api_.check("Timeline", tl), "") << tl.dump().substr(0, 2000);
  auto [s2, hits] = get("/api/v1/search?q=Almaty&limit=100");
  ASSERT_EQ(s2, 200);
  int dated = 0;
  for (const auto& h : hits["hits"]) dated += h["published"].is_string() ? 1 : 0;
  EXPECT_EQ(tl["totals"]["articles"], dated);
  std::string last;
  bool seed_day = false;
  for (const auto& d : tl["days"]) {
    EXPECT_LT(last, d["day"].get<std::string>());
    last = d["day"];
    if (d["day"] == "2025-08-20") seed_day = d["events"]["verbal_cooperation"].get<int>() > 0;
  }
  EXPECT_TRUE(seed_day) << tl.dump();
  auto [s3, none] = get("/api/v1/timeline?q=zzzyxwv");
  ASSERT_EQ(s3, 200);
  EXPECT_TRUE(none["days"].empty());
  expect_error(get("/api/v1/timeline?limit=5"), 400, "limit");
}

TEST_F(ServeTest, TheActorNetwork) {
  auto [status, net] = get("/api/v1/network?actor=ARM");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(api_.check("Network", net), "") << net.dump().substr(0, 2000);
  std::set<std::string> nodes;
  for (const auto& n : net["nodes"]) nodes.insert(n["id"].get<std::string>());
  EXPECT_TRUE(nodes.contains("ARM")) << net.dump().substr(0, 2000);
  ASSERT_FALSE(net["edges"].empty());
  for (const auto& e : net["edges"]) {
    EXPECT_TRUE(nodes.contains(e["source"].get<std::string>())) << e.dump();
    EXPECT_TRUE(nodes.contains(e["target"].get<std::string>())) << e.dump();
  }
  auto [s2, two] = get("/api/v1/network?limit=2");
  ASSERT_EQ(s2, 200);
  EXPECT_LE(two["nodes"].size(), 2u);
  expect_error(get("/api/v1/network?limit=-1"), 400, "limit");
}

TEST_F(ServeTest, TheMapIsGeoJson) {
  auto c = client();
  auto res = c.Get("/api/v1/map?actor=AZE");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/geo+json");
  const json map = json::parse(res->body);
  EXPECT_EQ(api_.check("Map", map), "") << map.dump().substr(0, 2000);
  bool abu_dhabi = false;
  for (const auto& f : map["features"]) {
    const double lon = f["geometry"]["coordinates"][0];
    const double lat = f["geometry"]["coordinates"][1];
    EXPECT_TRUE(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90) << f.dump();
    EXPECT_EQ(f["properties"]["entity"]["lat"], lat);
    if (f["properties"]["layer"] == "events" && f["properties"]["entity"]["name"] == "Abu Dhabi")
      abu_dhabi = true;
  }
  EXPECT_TRUE(abu_dhabi) << map.dump().substr(0, 2000);
  auto [s2, places] = get("/api/v1/map?layer=places&limit=5");
  ASSERT_EQ(s2, 200);
  ASSERT_FALSE(places["features"].empty());
  for (const auto& f : places["features"]) EXPECT_EQ(f["properties"]["layer"], "places");
  expect_error(get("/api/v1/map?layer=tiles"), 400, "layer");
}

TEST_F(ServeTest, StoriesAndOneStory) {
  auto [status, page] = get("/api/v1/stories?limit=5");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(api_.check("StoryPage", page), "") << page.dump().substr(0, 2000);
  ASSERT_FALSE(page["stories"].empty());
  const int64_t id = page["stories"][0]["story_id"];
  auto [s2, story] = get("/api/v1/stories/" + std::to_string(id));
  ASSERT_EQ(s2, 200);
  EXPECT_EQ(api_.check("Story", story), "") << story.dump().substr(0, 2000);
  EXPECT_EQ(story["story_id"], id);
}

TEST_F(ServeTest, WritesNeedTheTokenAndAreSearchableAtOnce) {
  const std::string article =
      R"({"id": "api-1", "title": "Zanzibar ferry operators suspend crossings", "maintext": "Ferry operators in Zanzibar, Tanzania, suspend crossings to Dar es Salaam after a storm damages the harbour.", "date_publish": "2026-03-02", "source_domain": "example.org"})";
  expect_error(post(article, {}), 401, "");
  expect_error(post(article, {{"Authorization", "Bearer wrong"}}), 403, "");
  const httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kToken}};
  expect_error(post("{not json", auth), 400, "");
  auto [status, result] = post("[" + article + R"(, 42, {"maintext": ""}])", auth);
  ASSERT_EQ(status, 200) << result.dump();
  EXPECT_EQ(api_.check("PostResult", result), "") << result.dump();
  ASSERT_EQ(result["articles"].size(), 3U);
  EXPECT_EQ(result["articles"][0]["status"], "stored") << result.dump();
  EXPECT_EQ(result["articles"][1]["status"], "failed");
  EXPECT_EQ(result["articles"][2]["status"], "failed");
  auto [s2, hits] = get("/api/v1/search?q=Zanzibar+ferry");
  ASSERT_EQ(s2, 200);
  ASSERT_EQ(hits["hits"].size(), 1U) << hits.dump();
  EXPECT_EQ(hits["hits"][0]["id"], result["articles"][0]["id"]);
  // The same article again is a duplicate of the stored one.
  auto [s3, again] = post(article, auth);
  ASSERT_EQ(s3, 200);
  EXPECT_EQ(again["articles"][0]["status"], "duplicate");
  EXPECT_EQ(again["articles"][0]["id"], result["articles"][0]["id"]);
}

TEST_F(ServeTest, GzipWhenAskedFor) {
  auto c = client();
  c.set_decompress(false);
  auto res = c.Get("/api/v1/search?q=Iran&limit=50", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Encoding"), "gzip");
}

// Last in the file: stops the server.
TEST_F(ServeTest, ZzSigtermStopsItCleanlyAndTheLogNeverHoldsTheToken) {
  ASSERT_GT(pid_, 0);
  ASSERT_EQ(::kill(pid_, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid_, &status, 0), pid_);
  pid_ = 0;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const std::string log = slurp(dir_ / "access.log");
  EXPECT_NE(log.find(" GET /healthz 200 "), std::string::npos) << log;
  EXPECT_EQ(log.find(kToken), std::string::npos);
  EXPECT_EQ(log.find("Zanzibar"), std::string::npos);  // no query strings
}

}  // namespace
}  // namespace caspian
