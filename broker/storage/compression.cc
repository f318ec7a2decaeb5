#include "broker/storage/compression.h"

// With ZLIB_CONST, z_stream::next_in is a pointer to const, so input needs no const_cast.
#define ZLIB_CONST
#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace kpk::broker::storage {

using protocol::Compression;

namespace {

// A records section lives in a batch, whose length is an int32.
constexpr size_t kMaxInputBytes = INT32_MAX;

// snappy-java's stream header: magic, then version and oldest compatible version (both 1).
constexpr uint8_t kXerialMagic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t kXerialHeaderSize = 16;
// The magic's first four bytes read as a block length: snappy-java's mark for a second stream
// appended to the first (a valid length is never negative, this one is).
constexpr uint32_t kXerialMagicHead = 0x82534E41;
// SnappyOutputStream's default block size, which the Java producer uses.
constexpr size_t kXerialBlockSize = 32 * 1024;
// Snappy's densest element is a 3-byte copy of 64 bytes, so no valid block inflates more than
// this; a block claiming more is rejected before its claim is allocated.
constexpr size_t kSnappyMaxRatio = 22;

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip framing
constexpr int kZstdLevel = 3;             // zstd's and Kafka's default

Status Corrupt(Compression codec, std::string_view what) {
  return Status::Corruption(std::string(CodecName(codec)) + ": " + std::string(what));
}

// The codec library itself failed, which with valid arguments means it found no memory.
Status LibraryFailure(Compression codec, std::string_view what) {
  return Status::Unavailable(std::string(CodecName(codec)) + ": " + std::string(what));
}

Status TooLarge(Compression codec, size_t max_output) {
  return Corrupt(codec, "records decompress to more than " + std::to_string(max_output) + " bytes");
}

const char* AsCharPtr(const uint8_t* p) { return reinterpret_cast<const char*>(p); }
char* AsCharPtr(uint8_t* p) { return reinterpret_cast<char*>(p); }

size_t SaturatingMultiply(size_t a, size_t b) { return a <= SIZE_MAX / b ? a * b : SIZE_MAX; }

// Where a streaming decoder writes. It grows as the decoder fills it, from a guess based on the
// input size, so memory follows the real output rather than any size the stream claims. It
// never holds more than max_output + 1 bytes: a decoder with more to give fills that extra byte,
// which is how an oversized output shows without a separate probe.
class Output {
 public:
  Output(Compression codec, size_t max_output, size_t input_size)
      : codec_(codec),
        max_output_(max_output),
        capacity_limit_(max_output == SIZE_MAX ? max_output : max_output + 1),
        first_capacity_(
            std::min(capacity_limit_, std::max(kMinCapacity, SaturatingMultiply(input_size, 4)))) {}

  // Makes room() at least 1, or fails once the output is past max_output.
  Status Reserve() {
    if (size_ > max_output_) return TooLarge(codec_, max_output_);
    if (size_ < buf_.size()) return Status::OK();
    buf_.resize(buf_.empty() ? first_capacity_
                             : std::min(capacity_limit_, SaturatingMultiply(buf_.size(), 2)));
    return Status::OK();
  }
  // Makes room() at least n, or fails if n more bytes would pass max_output.
  Status ReserveExactly(size_t n) {
    if (size_ > max_output_ || n > max_output_ - size_) return TooLarge(codec_, max_output_);
    if (buf_.size() - size_ < n) buf_.resize(size_ + n);
    return Status::OK();
  }

  uint8_t* tail() { return buf_.data() + size_; }
  size_t room() const { return buf_.size() - size_; }
  void Commit(size_t n) { size_ += n; }

  Result<Bytes> Finish() {
    if (size_ > max_output_) return Err(TooLarge(codec_, max_output_));
    buf_.resize(size_);
    return std::move(buf_);
  }

 private:
  static constexpr size_t kMinCapacity = 16 * 1024;

  Compression codec_;
  size_t max_output_;
  size_t capacity_limit_;
  size_t first_capacity_;
  Bytes buf_;
  size_t size_ = 0;
};

// ---- gzip ----

struct InflateEnd {
  void operator()(z_stream* z) const { inflateEnd(z); }
};
struct DeflateEnd {
  void operator()(z_stream* z) const { deflateEnd(z); }
};

Status GzipError(const z_stream& z, int rc) {
  if (rc == Z_MEM_ERROR) return LibraryFailure(Compression::kGzip, "out of memory");
  return Corrupt(Compression::kGzip, z.msg != nullptr ? z.msg : "invalid stream");
}

Result<Bytes> GzipDecompress(ByteSpan data, size_t max_output) {
  z_stream z{};
  if (inflateInit2(&z, kGzipWindowBits) != Z_OK) {
    return Err(LibraryFailure(Compression::kGzip, "cannot start a decompressor"));
  }
  std::unique_ptr<z_stream, InflateEnd> end_inflate(&z);
  Output out(Compression::kGzip, max_output, data.size());
  size_t in_pos = 0;
  while (true) {
    if (Status s = out.Reserve(); !s.ok()) return Err(s);
    // zlib counts in uInt; more than 4 GiB of input goes in slices.
    const uInt in_size = static_cast<uInt>(std::min<size_t>(data.size() - in_pos, UINT_MAX));
    const uInt out_size = static_cast<uInt>(std::min<size_t>(out.room(), UINT_MAX));
    z.next_in = data.data() + in_pos;
    z.avail_in = in_size;
    z.next_out = out.tail();
    z.avail_out = out_size;
    const int rc = inflate(&z, Z_NO_FLUSH);
    in_pos += in_size - z.avail_in;
    out.Commit(out_size - z.avail_out);
    if (rc == Z_STREAM_END) {
      if (in_pos == data.size()) break;
      // Members may be concatenated (Java's GZIPInputStream reads them all); anything else
      // after a member fails as the next member's header.
      if (inflateReset(&z) != Z_OK) return Err(GzipError(z, Z_STREAM_ERROR));
    } else if (rc == Z_BUF_ERROR) {
      // Output room was given, so zlib stalled for want of input.
      return Err(Corrupt(Compression::kGzip, "truncated stream"));
    } else if (rc != Z_OK) {
      return Err(GzipError(z, rc));
    }
  }
  return out.Finish();
}

Result<Bytes> GzipCompress(ByteSpan data) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Err(LibraryFailure(Compression::kGzip, "cannot start a compressor"));
  }
  std::unique_ptr<z_stream, DeflateEnd> end_deflate(&z);
  Bytes out(deflateBound(&z, data.size()));
  z.next_in = data.data();
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  // deflateBound's size lets one Z_FINISH call do it all.
  if (int rc = deflate(&z, Z_FINISH); rc != Z_STREAM_END) {
    return Err(
        LibraryFailure(Compression::kGzip, "deflate failed with code " + std::to_string(rc)));
  }
  out.resize(z.total_out);
  return out;
}

// ---- snappy ----

Status AppendRawSnappy(ByteSpan block, Output& out) {
  size_t n = 0;
  if (snappy_uncompressed_length(AsCharPtr(block.data()), block.size(), &n) != SNAPPY_OK) {
    return Corrupt(Compression::kSnappy, "bad block length");
  }
  if (n / kSnappyMaxRatio > block.size()) {
    return Corrupt(Compression::kSnappy, "block claims more data than it can hold");
  }
  if (Status s = out.ReserveExactly(n); !s.ok()) return s;
  size_t written = n;
  if (snappy_uncompress(AsCharPtr(block.data()), block.size(), AsCharPtr(out.tail()), &written) !=
          SNAPPY_OK ||
      written != n) {
    return Corrupt(Compression::kSnappy, "invalid block");
  }
  out.Commit(n);
  return Status::OK();
}

bool HasXerialMagic(ByteSpan data) {
  return data.size() >= sizeof kXerialMagic &&
         std::memcmp(data.data(), kXerialMagic, sizeof kXerialMagic) == 0;
}

// snappy-java's framing: a header, then blocks of [int32 length][raw snappy block]. The version
// fields are not checked: they have been 1 since the format began, and librdkafka ignores them.
Status AppendXerialSnappy(ByteSpan data, Output& out) {
  if (data.size() < kXerialHeaderSize) {
    return Corrupt(Compression::kSnappy, "truncated snappy-java header");
  }
  size_t pos = kXerialHeaderSize;
  while (pos < data.size()) {
    if (data.size() - pos < 4) return Corrupt(Compression::kSnappy, "truncated block length");
    const uint32_t length = LoadBigEndian<uint32_t>(data.data() + pos);
    if (length == kXerialMagicHead) {
      if (!HasXerialMagic(data.subspan(pos)) || data.size() - pos < kXerialHeaderSize) {
        return Corrupt(Compression::kSnappy, "bad header of an appended snappy-java stream");
      }
      pos += kXerialHeaderSize;
      continue;
    }
    pos += 4;
    if (length > INT32_MAX || length > data.size() - pos) {
      return Corrupt(Compression::kSnappy, "truncated block");
    }
    if (Status s = AppendRawSnappy(data.subspan(pos, length), out); !s.ok()) return s;
    pos += length;
  }
  return Status::OK();
}

Result<Bytes> SnappyDecompress(ByteSpan data, size_t max_output) {
  Output out(Compression::kSnappy, max_output, 0);
  // A raw block cannot begin with the magic (its third byte would be a copy from before the
  // start), so the magic alone tells the forms apart.
  Status s = HasXerialMagic(data) ? AppendXerialSnappy(data, out) : AppendRawSnappy(data, out);
  if (!s.ok()) return Err(s);
  return out.Finish();
}

Result<Bytes> SnappyCompress(ByteSpan data) {
  Bytes out(kXerialMagic, kXerialMagic + sizeof kXerialMagic);
  out.resize(kXerialHeaderSize);
  StoreBigEndian<int32_t>(out.data() + 8, 1);   // version
  StoreBigEndian<int32_t>(out.data() + 12, 1);  // oldest compatible version
  out.reserve(kXerialHeaderSize + snappy_max_compressed_length(data.size()) +
              4 * (data.size() / kXerialBlockSize + 1));
  // Empty input still gets one (empty) block: librdkafka takes a stream of 20 bytes or fewer
  // for raw snappy.
  size_t pos = 0;
  do {
    const size_t n = std::min(kXerialBlockSize, data.size() - pos);
    const size_t at = out.size();
    size_t length = snappy_max_compressed_length(n);
    out.resize(at + 4 + length);
    if (snappy_compress(AsCharPtr(data.data() + pos), n, AsCharPtr(out.data() + at + 4), &length) !=
        SNAPPY_OK) {
      return Err(LibraryFailure(Compression::kSnappy, "compression failed"));
    }
    StoreBigEndian<uint32_t>(out.data() + at, static_cast<uint32_t>(length));
    out.resize(at + 4 + length);
    pos += n;
  } while (pos < data.size());
  return out;
}

// ---- lz4 ----

struct Lz4FreeDecompressor {
  void operator()(LZ4F_dctx* ctx) const { LZ4F_freeDecompressionContext(ctx); }
};

Result<Bytes> Lz4Decompress(ByteSpan data, size_t max_output) {
  LZ4F_dctx* raw_ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw_ctx, LZ4F_VERSION))) {
    return Err(LibraryFailure(Compression::kLz4, "cannot start a decompressor"));
  }
  std::unique_ptr<LZ4F_dctx, Lz4FreeDecompressor> ctx(raw_ctx);
  Output out(Compression::kLz4, max_output, data.size());
  size_t in_pos = 0;
  while (true) {
    if (Status s = out.Reserve(); !s.ok()) return Err(s);
    size_t out_size = out.room();
    size_t in_size = data.size() - in_pos;
    const size_t hint =
        LZ4F_decompress(ctx.get(), out.tail(), &out_size, data.data() + in_pos, &in_size, nullptr);
    if (LZ4F_isError(hint)) return Err(Corrupt(Compression::kLz4, LZ4F_getErrorName(hint)));
    in_pos += in_size;
    out.Commit(out_size);
    // 0: a frame ended and everything is out. Further frames may follow, as the lz4 tool reads.
    if (hint == 0 && in_pos == data.size()) break;
    if (in_size == 0 && out_size == 0) {
      return Err(Corrupt(Compression::kLz4, "truncated frame"));
    }
  }
  return out.Finish();
}

Result<Bytes> Lz4Compress(ByteSpan data) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  // Kafka's Java reader refuses linked blocks ("Dependent block stream is unsupported"), which
  // are liblz4's default; LZ4F_compressFrame only switches to independent blocks by itself when
  // the input fits in one block, so larger inputs would fail only for Java consumers.
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
  Bytes out(LZ4F_compressFrameBound(data.size(), &prefs));
  const size_t n = LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), &prefs);
  if (LZ4F_isError(n)) return Err(LibraryFailure(Compression::kLz4, LZ4F_getErrorName(n)));
  out.resize(n);
  return out;
}

// ---- zstd ----

struct ZstdFreeDecompressor {
  void operator()(ZSTD_DCtx* ctx) const { ZSTD_freeDCtx(ctx); }
};

Result<Bytes> ZstdDecompress(ByteSpan data, size_t max_output) {
  std::unique_ptr<ZSTD_DCtx, ZstdFreeDecompressor> ctx(ZSTD_createDCtx());
  if (!ctx) return Err(LibraryFailure(Compression::kZstd, "cannot start a decompressor"));
  Output out(Compression::kZstd, max_output, data.size());
  // Streaming, because producers that stream (the Java client) leave the content size out.
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  while (true) {
    if (Status s = out.Reserve(); !s.ok()) return Err(s);
    ZSTD_outBuffer dst{out.tail(), out.room(), 0};
    const size_t in_before = in.pos;
    const size_t hint = ZSTD_decompressStream(ctx.get(), &dst, &in);
    if (ZSTD_isError(hint)) return Err(Corrupt(Compression::kZstd, ZSTD_getErrorName(hint)));
    out.Commit(dst.pos);
    // 0: a frame ended and everything is out; the next call starts on any frame that follows.
    if (hint == 0 && in.pos == in.size) break;
    if (in.pos == in_before && dst.pos == 0) {
      return Err(Corrupt(Compression::kZstd, "truncated frame"));
    }
  }
  return out.Finish();
}

Result<Bytes> ZstdCompress(ByteSpan data) {
  Bytes out(ZSTD_compressBound(data.size()));
  const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), kZstdLevel);
  if (ZSTD_isError(n)) return Err(LibraryFailure(Compression::kZstd, ZSTD_getErrorName(n)));
  out.resize(n);
  return out;
}

}  // namespace

Result<Bytes> Decompress(Compression codec, ByteSpan data, size_t max_output) {
  switch (codec) {
    case Compression::kNone:
      if (data.size() > max_output) return Err(TooLarge(codec, max_output));
      return Bytes(data.begin(), data.end());
    case Compression::kGzip:
      return GzipDecompress(data, max_output);
    case Compression::kSnappy:
      return SnappyDecompress(data, max_output);
    case Compression::kLz4:
      return Lz4Decompress(data, max_output);
    case Compression::kZstd:
      return ZstdDecompress(data, max_output);
  }
  return Err(
      Status::Corruption("unknown compression codec " + std::to_string(static_cast<int>(codec))));
}

Result<Bytes> Compress(Compression codec, ByteSpan data) {
  if (data.size() > kMaxInputBytes) {
    return Err(Status::InvalidArgument("records section of " + std::to_string(data.size()) +
                                       " bytes is larger than a batch can hold"));
  }
  switch (codec) {
    case Compression::kNone:
      return Bytes(data.begin(), data.end());
    case Compression::kGzip:
      return GzipCompress(data);
    case Compression::kSnappy:
      return SnappyCompress(data);
    case Compression::kLz4:
      return Lz4Compress(data);
    case Compression::kZstd:
      return ZstdCompress(data);
  }
  return Err(Status::InvalidArgument("unknown compression codec " +
                                     std::to_string(static_cast<int>(codec))));
}

std::string_view CodecName(protocol::Compression codec) {
  switch (codec) {
    case protocol::Compression::kNone:
      return "none";
    case protocol::Compression::kGzip:
      return "gzip";
    case protocol::Compression::kSnappy:
      return "snappy";
    case protocol::Compression::kLz4:
      return "lz4";
    case protocol::Compression::kZstd:
      return "zstd";
  }
  return "unknown";
}

}  // namespace kpk::broker::storage
