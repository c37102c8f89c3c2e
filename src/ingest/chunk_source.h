// Internal: sequential byte sources for the streaming readers (WARC), with a
// fast gzip path.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "caspian/result.h"

namespace caspian::ingest {

// A sequential source of decoded bytes.
// Not thread-safe; one reader at a time.
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // Appends between 1 and `max` decoded bytes to `out` and returns the count;
  // returns 0 at a clean end; an error for unreadable, corrupt or truncated
  // data (the bytes decoded before the damage have been delivered already).
  virtual Result<size_t> append_to(std::string& out, size_t max) = 0;
  // Bytes of the underlying file consumed so far (compressed bytes for gzip).
  virtual uint64_t offset() const = 0;
};

// Opens `path` ("-" for stdin) as a ChunkSource that decodes gzip (one or
// many members, as WARC files ship) or passes plain bytes through, chosen by
// the gzip magic. Memory stays bounded whatever the input size: a member
// whose compressed size fits a window of a few MiB is decoded whole with
// libdeflate (about twice as fast as zlib's inflate, which is the limit of
// WARC reading); larger members, and damaged ones, are streamed with zlib,
// which also locates truncation precisely.
// Errors: kNotFound / kIoError when the file cannot be opened.
Result<std::unique_ptr<ChunkSource>> open_chunk_source(const std::string& path);

// A ChunkSource over bytes held in memory (tests, fuzzing): decodes gzip the
// same way when `bytes` starts with the gzip magic.
std::unique_ptr<ChunkSource> memory_chunk_source(std::string_view bytes);

}  // namespace caspian::ingest
