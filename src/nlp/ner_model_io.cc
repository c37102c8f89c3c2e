// The named-entity recogniser's model file: save() and load() (format in ner_tagger.h). See
// ner_model.h for the model.
#include <array>
#include <cstring>
#include <string>
#include <system_error>

#include "nlp/ner_model.h"
#include "nlp/ner_tagger.h"

namespace caspian::nlp {

using namespace ner_detail;

namespace {

// --- the file format -------------------------------------------------------------------------------

constexpr std::array<char, 8> kMagic = {'C', 'S', 'P', 'N', 'N', 'E', 'R', '\0'};
constexpr uint32_t kMaxStages = 2;

}  // namespace

namespace {
// This build's kind of NER model file (see perceptron::ModelFileKind).
perceptron::ModelFileKind model_file_kind() {
  return {kMagic, kNerModelFormatVersion, NerTagger::feature_fingerprint(), "NER model"};
}
}  // namespace

Status NerTagger::save(const std::filesystem::path& path) const {
  const Model& m = *model_;
  Writer w = perceptron::begin_model_file(model_file_kind());
  w.str(config_json_);
  w.u32(static_cast<uint32_t>(types_.size()));
  for (const std::string& t : types_) w.str(t);
  w.u32(static_cast<uint32_t>(m.gaz_keys.size()));
  for (const uint64_t k : m.gaz_keys) w.u64(k);
  for (const uint32_t v : m.gaz_masks) w.u32(v);
  w.u32(static_cast<uint32_t>(m.cluster_keys.size()));
  for (const uint64_t k : m.cluster_keys) w.u64(k);
  for (const auto& ids : m.cluster_ids) {
    for (const uint16_t id : ids) w.u16(id);
  }
  w.u32(static_cast<uint32_t>(m.stages.size()));
  for (const Model::Stage& st : m.stages) {
    w.u32(static_cast<uint32_t>(st.keys.size()));
    for (const uint64_t k : st.keys) w.u64(k);
    for (const uint32_t e : st.row_end) w.u32(e);
    w.u32(static_cast<uint32_t>(st.entry_label.size()));
    for (const uint8_t l : st.entry_label) w.u8(l);
    for (const float f : st.entry_weight) w.f32(f);
  }
  return perceptron::finish_model_file(w, path);
}

namespace {

// Checks that `keys` is strictly increasing and non-zero.
bool sorted_keys(const std::vector<uint64_t>& keys) {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == 0 || (i > 0 && keys[i] <= keys[i - 1])) return false;
  }
  return true;
}

// Reads and validates one stage's weights; returns an empty string or what is wrong.
std::string read_stage(Reader& r, size_t n_labels, NerTagger::Model::Stage& st) {
  const uint32_t n_rows = r.u32();
  if (!r.have(uint64_t{n_rows} * 12)) return "truncated";
  st.keys.resize(n_rows);
  st.row_end.resize(n_rows);
  for (uint64_t& k : st.keys) k = r.u64();
  for (uint32_t& e : st.row_end) e = r.u32();
  const uint32_t n_entries = r.u32();
  if (!r.have(uint64_t{n_entries} * 5)) return "truncated";
  st.entry_label.resize(n_entries);
  st.entry_weight.resize(n_entries);
  for (uint8_t& l : st.entry_label) l = r.u8();
  for (float& f : st.entry_weight) f = r.f32();
  if (r.truncated) return "truncated";
  if (!sorted_keys(st.keys)) return "keys not sorted";
  for (size_t i = 0; i < n_rows; ++i) {
    if (st.row_end[i] > n_entries || (i > 0 && st.row_end[i] < st.row_end[i - 1])) return "bad row offsets";
  }
  if (n_rows > 0 && st.row_end.back() != n_entries) return "bad row offsets";
  if (n_rows == 0 && n_entries != 0) return "entries without rows";
  for (size_t e = 0; e < n_entries; ++e) {
    if (st.entry_label[e] >= n_labels) return "weight label out of range";
    if (!std::isfinite(st.entry_weight[e])) return "non-finite weight";
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<NerTagger>> NerTagger::load(const std::filesystem::path& path) {
  const std::string name = path.string();
  auto file = perceptron::read_model_file(path, model_file_kind());
  if (!file.ok()) return file.status();
  const auto corrupt = [&](std::string_view why) {
    return Status(ErrorCode::kCorrupt, name + ": corrupt NER model: " + std::string(why));
  };
  Reader r(file->payload());
  auto tagger = std::unique_ptr<NerTagger>(new NerTagger());
  Model& m = *tagger->model_;
  tagger->config_json_ = r.str();
  const uint32_t n_types = r.u32();
  if (n_types == 0 || n_types > kMaxTypes || !r.have(uint64_t{n_types} * 4)) return corrupt("bad type count");
  for (uint32_t i = 0; i < n_types; ++i) tagger->types_.push_back(r.str());
  if (!std::is_sorted(tagger->types_.begin(), tagger->types_.end())) return corrupt("types not sorted");
  m.n_types = n_types;
  const uint32_t n_gaz = r.u32();
  if (!r.have(uint64_t{n_gaz} * 12)) return corrupt("truncated");
  m.gaz_keys.resize(n_gaz);
  m.gaz_masks.resize(n_gaz);
  for (uint64_t& k : m.gaz_keys) k = r.u64();
  for (uint32_t& v : m.gaz_masks) v = r.u32();
  const uint32_t n_clusters = r.u32();
  if (!r.have(uint64_t{n_clusters} * (8 + 2 * kNerClusterSizes.size()))) return corrupt("truncated");
  m.cluster_keys.resize(n_clusters);
  m.cluster_ids.resize(n_clusters);
  for (uint64_t& k : m.cluster_keys) k = r.u64();
  for (auto& ids : m.cluster_ids) {
    for (uint16_t& id : ids) id = r.u16();
  }
  const uint32_t n_stages = r.u32();
  if (n_stages == 0 || n_stages > kMaxStages) return corrupt(std::to_string(n_stages) + " stages");
  if (!sorted_keys(m.gaz_keys) || !sorted_keys(m.cluster_keys)) return corrupt("keys not sorted");
  m.stages.resize(n_stages);
  for (Model::Stage& st : m.stages) {
    if (std::string why = read_stage(r, m.n_labels(), st); !why.empty()) return corrupt(why);
  }
  if (r.remaining() != 0) return corrupt("trailing bytes");
  m.build_indexes();
  return tagger;
}

}  // namespace caspian::nlp
