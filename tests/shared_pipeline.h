// A test fixture base with one default pipeline for the whole test suite (loading the models
// takes about half a second), and a helper that analyses a headline and body on a date.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "caspian/json.h"
#include "caspian/pipeline.h"

namespace caspian {

class SharedPipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    PipelineOptions options;
    options.data_dir = CASPIAN_SOURCE_DIR "/data";
    auto p = Pipeline::create(options);
    ASSERT_TRUE(p.ok()) << p.status().message();
    pipeline_ = std::make_unique<Pipeline>(std::move(p).value());
  }
  static void TearDownTestSuite() { pipeline_.reset(); }

  static const Pipeline& pipeline() { return *pipeline_; }

  // Runs the default pipeline over `title` and `body` published on `date` (YYYY-MM-DD).
  static Document analyse(const std::string& title, const std::string& body, const std::string& date) {
    Document doc = make_document(title, body);
    doc.published = *parse_iso_date(date);
    pipeline_->run(doc);
    return doc;
  }

 private:
  static inline std::unique_ptr<Pipeline> pipeline_;
};

// A document of `title` and `body` published on 2025-08-20 (the seed article's date), not analysed.
inline Document dated_article(std::string title, std::string_view body) {
  Document d = make_document(std::move(title), body);
  d.published =
      std::chrono::year_month_day{std::chrono::year{2025}, std::chrono::month{8}, std::chrono::day{20}};
  return d;
}

// The default pipeline (data found as the CLI finds it), loaded on first use, for tests that are
// not SharedPipelineTest fixtures.
inline const Pipeline& default_pipeline() {
  static const auto p = Pipeline::create();
  EXPECT_TRUE(p.ok()) << p.status().to_string();
  return *p;
}

}  // namespace caspian
