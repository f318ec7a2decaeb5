// Kafka's record-batch compression codecs over the records section of a batch (everything after
// the 61-byte header), for the two places the broker must look inside compressed batches: the
// produce path, which checks the records a producer sent, and the log cleaner, which reads record
// keys, drops records and re-compresses the rest with the batch's own codec.
//
// Decompress reads what Kafka clients write, and more: gzip (concatenated members too), snappy
// both framed by snappy-java (the Java client) and raw (librdkafka), LZ4 frames (any block
// mode, several frames back to back) and zstd frames with or without a content size.
// Compress writes what the Java producer writes, so that every client can read batches the
// broker rewrote.
//
// Thread-safe: every call has its own codec state.
#pragma once

#include <cstddef>
#include <string_view>

#include "broker/protocol/record_batch.h"
#include "common/bytes.h"
#include "common/status.h"

namespace kpk::broker::storage {

// The most a records section may decompress to unless a caller says otherwise. Batches are
// limited by message.max.bytes (1 MiB by default) compressed; one inflating to more than this is
// garbage or an attack.
inline constexpr size_t kDefaultMaxDecompressedBytes = size_t{256} << 20;

// The records section `data`, compressed with `codec`, decompressed. Corruption if `data` is not
// a complete, valid stream of that codec, if `codec` is not one Kafka defines, or if the output
// would be larger than max_output bytes; the output buffer grows with what is really decoded,
// not with sizes the stream claims. Unavailable only if the codec library cannot get memory.
// kNone returns a copy.
//
// Not every damage shows here: snappy-java framing has no end mark, so a stream cut between two
// blocks reads as a shorter one, and snappy, LZ4 and zstd streams without checksums may decode
// altered bytes. The batch CRC, checked first, is what catches those.
Result<Bytes> Decompress(protocol::Compression codec, ByteSpan data,
                         size_t max_output = kDefaultMaxDecompressedBytes);

// `data` compressed with `codec` as Kafka's Java producer does it at its default levels: gzip
// (zlib level 6), snappy-java framing of 32 KiB raw snappy blocks, an LZ4 frame of independent
// 64 KiB blocks without content checksum, a zstd frame at level 3. InvalidArgument for an
// unknown codec or an input larger than a batch can hold. kNone returns a copy.
Result<Bytes> Compress(protocol::Compression codec, ByteSpan data);

// "gzip", "snappy", ..., "unknown": how errors name a codec.
std::string_view CodecName(protocol::Compression codec);

}  // namespace kpk::broker::storage
