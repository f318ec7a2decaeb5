#include "broker/storage/compression.h"

#include <doctest/doctest.h>
#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "fault_injection_fs.h"

namespace kpk::broker::storage::testing {
namespace {

using protocol::Compression;

constexpr Compression kAllCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                      Compression::kLz4, Compression::kZstd};
constexpr Compression kCompressingCodecs[] = {Compression::kGzip, Compression::kSnappy,
                                              Compression::kLz4, Compression::kZstd};

constexpr uint8_t kXerialHeader[16] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0,
                                       0,    0,   0,   1,   0,   0,   0,   1};

Bytes RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes out(n);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

// Records-like text: words from a small vocabulary in random order, so it compresses but not to
// nothing.
Bytes RandomText(size_t n, uint32_t seed) {
  static const std::string kWords[] = {
      "key-", "value ", "partition", "offset:", "{\"id\":", "12345", "kpk", "\n", "topic.", "null"};
  std::mt19937 rng(seed);
  Bytes out;
  out.reserve(n + 16);
  while (out.size() < n) {
    const std::string& w = kWords[rng() % std::size(kWords)];
    out.insert(out.end(), w.begin(), w.end());
  }
  out.resize(n);
  return out;
}

Bytes Repetitive(size_t n) {
  static const std::string kPattern = "key-0042:the same value again;";
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(kPattern[i % kPattern.size()]);
  return out;
}

Bytes Concat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

Bytes FromString(std::string_view s) { return Bytes(s.begin(), s.end()); }

Bytes Prefix(const Bytes& b, size_t n) { return Bytes(b.begin(), b.begin() + n); }

Bytes MustCompress(Compression codec, const Bytes& data) {
  auto compressed = Compress(codec, data);
  REQUIRE_MESSAGE(compressed, compressed.error().ToString());
  return *compressed;
}

void CheckDecompressesTo(Compression codec, const Bytes& compressed, const Bytes& expected) {
  auto out = Decompress(codec, compressed);
  REQUIRE_MESSAGE(out, out.error().ToString());
  CHECK(out->size() == expected.size());
  CHECK(*out == expected);
}

void CheckCorrupt(Compression codec, const Bytes& data, size_t max_output = 1 << 20) {
  auto out = Decompress(codec, data, max_output);
  REQUIRE_FALSE(out.has_value());
  CHECK(out.error().code() == Status::Code::kCorruption);
  CHECK(!out.error().message().empty());
}

// ---- independent producers: the libraries' own simplest APIs ----

// Raw snappy, one block however large: what librdkafka writes.
Bytes RawSnappy(const Bytes& data) {
  Bytes out(snappy_max_compressed_length(data.size()));
  size_t n = out.size();
  REQUIRE(snappy_compress(reinterpret_cast<const char*>(data.data()), data.size(),
                          reinterpret_cast<char*>(out.data()), &n) == SNAPPY_OK);
  out.resize(n);
  return out;
}

// snappy-java framing around the given pieces, one raw block each.
Bytes Xerial(const std::vector<Bytes>& blocks) {
  Bytes out(std::begin(kXerialHeader), std::end(kXerialHeader));
  for (const Bytes& block : blocks) {
    Bytes raw = RawSnappy(block);
    uint8_t length[4];
    StoreBigEndian<uint32_t>(length, static_cast<uint32_t>(raw.size()));
    out.insert(out.end(), std::begin(length), std::end(length));
    out.insert(out.end(), raw.begin(), raw.end());
  }
  return out;
}

Bytes Lz4Frame(const Bytes& data, const LZ4F_preferences_t* prefs) {
  Bytes out(LZ4F_compressFrameBound(data.size(), prefs));
  size_t n = LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), prefs);
  REQUIRE_FALSE(LZ4F_isError(n));
  out.resize(n);
  return out;
}

Bytes ZstdFrame(const Bytes& data, bool with_content_size) {
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  REQUIRE(ctx != nullptr);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, 1);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_contentSizeFlag, with_content_size ? 1 : 0);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_checksumFlag, 1);
  Bytes out(ZSTD_compressBound(data.size()));
  size_t n = ZSTD_compress2(ctx, out.data(), out.size(), data.data(), data.size());
  ZSTD_freeCCtx(ctx);
  REQUIRE_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

// gzip through zlib's file API (its own header and trailer code), one member per piece: each
// gzopen in append mode starts a new member.
Bytes GzipFileMembers(const std::vector<Bytes>& members) {
  TempDir dir;
  std::string path = dir.path() + "/records.gz";
  bool first = true;
  for (const Bytes& member : members) {
    gzFile f = gzopen(path.c_str(), first ? "wb" : "ab");
    REQUIRE(f != nullptr);
    if (!member.empty()) {
      REQUIRE(gzwrite(f, member.data(), static_cast<unsigned>(member.size())) ==
              static_cast<int>(member.size()));
    }
    REQUIRE(gzclose(f) == Z_OK);
    first = false;
  }
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Where the header and each block of a snappy-java stream end.
std::vector<size_t> XerialBlockEnds(const Bytes& stream) {
  size_t pos = sizeof kXerialHeader;
  std::vector<size_t> ends = {pos};
  while (pos + 4 <= stream.size()) {
    pos += 4 + LoadBigEndian<uint32_t>(stream.data() + pos);
    ends.push_back(pos);
  }
  return ends;
}

TEST_CASE("Compress and Decompress round-trip every codec") {
  const std::vector<std::pair<std::string, Bytes>> inputs = {
      {"empty", {}},
      {"one byte", {'k'}},
      {"small", FromString("a small records section")},
      {"1 MiB random", RandomBytes(1 << 20, 1)},
      {"1 MiB text", RandomText(1 << 20, 2)},
      {"1 MiB repetitive", Repetitive(1 << 20)},
      {"just past a snappy-java block", RandomText(32 * 1024 + 1, 3)},
      {"just past an lz4 block", RandomText(64 * 1024 + 1, 4)},
  };
  for (Compression codec : kAllCodecs) {
    for (const auto& [name, data] : inputs) {
      CAPTURE(CodecName(codec));
      CAPTURE(name);
      Bytes compressed = MustCompress(codec, data);
      CheckDecompressesTo(codec, compressed, data);
      if (codec != Compression::kNone && name == "1 MiB repetitive") {
        CHECK(compressed.size() < data.size() / 20);
      }
    }
  }
}

TEST_CASE("Compress writes the framing Kafka's Java producer writes") {
  const Bytes data = RandomText((1 << 20) + 5, 5);

  SUBCASE("gzip") {
    Bytes c = MustCompress(Compression::kGzip, data);
    REQUIRE(c.size() > 10);
    CHECK(c[0] == 0x1f);
    CHECK(c[1] == 0x8b);
    CHECK(c[2] == 8);  // deflate
  }

  SUBCASE("snappy: snappy-java header, then 32 KiB blocks") {
    Bytes c = MustCompress(Compression::kSnappy, data);
    REQUIRE(c.size() > sizeof kXerialHeader);
    CHECK(Bytes(c.begin(), c.begin() + sizeof kXerialHeader) ==
          Bytes(std::begin(kXerialHeader), std::end(kXerialHeader)));
    size_t pos = sizeof kXerialHeader;
    size_t total = 0;
    int blocks = 0;
    while (pos < c.size()) {
      REQUIRE(c.size() - pos >= 4);
      const uint32_t length = LoadBigEndian<uint32_t>(c.data() + pos);
      pos += 4;
      REQUIRE(length <= c.size() - pos);
      size_t block_size = 0;
      REQUIRE(snappy_uncompressed_length(reinterpret_cast<const char*>(c.data() + pos), length,
                                         &block_size) == SNAPPY_OK);
      total += block_size;
      ++blocks;
      if (total < data.size()) CHECK(block_size == 32 * 1024);
      pos += length;
    }
    CHECK(total == data.size());
    CHECK(blocks == 33);
  }

  SUBCASE("lz4: independent 64 KiB blocks, no content checksum") {
    Bytes c = MustCompress(Compression::kLz4, data);
    REQUIRE(c.size() > 7);
    CHECK(LoadBigEndian<uint32_t>(c.data()) == 0x04224D18);  // 0x184D2204 little-endian
    const uint8_t flg = c[4];
    CHECK((flg >> 6) == 1);    // version
    CHECK((flg & 0x20) != 0);  // block independence: Kafka's Java reader requires it
    CHECK((flg & 0x04) == 0);  // content checksum
    CHECK(c[5] == 0x40);       // BD: 64 KiB blocks
  }

  SUBCASE("zstd") {
    Bytes c = MustCompress(Compression::kZstd, data);
    REQUIRE(c.size() > 4);
    CHECK(LoadBigEndian<uint32_t>(c.data()) == 0x28B52FFD);
  }
}

TEST_CASE("Decompress reads gzip from zlib's file API, with concatenated members") {
  const Bytes a = RandomText(100000, 6);
  const Bytes b = Repetitive(5000);
  CheckDecompressesTo(Compression::kGzip, GzipFileMembers({a}), a);
  CheckDecompressesTo(Compression::kGzip, GzipFileMembers({a, b}), Concat(a, b));
  CheckDecompressesTo(Compression::kGzip, GzipFileMembers({a, {}, b}), Concat(a, b));
  // A member of ours after one of zlib's.
  CheckDecompressesTo(Compression::kGzip,
                      Concat(GzipFileMembers({a}), MustCompress(Compression::kGzip, b)),
                      Concat(a, b));
}

TEST_CASE("Decompress reads raw snappy, as librdkafka writes it") {
  for (const Bytes& data : {Bytes{}, Repetitive(10), RandomText(100000, 7), RandomBytes(1 << 20, 8),
                            Repetitive(3 << 20)}) {
    CAPTURE(data.size());
    CheckDecompressesTo(Compression::kSnappy, RawSnappy(data), data);
  }
}

TEST_CASE("Decompress reads snappy-java framing") {
  const Bytes a = RandomText(32 * 1024, 9);
  const Bytes b = RandomText(1000, 10);

  SUBCASE("two blocks") { CheckDecompressesTo(Compression::kSnappy, Xerial({a, b}), Concat(a, b)); }
  SUBCASE("blocks larger than snappy-java writes") {
    const Bytes big = RandomText(200000, 11);
    CheckDecompressesTo(Compression::kSnappy, Xerial({big, a}), Concat(big, a));
  }
  SUBCASE("a second stream appended to the first") {
    CheckDecompressesTo(Compression::kSnappy, Concat(Xerial({a}), Xerial({b, a})),
                        Concat(Concat(a, b), a));
  }
  SUBCASE("a header and no blocks") { CheckDecompressesTo(Compression::kSnappy, Xerial({}), {}); }
}

TEST_CASE("Decompress reads LZ4 frames however liblz4 was set up") {
  const Bytes data = RandomText(1 << 20, 12);

  SUBCASE("default preferences: linked 64 KiB blocks") {
    CheckDecompressesTo(Compression::kLz4, Lz4Frame(data, nullptr), data);
  }
  SUBCASE("checksums, content size, 4 MiB blocks, high compression") {
    LZ4F_preferences_t prefs{};
    prefs.frameInfo.blockSizeID = LZ4F_max4MB;
    prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    prefs.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
    prefs.frameInfo.contentSize = data.size();
    prefs.compressionLevel = 9;
    CheckDecompressesTo(Compression::kLz4, Lz4Frame(data, &prefs), data);
  }
  SUBCASE("two frames") {
    const Bytes tail = Repetitive(777);
    CheckDecompressesTo(Compression::kLz4, Concat(Lz4Frame(data, nullptr), Lz4Frame(tail, nullptr)),
                        Concat(data, tail));
  }
  SUBCASE("an empty frame") { CheckDecompressesTo(Compression::kLz4, Lz4Frame({}, nullptr), {}); }
}

TEST_CASE("Decompress reads zstd frames with and without a content size") {
  const Bytes data = RandomText(1 << 20, 13);
  const Bytes without_size = ZstdFrame(data, false);
  REQUIRE(ZSTD_getFrameContentSize(without_size.data(), without_size.size()) ==
          ZSTD_CONTENTSIZE_UNKNOWN);
  CheckDecompressesTo(Compression::kZstd, without_size, data);
  CheckDecompressesTo(Compression::kZstd, ZstdFrame(data, true), data);

  Bytes simple(ZSTD_compressBound(data.size()));
  simple.resize(ZSTD_compress(simple.data(), simple.size(), data.data(), data.size(), 1));
  CheckDecompressesTo(Compression::kZstd, simple, data);

  const Bytes tail = Repetitive(5000);
  CheckDecompressesTo(Compression::kZstd, Concat(without_size, ZstdFrame(tail, true)),
                      Concat(data, tail));
}

TEST_CASE("Every truncation of a compressed stream is Corruption") {
  const Bytes data = Concat(RandomBytes(40000, 14), RandomText(150000, 15));
  for (Compression codec : kCompressingCodecs) {
    CAPTURE(CodecName(codec));
    const Bytes full = MustCompress(codec, data);
    // snappy-java framing has no end mark: a cut between blocks is a shorter valid stream. The
    // batch's CRC and record count catch that, not the codec.
    std::vector<size_t> block_ends;
    if (codec == Compression::kSnappy) block_ends = XerialBlockEnds(full);
    for (size_t cut = 0; cut < full.size(); cut += (cut < 64 || full.size() - cut < 64) ? 1 : 97) {
      CAPTURE(cut);
      if (std::find(block_ends.begin(), block_ends.end(), cut) != block_ends.end()) {
        auto out = Decompress(codec, Prefix(full, cut));
        REQUIRE(out);
        CHECK(*out == Prefix(data, out->size()));
        continue;
      }
      CheckCorrupt(codec, Prefix(full, cut));
    }
  }
  // Raw snappy says how long its output is, so any cut shows.
  const Bytes raw = RawSnappy(data);
  for (size_t cut = 0; cut < raw.size(); cut += cut < 64 ? 1 : 89) {
    CAPTURE(cut);
    CheckCorrupt(Compression::kSnappy, Prefix(raw, cut));
  }
}

TEST_CASE("Garbage is Corruption for every codec, never a crash") {
  for (Compression codec : kCompressingCodecs) {
    CAPTURE(CodecName(codec));
    for (uint32_t seed = 0; seed < 300; ++seed) {
      CAPTURE(seed);
      CheckCorrupt(codec, RandomBytes(2 + seed * 13 % 4000, seed));
    }
    // Trailing bytes after a complete stream.
    Bytes trailing = Concat(MustCompress(codec, RandomText(5000, 16)), RandomBytes(20, 17));
    CheckCorrupt(codec, trailing);
  }
}

TEST_CASE("Malformed streams give a Corruption that says what is wrong") {
  SUBCASE("gzip with a flipped byte fails its CRC or its inflate") {
    Bytes c = MustCompress(Compression::kGzip, RandomText(10000, 18));
    for (size_t at : {size_t{20}, c.size() / 2, c.size() - 6}) {
      Bytes bad = c;
      bad[at] ^= 0x10;
      CheckCorrupt(Compression::kGzip, bad);
    }
  }
  SUBCASE("raw snappy claiming 4 GiB from 6 bytes is refused before allocating") {
    auto out =
        Decompress(Compression::kSnappy, Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00}, SIZE_MAX);
    REQUIRE_FALSE(out);
    CHECK(out.error().code() == Status::Code::kCorruption);
  }
  SUBCASE("snappy-java framing") {
    const Bytes header(std::begin(kXerialHeader), std::end(kXerialHeader));
    CheckCorrupt(Compression::kSnappy, Prefix(header, 8));   // magic alone
    CheckCorrupt(Compression::kSnappy, Prefix(header, 12));  // half a header
    CheckCorrupt(Compression::kSnappy, Concat(header, {0, 0}));
    CheckCorrupt(Compression::kSnappy, Concat(header, {0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3}));
    CheckCorrupt(Compression::kSnappy, Concat(header, {0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3}));
    CheckCorrupt(Compression::kSnappy, Concat(header, {0, 0, 0, 0}));  // an empty block
    // An appended stream's header that is not one.
    CheckCorrupt(Compression::kSnappy,
                 Concat(Xerial({Repetitive(100)}), {0x82, 'S', 'N', 'A', 'X', 'X', 'X', 'X'}));
    // A block claiming far more than it could hold.
    CheckCorrupt(Compression::kSnappy, Concat(header, {0, 0, 0, 3, 0xFF, 0xFF, 0x7F}));
  }
  SUBCASE("messages name the codec") {
    for (Compression codec : kCompressingCodecs) {
      auto out = Decompress(codec, Bytes{1, 2, 3});
      REQUIRE_FALSE(out);
      CHECK(out.error().message().find(CodecName(codec)) != std::string::npos);
    }
  }
  SUBCASE("codecs Kafka does not define") {
    for (int codec : {5, 6, 7}) {
      CheckCorrupt(static_cast<Compression>(codec), Bytes{1, 2, 3});
      auto compressed = Compress(static_cast<Compression>(codec), Bytes{1, 2, 3});
      REQUIRE_FALSE(compressed);
      CHECK(compressed.error().code() == Status::Code::kInvalidArgument);
    }
  }
}

TEST_CASE("Decompress refuses output larger than max_output") {
  const Bytes data = RandomText(100000, 19);
  for (Compression codec : kAllCodecs) {
    CAPTURE(CodecName(codec));
    const Bytes c = MustCompress(codec, data);
    auto exact = Decompress(codec, c, data.size());
    REQUIRE_MESSAGE(exact, exact.error().ToString());
    CHECK(*exact == data);
    auto over = Decompress(codec, c, data.size() - 1);
    REQUIRE_FALSE(over);
    CHECK(over.error().code() == Status::Code::kCorruption);
    CHECK(over.error().message().find("more than 99999 bytes") != std::string::npos);
  }
  // Raw snappy, where the claimed length is checked before any block is decoded.
  auto raw = Decompress(Compression::kSnappy, RawSnappy(data), data.size() - 1);
  REQUIRE_FALSE(raw);
  CHECK(raw.error().code() == Status::Code::kCorruption);

  // Streams that inflate enormously stop at the limit.
  const Bytes zeros(32 << 20, 0);
  for (Compression codec : kCompressingCodecs) {
    CAPTURE(CodecName(codec));
    CheckCorrupt(codec, MustCompress(codec, zeros), 1 << 20);
  }
}

}  // namespace
}  // namespace kpk::broker::storage::testing
