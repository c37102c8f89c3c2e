// Golden, data-driven cases: tests/golden/NAME.input.json (a news-please
// style article) -> tests/golden/NAME.expected.json (the parts of the
// analysis worth pinning: linked mentions, time expressions, sentence count, the article's tone).
//
// To add a case, drop in NAME.input.json and run
//   CASPIAN_UPDATE_GOLDEN=1 build/release/tests/golden_test
// then read NAME.expected.json carefully before committing it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "caspian/ingest.h"
#include "caspian/json.h"
#include "caspian/pipeline.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kGoldenDir = fs::path(CASPIAN_SOURCE_DIR) / "tests" / "golden";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The pinned projection of an analysis.
json project(const caspian::Document& d) {
  json mentions = json::array();
  for (const auto& m : d.mentions) {
    mentions.push_back({std::string(d.slice(m.span)), std::string(caspian::to_string(m.kind)), m.entity_id});
  }
  json times = json::array();
  for (const auto& t : d.times) {
    times.push_back({std::string(d.slice(t.span)), t.value, t.mod});
  }
  // The tone rounded (two decimals on GDELT's scale, three of the compound), so that a change in
  // the last bits of a sum does not show.
  json tone = nullptr;
  if (d.tone) {
    const auto rounded = [](double v, double scale) { return std::round(v * scale) / scale; };
    constexpr double kHundredths = 100.0;
    constexpr double kThousandths = 1000.0;
    tone = {{"avg_tone", rounded(d.tone->avg_tone, kHundredths)},
            {"compound", rounded(d.tone->compound, kThousandths)},
            {"words", d.tone->words}};
  }
  return {{"sentences", d.sentences.size()}, {"mentions", mentions}, {"times", times}, {"tone", tone}};
}

std::vector<fs::path> cases() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kGoldenDir)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".input.json")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class GoldenTest : public ::testing::TestWithParam<fs::path> {};

TEST_P(GoldenTest, MatchesExpected) {
  static const auto pipeline = caspian::Pipeline::create();
  ASSERT_TRUE(pipeline.ok()) << pipeline.status().to_string();
  const fs::path input = GetParam();
  auto doc = caspian::document_from_news_json(slurp(input));
  ASSERT_TRUE(doc.ok()) << doc.status().to_string();
  pipeline->run(*doc);
  const json actual = project(*doc);
  std::string stem = input.filename().string();
  stem.resize(stem.size() - std::string(".input.json").size());
  const fs::path expected_path = kGoldenDir / (stem + ".expected.json");
  if (std::getenv("CASPIAN_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expected_path) << actual.dump(1) << "\n";
    GTEST_SKIP() << "wrote " << expected_path;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path << " (see the header of this file)";
  const json expected = json::parse(slurp(expected_path));
  EXPECT_EQ(actual, expected) << "diff (expected -> actual):\n" << json::diff(expected, actual).dump(1);
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string n = info.param.filename().string();
                           n.resize(n.find('.'));
                           for (char& c : n) {
                             if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
                           }
                           return n;
                         });

}  // namespace
