// The committed models that the pipeline and `caspian eval` load by default (see models/*.md).
#pragma once

#include <filesystem>
#include <string_view>

namespace caspian::nlp {

inline constexpr std::string_view kPosModelFile = "pos-en-ud.bin";
inline constexpr std::string_view kParseModelFile = "parse-en-ud.bin";
inline constexpr std::string_view kNerModelFile = "ner-en-conll.bin";
inline constexpr std::string_view kTopicModelFile = "topics-iptc-cep.bin";
// The topic taxonomy, under the data directory.
inline constexpr std::string_view kTopicTaxonomyFile = "topic/iptc-mediatopics.tsv";

// models/<file> beside the data directory (<source>/data -> <source>/models).
[[nodiscard]] inline std::filesystem::path default_model_path(const std::filesystem::path& data_dir,
                                                              std::string_view file) {
  return data_dir.parent_path() / "models" / file;
}

}  // namespace caspian::nlp
