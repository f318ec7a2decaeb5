#include "broker/storage/segment.h"

#include <algorithm>

#include "broker/protocol/record_batch.h"
#include "broker/storage/log_format.h"

namespace kpk::broker::storage {

namespace bh = protocol::batch_header;

BatchScanner::BatchScanner(const File& file, uint64_t start, uint64_t end, size_t chunk_bytes)
    : file_(file), next_(start), end_(end), chunk_(std::max<size_t>(chunk_bytes, bh::kSize)) {}

bool BatchScanner::Fill(uint64_t pos, size_t n) {
  if (pos >= buf_pos_ && pos + n <= buf_pos_ + buf_.size()) return true;
  size_t len = static_cast<size_t>(std::min<uint64_t>(std::max(n, chunk_), end_ - pos));
  buf_.resize(len);
  buf_pos_ = pos;
  auto got = file_.ReadAt(pos, buf_);
  if (!got) {
    io_status_ = got.error();
    buf_.clear();
    return false;
  }
  buf_.resize(*got);
  return *got >= n;
}

BatchScanner::Step BatchScanner::Next(bool whole_batch) {
  if (!io_status_.ok()) return Step::kIOError;
  if (next_ >= end_) return Step::kEnd;
  uint64_t pos = next_;
  if (end_ - pos < bh::kSize) return Step::kPartial;
  if (!Fill(pos, bh::kSize)) return io_status_.ok() ? Step::kPartial : Step::kIOError;
  const uint8_t* h = buf_.data() + (pos - buf_pos_);
  int32_t batch_length = LoadBigEndian<int32_t>(h + bh::kBatchLength);
  if (LoadBigEndian<int8_t>(h + bh::kMagic) != protocol::kMagicV2 ||
      batch_length < protocol::kMinBatchLengthV2) {
    return Step::kBadHeader;
  }
  uint64_t size = static_cast<uint64_t>(batch_length) + bh::kLogOverhead;
  if (size > end_ - pos) return Step::kPartial;
  header_.position = pos;
  header_.size = static_cast<uint32_t>(size);
  header_.base_offset = LoadBigEndian<int64_t>(h + bh::kBaseOffset);
  header_.last_offset_delta = LoadBigEndian<int32_t>(h + bh::kLastOffsetDelta);
  header_.base_timestamp = LoadBigEndian<int64_t>(h + bh::kBaseTimestamp);
  header_.max_timestamp = LoadBigEndian<int64_t>(h + bh::kMaxTimestamp);
  header_.attributes = LoadBigEndian<int16_t>(h + bh::kAttributes);
  if (whole_batch && !Fill(pos, header_.size)) {
    return io_status_.ok() ? Step::kPartial : Step::kIOError;
  }
  next_ = pos + size;
  return Step::kBatch;
}

ByteSpan BatchScanner::batch() const {
  return ByteSpan(buf_).subspan(header_.position - buf_pos_, header_.size);
}

Status BatchScanner::failure() const {
  if (!io_status_.ok()) return io_status_;
  return Status::Corruption(file_.path() + ": malformed batch at byte " + std::to_string(next_));
}

ByteSpan BatchScanner::header_bytes() const {
  return ByteSpan(buf_).subspan(header_.position - buf_pos_, bh::kSize);
}

Result<std::shared_ptr<Segment>> Segment::Create(FileSystem& fs, const std::string& dir,
                                                 int64_t base_offset) {
  std::string path = JoinPath(dir, format::SegmentFileName(base_offset, format::kLogSuffix));
  auto file = fs.Open(path, OpenMode::kCreateTruncate);
  if (!file) return Err(file.error());
  return std::shared_ptr<Segment>(new Segment(dir, base_offset, std::move(*file)));
}

Result<std::shared_ptr<Segment>> Segment::CreateCleaned(FileSystem& fs, const std::string& dir,
                                                        int64_t base_offset) {
  std::string name = format::SegmentFileName(base_offset, format::kLogSuffix);
  name += format::kCleanedSuffix;
  auto file = fs.Open(JoinPath(dir, name), OpenMode::kCreateTruncate);
  if (!file) return Err(file.error());
  return std::shared_ptr<Segment>(new Segment(dir, base_offset, std::move(*file)));
}

Result<std::shared_ptr<Segment>> Segment::Open(FileSystem& fs, const std::string& dir,
                                               int64_t base_offset) {
  std::string path = JoinPath(dir, format::SegmentFileName(base_offset, format::kLogSuffix));
  auto file = fs.Open(path, OpenMode::kReadWrite);
  if (!file) return Err(file.error());
  return std::shared_ptr<Segment>(new Segment(dir, base_offset, std::move(*file)));
}

std::string Segment::FilePath(std::string_view suffix) const {
  return JoinPath(dir_, format::SegmentFileName(base_offset(), suffix));
}

Status Segment::Append(ByteSpan batch, const BatchHeader& header, int32_t index_interval_bytes) {
  uint32_t position = size();
  Status s = log_->WriteAt(position, batch);
  if (!s.ok()) {
    // Best effort: if this fails too, the stale bytes past size() are overwritten by the next
    // write, or cut as a torn tail by recovery.
    (void)log_->Truncate(position);
    return s;
  }
  index_.Add(header.base_offset, header.next_offset(), header.max_timestamp,
             static_cast<uint32_t>(batch.size()), index_interval_bytes);
  return Status::OK();
}

Status Segment::SaveIndex(FileSystem& fs, const SegmentIndex& index, bool sync) const {
  Bytes offsets = index.EncodeOffsetIndex();
  Bytes times = index.EncodeTimeIndex();
  Status s = WriteFileAtomically(fs, FilePath(format::kOffsetIndexSuffix), offsets, sync);
  if (s.ok()) s = WriteFileAtomically(fs, FilePath(format::kTimeIndexSuffix), times, sync);
  return s;
}

Status Segment::LoadIndex(FileSystem& fs, uint64_t log_file_size) {
  std::string offsets_path = FilePath(format::kOffsetIndexSuffix);
  std::string times_path = FilePath(format::kTimeIndexSuffix);
  if (!fs.Exists(offsets_path) || !fs.Exists(times_path)) {
    return Status::NotFound("no saved index");
  }
  auto offsets = ReadWholeFile(fs, offsets_path);
  if (!offsets) return offsets.error();
  auto times = ReadWholeFile(fs, times_path);
  if (!times) return times.error();
  auto index = SegmentIndex::Decode(base_offset(), *offsets, *times);
  if (!index) return index.error();
  if (index->covered_bytes() > log_file_size) {
    return Status::Corruption("saved index describes more bytes than the log holds");
  }
  if (!index->entries().empty()) {
    // The cheapest check that the index belongs to this .log: its last point is a batch with
    // the offset it claims.
    const SegmentIndex::Entry& last = index->entries().back();
    BatchScanner scanner(*log_, last.position, index->covered_bytes(), bh::kSize);
    if (scanner.Next(false) != BatchScanner::Step::kBatch ||
        scanner.header().base_offset != base_offset() + last.relative_offset) {
      return Status::Corruption("saved index does not match the log");
    }
  }
  index_ = std::move(*index);
  return Status::OK();
}

Status Segment::RemoveFiles(FileSystem& fs) {
  removed_.store(true, std::memory_order_release);
  Status result;
  for (std::string_view suffix : {format::kTimeIndexSuffix, format::kOffsetIndexSuffix}) {
    std::string path = FilePath(suffix);
    if (fs.Exists(path)) {
      Status s = fs.RemoveFile(path);
      if (!s.ok() && result.ok()) result = s;
    }
  }
  // The .log goes last so that a crash part way leaves a loadable segment, not orphans.
  Status s = fs.RemoveFile(FilePath(format::kLogSuffix));
  if (!s.ok() && result.ok()) result = s;
  return result;
}

Result<std::optional<BatchHeader>> FindBatchByOffset(const File& file, uint64_t start, uint64_t end,
                                                     int64_t offset) {
  BatchScanner scanner(file, start, end, 16 * 1024);
  while (true) {
    const BatchScanner::Step step = scanner.Next(false);
    if (step == BatchScanner::Step::kEnd) return std::nullopt;
    if (step != BatchScanner::Step::kBatch) return Err(scanner.failure());
    if (scanner.header().next_offset() > offset) return scanner.header();
  }
}

Result<std::optional<BatchHeader>> FindBatchByTimestamp(const File& file, uint64_t start,
                                                        uint64_t end, int64_t timestamp,
                                                        int64_t min_offset) {
  BatchScanner scanner(file, start, end, 16 * 1024);
  while (true) {
    const BatchScanner::Step step = scanner.Next(false);
    if (step == BatchScanner::Step::kEnd) return std::nullopt;
    if (step != BatchScanner::Step::kBatch) return Err(scanner.failure());
    const BatchHeader& header = scanner.header();
    if (header.max_timestamp >= timestamp && header.next_offset() > min_offset) return header;
  }
}

namespace {

// Reads the batch at `start` whole, however large.
Result<SharedBytes> ReadFirstBatch(const File& file, uint64_t start, uint64_t end) {
  uint8_t header[bh::kLogOverhead];
  auto n = file.ReadAt(start, header);
  if (!n) return Err(n.error());
  int32_t length = *n == sizeof header ? LoadBigEndian<int32_t>(header + bh::kBatchLength) : -1;
  if (length < protocol::kMinBatchLengthV2 ||
      uint64_t{static_cast<uint32_t>(length)} + bh::kLogOverhead > end - start) {
    return Err(
        Status::Corruption(file.path() + ": malformed batch at byte " + std::to_string(start)));
  }
  auto out = SharedBytes::ForOverwrite(static_cast<size_t>(length) + bh::kLogOverhead);
  auto got = file.ReadAt(start, out.writable());
  if (!got) return Err(got.error());
  if (*got != out.size()) return Err(Status::Corruption(file.path() + ": short read"));
  return out;
}

}  // namespace

Result<Bytes> ReadBatch(const File& file, const BatchHeader& header) {
  Bytes bytes(header.size);
  auto n = file.ReadAt(header.position, bytes);
  if (!n) return Err(n.error());
  bytes.resize(*n);
  return bytes;
}

Result<SharedBytes> ReadBatches(const File& file, uint64_t start, uint64_t end, size_t max_bytes) {
  if (start >= end) return SharedBytes{};
  auto out =
      SharedBytes::ForOverwrite(static_cast<size_t>(std::min<uint64_t>(end - start, max_bytes)));
  auto got = file.ReadAt(start, out.writable());
  if (!got) return Err(got.error());
  out.Truncate(*got);
  const size_t whole = ScanWholeBatches(out, 0).bytes;
  if (whole == 0) return ReadFirstBatch(file, start, end);  // larger than max_bytes alone
  out.Truncate(whole);
  return out;
}

WholeBatches ScanWholeBatches(ByteSpan bytes, int64_t none_offset) {
  WholeBatches whole{0, none_offset};
  while (bytes.size() - whole.bytes >= bh::kLogOverhead) {
    const uint8_t* h = bytes.data() + whole.bytes;
    int32_t length = LoadBigEndian<int32_t>(h + bh::kBatchLength);
    if (length < protocol::kMinBatchLengthV2) break;
    size_t size = static_cast<size_t>(length) + bh::kLogOverhead;
    if (size > bytes.size() - whole.bytes) break;
    // A whole batch holds its full header, so the offsets are there to read.
    whole.next_offset = LoadBigEndian<int64_t>(h + bh::kBaseOffset) +
                        LoadBigEndian<int32_t>(h + bh::kLastOffsetDelta) + 1;
    whole.bytes += size;
  }
  return whole;
}

}  // namespace kpk::broker::storage
