#include "nlp/perceptron.h"

#include <utf8proc.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <system_error>
#include <utility>

#include "caspian/utf8.h"

namespace caspian::nlp::perceptron {

void FlatIndex::build(std::span<const uint64_t> keys) {
  size_t capacity = 16;
  while (capacity < 2 * keys.size()) capacity *= 2;  // load factor <= 0.5
  keys_.assign(capacity, 0);
  values_.assign(capacity, kMissing);
  mask_ = capacity - 1;
  for (size_t i = 0; i < keys.size(); ++i) {
    size_t slot = keys[i] & mask_;
    while (keys_[slot] != 0) slot = (slot + 1) & mask_;
    keys_[slot] = keys[i];
    values_[slot] = static_cast<uint32_t>(i);
  }
}

void ByteWriter::f32(float v) {
  u32(std::bit_cast<uint32_t>(v));
}

float ByteReader::f32() {
  return std::bit_cast<float>(u32());
}

std::string ByteReader::str() {
  const uint32_t n = u32();
  if (!have(n)) return {};
  std::string s(in_.substr(pos_, n));
  pos_ += n;
  return s;
}

uint64_t ByteReader::get(int n) {
  if (!have(static_cast<uint64_t>(n))) return 0;
  uint64_t v = 0;
  for (int i = 0; i < n; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
  pos_ += static_cast<size_t>(n);
  return v;
}

void SparseWeights::index() {
  n_classes_ = 0;
  for (const uint16_t c : entry_class) n_classes_ = std::max<size_t>(n_classes_, size_t{c} + 1);
  // A row is stored dense when it fills at least this share of the classes.
  constexpr size_t kDenseShare = 4;
  size_t capacity = 16;
  while (capacity < 2 * keys.size()) capacity *= 2;  // load factor <= 0.5
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  // Sized up front: growing these vectors entry by entry costs more than the rest of loading.
  // An empty row (a file may hold one) is stored sparse: with no entries at all, n_classes_ is 0.
  const auto dense = [&](uint32_t begin, uint32_t end) {
    return end > begin && size_t{end - begin} * kDenseShare >= n_classes_;
  };
  size_t dense_rows = 0;
  for (size_t r = 0; r < keys.size(); ++r)
    dense_rows += dense(r == 0 ? 0 : row_end[r - 1], row_end[r]) ? 1 : 0;
  entries_.clear();
  entries_.reserve(entry_class.size());
  dense_.clear();
  dense_.reserve(dense_rows * n_classes_);
  // Each insertion probes a random slot of a table much larger than the cache; fetching the slot
  // of a row this many rows ahead overlaps those misses.
  constexpr size_t kPrefetchAhead = 16;
  for (size_t r = 0; r < keys.size(); ++r) {
    if (r + kPrefetchAhead < keys.size()) __builtin_prefetch(&slots_[keys[r + kPrefetchAhead] & mask_], 1);
    const uint32_t begin = r == 0 ? 0 : row_end[r - 1];
    const uint32_t end = row_end[r];
    Slot s{keys[r], 0, 0};
    if (dense(begin, end)) {
      s.begin = static_cast<uint32_t>(dense_.size() / n_classes_);
      s.count = kDenseRow;
      dense_.resize(dense_.size() + n_classes_, 0.0F);
      float* row = dense_.data() + size_t{s.begin} * n_classes_;
      for (uint32_t e = begin; e < end; ++e) row[entry_class[e]] = entry_weight[e];
    } else {
      s.begin = static_cast<uint32_t>(entries_.size());
      s.count = end - begin;
      for (uint32_t e = begin; e < end; ++e) entries_.push_back(Entry{entry_class[e], entry_weight[e]});
    }
    size_t slot = keys[r] & mask_;
    while (slots_[slot].key != 0) slot = (slot + 1) & mask_;
    slots_[slot] = s;
  }
}

uint32_t SparseWeights::find(uint64_t key) const {
  for (size_t slot = key & mask_;; slot = (slot + 1) & mask_) {
    const Slot& s = slots_[slot];
    if (s.key == key) {
      // Pointer arithmetic, not operator[]: an empty row may begin at the end of entries_ (or
      // entries_ may be empty), and prefetching a past-the-end address is harmless.
      __builtin_prefetch(s.count == kDenseRow
                             ? static_cast<const void*>(dense_.data() + size_t{s.begin} * n_classes_)
                             : static_cast<const void*>(entries_.data() + s.begin));
      return static_cast<uint32_t>(slot);
    }
    if (s.key == 0) return kNoSlot;
  }
}

namespace {
// scores[c] += row[c] for c < n. Compiled twice, for AVX2 and for the baseline, picked at load
// time: dense rows are the bulk of the arithmetic of scoring.
__attribute__((target_clones("avx2", "default"))) void add_dense(const float* row, float* scores, size_t n) {
  for (size_t c = 0; c < n; ++c) scores[c] += row[c];
}
}  // namespace

void SparseWeights::add_row(const Slot& s, float* scores) const {
  if (s.count == kDenseRow) {
    add_dense(dense_.data() + size_t{s.begin} * n_classes_, scores, n_classes_);
  } else {
    const Entry* e = entries_.data() + s.begin;
    for (const Entry* end = e + s.count; e != end; ++e) scores[e->cls] += e->weight;
  }
}

namespace {
constexpr size_t kLookupBatch = 32;  // keys in flight: enough to overlap the cache misses
}  // namespace

void SparseWeights::add_scores(std::span<const uint64_t> feature_keys, float* scores) const {
  if (slots_.empty()) return;
  std::array<uint32_t, kLookupBatch> found{};
  for (size_t first = 0; first < feature_keys.size(); first += kLookupBatch) {
    const size_t n = std::min(kLookupBatch, feature_keys.size() - first);
    const uint64_t* batch = feature_keys.data() + first;
    for (size_t i = 0; i < n; ++i) __builtin_prefetch(&slots_[batch[i] & mask_]);
    for (size_t i = 0; i < n; ++i) found[i] = find(batch[i]);
    for (size_t i = 0; i < n; ++i) {
      if (found[i] != kNoSlot) add_row(slots_[found[i]], scores);
    }
  }
}

void SparseWeights::add_scores_items(std::span<const uint64_t> keys, size_t per_item, float* scores,
                                     size_t stride, ItemsScratch& scratch) const {
  if (slots_.empty() || per_item == 0) return;
  const size_t items = keys.size() / per_item;
  if (items == 1) {
    add_scores(keys, scores);
    return;
  }
  std::vector<uint32_t>& owner = scratch.owner;
  std::vector<uint32_t>& unique = scratch.unique;
  std::vector<uint32_t>& found = scratch.found;
  owner.resize(keys.size());
  found.resize(keys.size());
  unique.clear();
  for (size_t i = 0; i < items; ++i) {
    for (size_t k = 0; k < per_item; ++k) {
      const uint64_t key = keys[i * per_item + k];
      size_t j = 0;
      while (j < i && keys[j * per_item + k] != key) ++j;
      owner[i * per_item + k] = static_cast<uint32_t>(j);
      if (j == i) unique.push_back(static_cast<uint32_t>(i * per_item + k));
    }
  }
  for (size_t first = 0; first < unique.size(); first += kLookupBatch) {
    const size_t n = std::min(kLookupBatch, unique.size() - first);
    for (size_t u = first; u < first + n; ++u) __builtin_prefetch(&slots_[keys[unique[u]] & mask_]);
    for (size_t u = first; u < first + n; ++u) found[unique[u]] = find(keys[unique[u]]);
  }
  // A key that every list shares has owner 0 in every list: its row goes into `common` once.
  std::vector<float>& common = scratch.common;
  common.assign(n_classes_, 0.0F);
  for (size_t k = 0; k < per_item; ++k) {
    bool shared = true;
    for (size_t i = 1; i < items && shared; ++i) shared = owner[i * per_item + k] == 0;
    if (shared) {
      if (found[k] != kNoSlot) add_row(slots_[found[k]], common.data());
      continue;
    }
    for (size_t i = 0; i < items; ++i) {
      const uint32_t slot = found[owner[i * per_item + k] * per_item + k];
      if (slot != kNoSlot) add_row(slots_[slot], scores + i * stride);
    }
  }
  for (size_t i = 0; i < items; ++i) {
    float* row = scores + i * stride;
    for (size_t c = 0; c < n_classes_; ++c) row[c] += common[c];
  }
}

void SparseWeights::write(ByteWriter& w) const {
  w.u32(static_cast<uint32_t>(keys.size()));
  for (const uint64_t k : keys) w.u64(k);
  for (const uint32_t e : row_end) w.u32(e);
  w.u32(static_cast<uint32_t>(entry_class.size()));
  for (const uint16_t c : entry_class) w.u16(c);
  for (const float f : entry_weight) w.f32(f);
}

std::string SparseWeights::read(ByteReader& r, size_t n_classes) {
  constexpr uint64_t kRowBytes = 12;   // u64 key + u32 row end
  constexpr uint64_t kEntryBytes = 6;  // u16 class + f32 weight
  const uint32_t n_rows = r.u32();
  // Each count is checked against the bytes left before anything is allocated for it.
  if (!r.have(uint64_t{n_rows} * kRowBytes)) return "truncated";
  keys.resize(n_rows);
  row_end.resize(n_rows);
  for (uint64_t& k : keys) k = r.u64();
  for (uint32_t& e : row_end) e = r.u32();
  const uint32_t n_entries = r.u32();
  if (!r.have(uint64_t{n_entries} * kEntryBytes)) return "truncated";
  entry_class.resize(n_entries);
  entry_weight.resize(n_entries);
  for (uint16_t& c : entry_class) c = r.u16();
  for (float& f : entry_weight) f = r.f32();
  if (r.truncated) return "truncated";
  for (size_t i = 0; i < n_rows; ++i) {
    if (keys[i] == 0 || (i > 0 && keys[i] <= keys[i - 1])) return "feature keys not sorted";
    if (row_end[i] > n_entries || (i > 0 && row_end[i] < row_end[i - 1])) return "bad row offsets";
  }
  if (n_rows > 0 && row_end.back() != n_entries) return "bad row offsets";
  if (n_rows == 0 && n_entries != 0) return "entries without rows";
  for (size_t e = 0; e < n_entries; ++e) {
    if (entry_class[e] >= n_classes) return "weight class out of range";
    if (!std::isfinite(entry_weight[e])) return "non-finite weight";
  }
  index();
  return {};
}

void AveragedTrainer::add_scores(std::span<const uint64_t> feature_keys, float* scores) const {
  for (const uint64_t key : feature_keys) {
    const auto row = rows_.find(key);
    if (row == rows_.end()) continue;
    for (const Weight& w : row->second) scores[w.cls] += w.w;
  }
}

void AveragedTrainer::update(std::span<const uint64_t> feature_keys, uint16_t cls, float delta) {
  const double scaled = static_cast<double>(instances_) * delta;
  for (const uint64_t key : feature_keys) {
    std::vector<Weight>& row = rows_[key];
    auto it = std::find_if(row.begin(), row.end(), [&](const Weight& w) { return w.cls == cls; });
    if (it == row.end()) it = row.insert(row.end(), Weight{cls, 0, 0});
    it->w += delta;
    it->u += scaled;
  }
}

SparseWeights AveragedTrainer::freeze(float prune_below) const {
  SparseWeights out;
  std::vector<uint64_t> keys;
  keys.reserve(rows_.size());
  for (const auto& [key, row] : rows_) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  const auto c = static_cast<double>(instances_);
  std::vector<std::pair<uint16_t, float>> entries;
  for (const uint64_t key : keys) {
    entries.clear();
    for (const Weight& w : rows_.at(key)) {
      const auto avg = static_cast<float>(static_cast<double>(w.w) - w.u / c);
      if (std::fabs(avg) >= prune_below) entries.emplace_back(w.cls, avg);
    }
    if (entries.empty()) continue;
    std::sort(entries.begin(), entries.end());
    out.keys.push_back(key);
    for (const auto& [cls, weight] : entries) {
      out.entry_class.push_back(cls);
      out.entry_weight.push_back(weight);
    }
    out.row_end.push_back(static_cast<uint32_t>(out.entry_class.size()));
  }
  out.index();
  return out;
}

std::string hex64(uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<size_t>(i)] = kDigits[v & 0xF];
  return s;
}

Status write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) return Status(ErrorCode::kIoError, "cannot write " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    return Status(ErrorCode::kIoError,
                  "cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message());
  }
  return Status::Ok();
}

Result<std::string> read_small_file(const std::filesystem::path& path, uint64_t max_bytes,
                                    std::string_view what) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status(ErrorCode::kNotFound, "no such file: " + name);
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status(ErrorCode::kIoError, "cannot read " + name + ": " + ec.message());
  if (size > max_bytes) return Status(ErrorCode::kCorrupt, name + ": too large for " + std::string(what));
  std::string bytes(size, '\0');
  std::ifstream in(path, std::ios::binary);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
    return Status(ErrorCode::kIoError, "cannot read " + name);
  return bytes;
}

namespace {
constexpr size_t kChecksumBytes = sizeof(uint64_t);
constexpr size_t kFrameHeaderBytes = 8 + sizeof(uint32_t) + sizeof(uint64_t);  // magic, version, fingerprint
constexpr uint64_t kMaxModelFileBytes = uint64_t{1} << 31;
}  // namespace

ByteWriter begin_model_file(const ModelFileKind& kind) {
  ByteWriter w;
  w.bytes().append(kind.magic.data(), kind.magic.size());
  w.u32(kind.version);
  w.u64(kind.fingerprint);
  return w;
}

Status finish_model_file(ByteWriter& w, const std::filesystem::path& path) {
  w.u64(XXH3_64bits(w.bytes().data(), w.bytes().size()));
  return write_file_atomically(path, w.bytes());
}

Result<ModelFile> read_model_file(const std::filesystem::path& path, const ModelFileKind& kind) {
  const std::string name = path.string();
  const std::string what(kind.what);
  auto file = read_small_file(path, kMaxModelFileBytes, "a caspian " + what);
  if (!file.ok()) return file.status();
  ModelFile out;
  out.bytes = std::move(file).value();
  const std::string& bytes = out.bytes;
  const auto corrupt = [&](std::string_view why) {
    return Status(ErrorCode::kCorrupt, name + ": corrupt " + what + ": " + std::string(why));
  };
  if (bytes.size() < kind.magic.size() ||
      std::memcmp(bytes.data(), kind.magic.data(), kind.magic.size()) != 0) {
    return Status(ErrorCode::kCorrupt, name + ": not a caspian " + what + " (bad magic bytes)");
  }
  ByteReader header(std::string_view(bytes).substr(kind.magic.size()));
  const uint32_t version = header.u32();
  if (header.truncated) return corrupt("truncated");
  const uint32_t oldest = kind.oldest == 0 ? kind.version : kind.oldest;
  if (version < oldest || version > kind.version) {
    const std::string readable =
        oldest == kind.version ? "version " + std::to_string(kind.version)
                               : "versions " + std::to_string(oldest) + " to " + std::to_string(kind.version);
    return Status(
        ErrorCode::kUnsupportedVersion,
        name + ": " + what + " format version " + std::to_string(version) + ", this build reads " + readable);
  }
  out.version = version;
  if (bytes.size() < kFrameHeaderBytes + kChecksumBytes) return corrupt("truncated");
  const std::string_view body = std::string_view(bytes).substr(0, bytes.size() - kChecksumBytes);
  ByteReader trailer(std::string_view(bytes).substr(body.size()));
  if (trailer.u64() != XXH3_64bits(body.data(), body.size())) {
    return corrupt("checksum mismatch (truncated or damaged)");
  }
  const uint64_t fingerprint = header.u64();
  if (fingerprint != kind.fingerprint) {
    return Status(ErrorCode::kUnsupportedVersion, name + ": " + what + " trained with feature set " +
                                                      hex64(fingerprint) + ", this build extracts " +
                                                      hex64(kind.fingerprint) + "; retrain the model");
  }
  out.payload_begin = kFrameHeaderBytes;
  out.payload_end = body.size();
  return out;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

void normalize_word(std::string_view word, std::string& out) {
  if (is_ascii(word)) {
    out.assign(word);
  } else {
    out = utf8::fold(word);
  }
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c >= '0' && c <= '9') c = '0';
  }
}

std::string normalize_word(std::string_view word) {
  std::string out;
  normalize_word(word, out);
  return out;
}

int32_t next_code_point(std::string_view s, size_t& pos) {
  utf8proc_int32_t cp = -1;
  const utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + pos),
                                              static_cast<utf8proc_ssize_t>(s.size() - pos), &cp);
  pos += n > 0 ? static_cast<size_t>(n) : 1;
  return n > 0 ? cp : -1;
}

char shape_class(int32_t cp) {
  if (cp < 0) return '?';
  if (cp < 0x80) {
    if (cp >= 'A' && cp <= 'Z') return 'X';
    if (cp >= 'a' && cp <= 'z') return 'x';
    if (cp >= '0' && cp <= '9') return 'd';
    return static_cast<char>(cp);
  }
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
      return 'X';
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return 'x';
    case UTF8PROC_CATEGORY_ND:
      return 'd';
    default:
      return '*';
  }
}

}  // namespace caspian::nlp::perceptron
