// A test fixture base with one default pipeline for the whole test suite (loading the models
// takes about half a second), and a helper that analyses a headline and body on a date.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

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

}  // namespace caspian
