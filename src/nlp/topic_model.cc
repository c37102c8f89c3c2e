#include "nlp/topic_model.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "caspian/utf8.h"
#include "core/lines.h"
#include "nlp/conllu.h"

namespace caspian::nlp {
namespace {

static_assert(std::endian::native == std::endian::little, "the model's binary rows are little-endian");

constexpr std::string_view kTaxonomyHeader = "#caspian-taxonomy\t1";
constexpr std::string_view kModelMagic = "#caspian-topics";
constexpr int kModelVersion = 1;

// The word as a feature: case-folded, each ASCII digit as '0' (a count of dead or of goals says
// little by its value).
std::string feature_word(std::string_view surface) {
  std::string w = utf8::fold(surface);
  for (char& c : w) {
    if (c >= '0' && c <= '9') c = '0';
  }
  return w;
}

bool is_feature_token(const Token& t) {
  return t.kind == TokenKind::kWord || t.kind == TokenKind::kNumber;
}

uint32_t bucket_of(std::string_view s, uint32_t buckets) {
  return static_cast<uint32_t>(XXH3_64bits(s.data(), s.size()) % buckets);
}

}  // namespace

Result<TopicTaxonomy> TopicTaxonomy::load(const std::filesystem::path& path) {
  auto bytes = read_conllu_bytes(path);
  if (!bytes.ok()) return bytes.status();
  TopicTaxonomy t;
  CASPIAN_RETURN_IF_ERROR(for_each_line(*bytes, [&](size_t n, std::string_view line) -> Status {
    if (n == 1) {
      if (line == kTaxonomyHeader) return Status::Ok();
      return Status(ErrorCode::kUnsupportedVersion, fmt::format("{}:1: not a caspian taxonomy of version 1 "
                                                                "(expected '{}')",
                                                                path.string(), kTaxonomyHeader));
    }
    if (line.empty() || line.front() == '#') return Status::Ok();
    const auto cols = split_tabs(line);
    const int level = cols.size() == 4 && cols[1].size() == 1 ? cols[1][0] - '0' : 0;
    if (cols.size() != 4 || cols[0].empty() || level < 1 || level > 9) {
      return Status(ErrorCode::kParseError,
                    fmt::format("{}:{}: expected id<TAB>level<TAB>parent<TAB>label", path.string(), n));
    }
    t.entries_[std::string(cols[0])] = Entry{level, std::string(cols[2]), std::string(cols[3])};
    return Status::Ok();
  }));
  return t;
}

const TopicTaxonomy::Entry* TopicTaxonomy::find(std::string_view id) const {
  const auto it = entries_.find(std::string(id));
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> TopicTaxonomy::lineage(const std::string& id) const {
  std::vector<std::string> out{id};
  // A cycle in a user's file must not loop: a lineage is never deeper than the levels allow.
  constexpr size_t kMaxDepth = 16;
  for (const Entry* e = find(id); e != nullptr && !e->parent.empty() && out.size() < kMaxDepth;
       e = find(e->parent)) {
    out.push_back(e->parent);
  }
  return out;
}

int TopicTaxonomy::level_of(const std::string& id) const {
  const Entry* e = find(id);
  return e == nullptr ? 1 : e->level;
}

std::string TopicTaxonomy::label_of(const std::string& id) const {
  const Entry* e = find(id);
  return e == nullptr ? id : e->label;
}

std::vector<uint32_t> topic_features(const Document& doc, uint32_t buckets) {
  std::vector<uint32_t> out;
  for (const Sentence& s : doc.sentences) {
    const uint64_t end = std::min<uint64_t>(uint64_t{s.first_token} + s.token_count, doc.tokens.size());
    for (uint64_t i = s.first_token; i < end; ++i) {
      const Token& t = doc.tokens[i];
      if (!is_feature_token(t)) continue;
      out.push_back(bucket_of(feature_word(doc.slice(t.span)), buckets));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::vector<TopicExample>> read_topic_examples(const std::filesystem::path& path) {
  auto bytes = read_conllu_bytes(path);
  if (!bytes.ok()) return bytes.status();
  std::vector<TopicExample> out;
  CASPIAN_RETURN_IF_ERROR(for_each_line(*bytes, [&](size_t n, std::string_view line) -> Status {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return Status::Ok();
    const auto bad = [&](std::string_view why) {
      return Status(ErrorCode::kParseError, fmt::format("{}:{}: {}", path.string(), n, why));
    };
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
    TopicExample ex;
    if (const auto it = j.find("text"); it != j.end() && it->is_string()) ex.text = it->get<std::string>();
    if (ex.text.empty()) return bad("no \"text\"");
    if (const auto it = j.find("id"); it != j.end() && it->is_string()) ex.id = it->get<std::string>();
    if (const auto it = j.find("labels"); it != j.end()) {
      if (it->is_string()) ex.labels.push_back(it->get<std::string>());
      if (it->is_array()) {
        for (const auto& l : *it) {
          if (l.is_string() && !l.get<std::string>().empty()) ex.labels.push_back(l.get<std::string>());
        }
      }
    }
    if (ex.labels.empty()) return bad("no \"labels\" (a string or an array of strings)");
    if (utf8::find_invalid(ex.text)) return bad("\"text\" is not valid UTF-8");
    out.push_back(std::move(ex));
    return Status::Ok();
  }));
  return out;
}

std::vector<float> TopicModel::predict(const std::vector<uint32_t>& features) const {
  const size_t k = classes_.size();
  std::vector<float> z(bias_);
  std::vector<const float*> rows;
  for (const uint32_t f : features) {
    if (const auto it = row_of_.find(f); it != row_of_.end())
      rows.push_back(&weights_[size_t{it->second} * k]);
  }
  // Features are weighted 1/n over the n the document has, known or not, as in training.
  const float scale = features.empty() ? 0.0F : 1.0F / static_cast<float>(features.size());
  for (const float* r : rows) {
    for (size_t c = 0; c < k; ++c) z[c] += scale * r[c];
  }
  const float top = *std::max_element(z.begin(), z.end());
  float sum = 0;
  for (float& v : z) {
    v = std::exp(v - top);
    sum += v;
  }
  for (float& v : z) v /= sum;
  return z;
}

std::vector<Topic> TopicModel::topics_of(const Document& doc, const TopicTaxonomy& taxonomy) const {
  if (classes_.empty()) return {};
  const std::vector<float> p = predict(topic_features(doc, buckets_));
  std::map<std::string, double> score;
  for (size_t c = 0; c < classes_.size(); ++c) {
    for (const std::string& id : taxonomy.lineage(classes_[c])) score[id] += p[c];
  }
  std::string best;
  double best_score = -1;
  for (const auto& [id, s] : score) {
    if (taxonomy.level_of(id) == 1 && s > best_score) {
      best = id;
      best_score = s;
    }
  }
  std::vector<Topic> out;
  for (const auto& [id, s] : score) {
    if (id != best && s < kMinTopicScore) continue;
    out.push_back({id, taxonomy.label_of(id), taxonomy.level_of(id), s});
  }
  std::sort(out.begin(), out.end(), [](const Topic& a, const Topic& b) {
    if (a.level != b.level) return a.level < b.level;
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  return out;
}

void TopicModel::quantize() {
  constexpr float kSteps = 32767.0F;
  const size_t k = classes_.size();
  scale_.assign(k, 0.0F);
  for (size_t i = 0; i < weights_.size(); ++i) scale_[i % k] = std::max(scale_[i % k], std::abs(weights_[i]));
  for (float& s : scale_) s /= kSteps;
  std::vector<std::pair<uint32_t, uint32_t>> rows(row_of_.begin(), row_of_.end());
  std::sort(rows.begin(), rows.end());
  std::unordered_map<uint32_t, uint32_t> kept;
  std::vector<float> weights;
  for (const auto& [bucket, row] : rows) {
    bool nonzero = false;
    std::vector<float> w(k);
    for (size_t c = 0; c < k; ++c) {
      const float steps = scale_[c] > 0 ? std::round(weights_[size_t{row} * k + c] / scale_[c]) : 0.0F;
      w[c] = steps * scale_[c];
      nonzero |= steps != 0.0F;
    }
    if (!nonzero) continue;
    kept.emplace(bucket, static_cast<uint32_t>(kept.size()));
    weights.insert(weights.end(), w.begin(), w.end());
  }
  row_of_ = std::move(kept);
  weights_ = std::move(weights);
}

Status TopicModel::save(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status(ErrorCode::kIoError, "cannot write " + path.string());
  const nlohmann::json head = {{"version", kModelVersion},
                               {"buckets", buckets_},
                               {"classes", classes_},
                               {"rows", row_of_.size()},
                               {"train", train_source_}};
  out << kModelMagic << '\t' << kModelVersion << '\n' << head.dump() << '\n';
  const size_t k = classes_.size();
  out.write(reinterpret_cast<const char*>(bias_.data()), static_cast<std::streamsize>(k * sizeof(float)));
  out.write(reinterpret_cast<const char*>(scale_.data()), static_cast<std::streamsize>(k * sizeof(float)));
  // Rows in bucket order, so that the same model is written as the same bytes.
  std::vector<std::pair<uint32_t, uint32_t>> rows(row_of_.begin(), row_of_.end());
  std::sort(rows.begin(), rows.end());
  std::vector<int16_t> q(k);
  for (const auto& [bucket, row] : rows) {
    for (size_t c = 0; c < k; ++c) {
      q[c] = scale_[c] > 0 ? static_cast<int16_t>(std::lround(weights_[size_t{row} * k + c] / scale_[c])) : 0;
    }
    out.write(reinterpret_cast<const char*>(&bucket), sizeof bucket);
    out.write(reinterpret_cast<const char*>(q.data()), static_cast<std::streamsize>(k * sizeof(int16_t)));
  }
  out.flush();
  if (!out) return Status(ErrorCode::kIoError, "cannot write " + path.string());
  return Status::Ok();
}

Result<std::unique_ptr<TopicModel>> TopicModel::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kNotFound, "cannot open topic model " + path.string());
  std::string magic;
  std::string head;
  std::getline(in, magic);
  std::getline(in, head);
  const std::string expected = fmt::format("{}\t{}", kModelMagic, kModelVersion);
  if (magic != expected) {
    if (magic.starts_with(kModelMagic)) {
      return Status(ErrorCode::kUnsupportedVersion,
                    fmt::format("{}: topic model format '{}', this caspian reads version {}", path.string(),
                                std::string_view(magic).substr(std::min(magic.size(), kModelMagic.size() + 1)), kModelVersion));
    }
    return Status(ErrorCode::kCorrupt, path.string() + ": not a caspian topic model");
  }
  const nlohmann::json j = nlohmann::json::parse(head, nullptr, false);
  auto m = std::make_unique<TopicModel>();
  size_t rows = 0;
  try {
    m->buckets_ = j.at("buckets").get<uint32_t>();
    m->classes_ = j.at("classes").get<std::vector<std::string>>();
    m->train_source_ = j.value("train", "");
    rows = j.at("rows").get<size_t>();
  } catch (const std::exception& e) {
    return Status(ErrorCode::kCorrupt, fmt::format("{}: bad model header: {}", path.string(), e.what()));
  }
  const size_t k = m->classes_.size();
  if (k == 0 || m->buckets_ == 0)
    return Status(ErrorCode::kCorrupt, path.string() + ": a model without classes");
  // The header's counts must account for the rest of the file exactly, so that a damaged header
  // cannot ask for more memory than the file holds.
  const std::streamoff body = in.tellg();
  in.seekg(0, std::ios::end);
  const std::streamoff end = in.tellg();
  in.seekg(body);
  const uint64_t row_bytes = sizeof(uint32_t) + k * sizeof(int16_t);
  const uint64_t have = body >= 0 && end >= body ? static_cast<uint64_t>(end - body) : 0;
  if (rows > have / row_bytes || have != 2 * k * sizeof(float) + rows * row_bytes) {
    return Status(
        ErrorCode::kCorrupt,
        fmt::format("{}: {} bytes of weights, but the header's {} classes and {} rows "
                    "need {}",
                    path.string(), have, k, rows,
                    rows > have / row_bytes ? std::string("more")
                                            : std::to_string(2 * k * sizeof(float) + rows * row_bytes)));
  }
  m->bias_.resize(k);
  m->scale_.resize(k);
  in.read(reinterpret_cast<char*>(m->bias_.data()), static_cast<std::streamsize>(k * sizeof(float)));
  in.read(reinterpret_cast<char*>(m->scale_.data()), static_cast<std::streamsize>(k * sizeof(float)));
  m->weights_.resize(rows * k);
  m->row_of_.reserve(rows);
  std::vector<int16_t> q(k);
  for (size_t r = 0; r < rows && in; ++r) {
    uint32_t bucket = 0;
    in.read(reinterpret_cast<char*>(&bucket), sizeof bucket);
    in.read(reinterpret_cast<char*>(q.data()), static_cast<std::streamsize>(k * sizeof(int16_t)));
    for (size_t c = 0; c < k; ++c) m->weights_[r * k + c] = static_cast<float>(q[c]) * m->scale_[c];
    m->row_of_.emplace(bucket, static_cast<uint32_t>(r));
  }
  if (!in) return Status(ErrorCode::kCorrupt, path.string() + ": the model's weights are cut short");
  return m;
}

}  // namespace caspian::nlp
