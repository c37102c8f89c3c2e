// The seed article, data/corpus/almaty.txt, read as `caspian analyze --date 2025-08-20` reads it.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "caspian/ingest.h"

namespace caspian::test_support {

// The unanalysed seed document; a failure to read it fails the calling test.
inline Document seed_article() {
  std::ifstream in(CASPIAN_SOURCE_DIR "/data/corpus/almaty.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  ReadOptions o;
  o.date = "2025-08-20";
  auto d = document_from_text(ss.str(), o);
  EXPECT_TRUE(d.ok()) << d.status().to_string();
  return d.ok() ? std::move(d).value() : Document();
}

}  // namespace caspian::test_support
