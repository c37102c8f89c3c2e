// Sequential byte sources: plain files, stdin, memory; gzip decoded member by
// member (libdeflate fast path, zlib streaming fallback).
#include "ingest/chunk_source.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <libdeflate.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace caspian::ingest {

namespace {

constexpr size_t kRawChunk = size_t{1} << 20;     // bytes per read(2)
constexpr size_t kWindow = size_t{4} << 20;       // compressed bytes kept for the fast path
constexpr size_t kRefillBelow = kWindow / 2;      // refill the window when fewer remain
constexpr size_t kMinFastOutput = size_t{1} << 20;
constexpr size_t kMaxFastOutput = size_t{16} << 20;  // larger members are streamed
constexpr size_t kFastOutputRatio = 8;               // output buffer per compressed byte
constexpr size_t kStreamChunk = size_t{256} << 10;   // zlib output per call
constexpr int kGzipWindowBits = 16 + MAX_WBITS;      // zlib: expect a gzip wrapper
constexpr unsigned char kGzipMagic0 = 0x1f;
constexpr unsigned char kGzipMagic1 = 0x8b;
constexpr std::string_view kStdinName = "-";

// Where raw (possibly compressed) bytes come from.
class RawInput {
 public:
  virtual ~RawInput() = default;
  // Reads up to n bytes; 0 at the end.
  virtual Result<size_t> read(char* buf, size_t n) = 0;
};

class FdInput final : public RawInput {
 public:
  FdInput(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FdInput() override {
    if (owned_) ::close(fd_);
  }
  FdInput(const FdInput&) = delete;
  FdInput& operator=(const FdInput&) = delete;

  Result<size_t> read(char* buf, size_t n) override {
    for (;;) {
      const ssize_t got = ::read(fd_, buf, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno == EINTR) continue;
      return Status(ErrorCode::kIoError, fmt::format("read failed: {}", std::strerror(errno)));
    }
  }

 private:
  int fd_;
  bool owned_;
};

class MemoryInput final : public RawInput {
 public:
  explicit MemoryInput(std::string_view bytes) : bytes_(bytes) {}
  Result<size_t> read(char* buf, size_t n) override {
    const size_t k = std::min(n, bytes_.size() - pos_);
    std::memcpy(buf, bytes_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

class DecodingSource final : public ChunkSource {
 public:
  explicit DecodingSource(std::unique_ptr<RawInput> raw) : raw_(std::move(raw)) {}
  ~DecodingSource() override {
    if (z_ready_) inflateEnd(&z_);
    if (fast_ != nullptr) libdeflate_free_decompressor(fast_);
  }
  DecodingSource(const DecodingSource&) = delete;
  DecodingSource& operator=(const DecodingSource&) = delete;

  uint64_t offset() const override { return raw_read_ - available(); }

  Result<size_t> append_to(std::string& out, size_t max) override {
    if (max == 0) return size_t{0};
    for (;;) {
      if (out_pos_ < out_len_) {
        const size_t k = std::min(max, out_len_ - out_pos_);
        out.append(out_buf_.get() + out_pos_, k);
        out_pos_ += k;
        return k;
      }
      if (mode_ == Mode::kUnknown) {
        CASPIAN_RETURN_IF_ERROR(fill_to(2));
        const bool gzip = available() >= 2 && static_cast<unsigned char>(in_.get()[in_pos_]) == kGzipMagic0 &&
                          static_cast<unsigned char>(in_.get()[in_pos_ + 1]) == kGzipMagic1;
        mode_ = gzip ? Mode::kGzip : Mode::kPlain;
      }
      if (mode_ == Mode::kPlain) return append_plain(out, max);
      if (streaming_) {
        auto got = stream_member(out, max);
        if (!got.ok() || *got > 0) return got;
        continue;  // the member ended without output: go on with the next one
      }
      // At a member boundary.
      CASPIAN_RETURN_IF_ERROR(fill_to(kRefillBelow));
      if (available() == 0) return size_t{0};
      if (available() < 2 || static_cast<unsigned char>(in_.get()[in_pos_]) != kGzipMagic0 ||
          static_cast<unsigned char>(in_.get()[in_pos_ + 1]) != kGzipMagic1) {
        return Status(ErrorCode::kCorrupt,
                      fmt::format("bytes at offset {} after the last complete gzip member are not gzip", offset()));
      }
      if (!decode_member_fast()) start_streaming();
    }
  }

 private:
  enum class Mode { kUnknown, kPlain, kGzip };

  size_t available() const { return in_len_ - in_pos_; }

  // Reads until at least `want` bytes are buffered (or the input ends),
  // compacting the buffer first. The buffer is raw memory, never
  // zero-filled: small inputs stay cheap.
  Status fill_to(size_t want) {
    if (available() >= want || raw_eof_) return Status::Ok();
    const size_t have = available();
    const size_t target = std::max(want, std::min(kWindow, want + kRawChunk));
    if (in_cap_ < target) {
      std::unique_ptr<char[]> bigger(new char[target]);
      if (have > 0) std::memcpy(bigger.get(), in_.get() + in_pos_, have);
      in_ = std::move(bigger);
      in_cap_ = target;
    } else if (in_pos_ > 0 && have > 0) {
      std::memmove(in_.get(), in_.get() + in_pos_, have);
    }
    in_pos_ = 0;
    in_len_ = have;
    while (in_len_ < target && !raw_eof_) {
      auto got = raw_->read(in_.get() + in_len_, std::min(kRawChunk, target - in_len_));
      if (!got.ok()) return got.status();
      in_len_ += *got;
      raw_read_ += *got;
      if (*got == 0) raw_eof_ = true;
    }
    return Status::Ok();
  }

  Result<size_t> append_plain(std::string& out, size_t max) {
    CASPIAN_RETURN_IF_ERROR(fill_to(1));
    const size_t k = std::min(max, available());
    out.append(in_.get() + in_pos_, k);
    in_pos_ += k;
    return k;
  }

  // Decodes the member at in_pos_ whole with libdeflate. False when it does
  // not fit the buffers (or is damaged): the caller streams it with zlib.
  bool decode_member_fast() {
    if (fast_ == nullptr) fast_ = libdeflate_alloc_decompressor();
    if (fast_ == nullptr) return false;
    const size_t cap = std::clamp(available() * kFastOutputRatio, kMinFastOutput, kMaxFastOutput);
    if (out_cap_ < cap) {
      out_buf_.reset(new char[cap]);  // uninitialised on purpose: libdeflate writes it
      out_cap_ = cap;
    }
    size_t in_used = 0;
    size_t out_used = 0;
    const libdeflate_result r = libdeflate_gzip_decompress_ex(fast_, in_.get() + in_pos_, available(),
                                                              out_buf_.get(), out_cap_, &in_used, &out_used);
    if (r != LIBDEFLATE_SUCCESS) return false;
    in_pos_ += in_used;
    out_pos_ = 0;
    out_len_ = out_used;
    return true;
  }

  void start_streaming() {
    if (!z_ready_) {
      z_ = z_stream{};
      z_ready_ = inflateInit2(&z_, kGzipWindowBits) == Z_OK;
    } else {
      inflateReset(&z_);
    }
    member_start_ = offset();
    streaming_ = true;
  }

  // Streams the current member with zlib into `out`. Returns the bytes
  // produced; 0 when the member ended.
  Result<size_t> stream_member(std::string& out, size_t max) {
    if (!z_ready_) return Status(ErrorCode::kInternal, "zlib could not be initialised");
    const size_t old = out.size();
    const size_t room = std::min(max, kStreamChunk);
    out.resize(old + room);
    size_t produced = 0;
    for (;;) {
      if (available() == 0 && !raw_eof_) {
        auto st = fill_to(1);
        if (!st.ok()) {
          out.resize(old + produced);
          return st;
        }
      }
      if (available() == 0) {
        out.resize(old + produced);
        if (produced > 0) return produced;
        return Status(ErrorCode::kCorrupt,
                      fmt::format("truncated gzip data: the member starting at offset {} is incomplete", member_start_));
      }
      z_.next_in = reinterpret_cast<Bytef*>(in_.get() + in_pos_);
      z_.avail_in = static_cast<uInt>(std::min<size_t>(available(), UINT32_MAX));
      z_.next_out = reinterpret_cast<Bytef*>(out.data() + old + produced);
      z_.avail_out = static_cast<uInt>(room - produced);
      const uInt avail_before = z_.avail_in;
      const uInt out_before = z_.avail_out;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      in_pos_ += avail_before - z_.avail_in;
      produced += out_before - z_.avail_out;
      if (rc == Z_STREAM_END) {
        streaming_ = false;
        out.resize(old + produced);
        return produced;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        out.resize(old + produced);
        if (produced > 0) return produced;  // report the damage on the next call
        return Status(ErrorCode::kCorrupt,
                      fmt::format("corrupt gzip data in the member starting at offset {}: {}", member_start_,
                                  z_.msg != nullptr ? z_.msg : "inflate failed"));
      }
      if (produced == room) return produced;
    }
  }

  std::unique_ptr<RawInput> raw_;
  Mode mode_ = Mode::kUnknown;
  std::unique_ptr<char[]> in_;  // raw bytes read ahead: [in_pos_, in_len_) unread
  size_t in_cap_ = 0, in_len_ = 0, in_pos_ = 0;
  uint64_t raw_read_ = 0;
  bool raw_eof_ = false;

  libdeflate_decompressor* fast_ = nullptr;
  std::unique_ptr<char[]> out_buf_;
  size_t out_cap_ = 0, out_pos_ = 0, out_len_ = 0;

  z_stream z_{};
  bool z_ready_ = false;
  bool streaming_ = false;
  uint64_t member_start_ = 0;
};

}  // namespace

Result<std::unique_ptr<ChunkSource>> open_chunk_source(const std::string& path) {
  if (path == kStdinName) return std::unique_ptr<ChunkSource>(new DecodingSource(std::make_unique<FdInput>(0, false)));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const ErrorCode code = errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIoError;
    return Status(code, fmt::format("cannot open: {}", std::strerror(errno)));
  }
  return std::unique_ptr<ChunkSource>(new DecodingSource(std::make_unique<FdInput>(fd, true)));
}

std::unique_ptr<ChunkSource> memory_chunk_source(std::string_view bytes) {
  return std::make_unique<DecodingSource>(std::make_unique<MemoryInput>(bytes));
}

}  // namespace caspian::ingest
