#include "broker/storage/segment.h"

#include <doctest/doctest.h>

#include "storage_test_util.h"

namespace kpk::broker::storage::testing {
namespace {

constexpr int64_t kNow = 1700000000000;

// A file holding `batches` back to back, opened for reading.
struct BatchFile {
  explicit BatchFile(const std::vector<Bytes>& batches) {
    auto f = DefaultFileSystem()->Open(JoinPath(dir.path(), "seg.log"), OpenMode::kCreate);
    REQUIRE(f);
    file = std::move(*f);
    for (const Bytes& b : batches) {
      REQUIRE(file->WriteAt(size, b).ok());
      size += b.size();
    }
  }
  TempDir dir;
  std::unique_ptr<File> file;
  uint64_t size = 0;
};

TEST_CASE("ReadBatches returns the whole batches that fit in max_bytes") {
  Bytes a = MakeBatch(3, 100, kNow, 'a');
  Bytes b = MakeBatch(2, 100, kNow, 'b');
  Bytes c = MakeBatch(1, 100, kNow, 'c');
  BatchFile f({a, b, c});

  auto all = ReadBatches(*f.file, 0, f.size, 1 << 20);
  REQUIRE(all);
  CHECK(all->size() == f.size);
  CHECK(Summarize(*all).size() == 3);

  // One byte short of three batches: the third is cut, not returned torn.
  auto two = ReadBatches(*f.file, 0, f.size, f.size - 1);
  REQUIRE(two);
  CHECK(two->size() == a.size() + b.size());
  Bytes expected = a;
  expected.insert(expected.end(), b.begin(), b.end());
  CHECK(Bytes(two->data(), two->data() + two->size()) == expected);

  // Starting at the second batch; `end` stops before the third.
  auto middle = ReadBatches(*f.file, a.size(), a.size() + b.size() + 10, 1 << 20);
  REQUIRE(middle);
  CHECK(Bytes(middle->data(), middle->data() + middle->size()) == b);
}

TEST_CASE("ReadBatches returns a first batch larger than max_bytes whole") {
  Bytes big = MakeBatch(10, 500, kNow);
  BatchFile f({big, MakeBatch(1, 10, kNow)});
  for (size_t max_bytes : {size_t{0}, size_t{1}, size_t{61}, big.size() - 1}) {
    CAPTURE(max_bytes);
    auto read = ReadBatches(*f.file, 0, f.size, max_bytes);
    REQUIRE(read);
    CHECK(Bytes(read->data(), read->data() + read->size()) == big);
  }
}

TEST_CASE("ReadBatches: an empty range is empty, a bad header is corruption") {
  Bytes batch = MakeBatch(2, 10, kNow);
  BatchFile f({batch});
  auto empty = ReadBatches(*f.file, f.size, f.size, 100);
  REQUIRE(empty);
  CHECK(empty->empty());

  // A batch claiming more bytes than the range holds cannot be returned whole.
  auto torn = ReadBatches(*f.file, 0, f.size - 1, 10);
  REQUIRE(!torn);
  CHECK(torn.error().code() == Status::Code::kCorruption);
}

TEST_CASE("bytes read stay valid through their owner after the read result is gone") {
  Bytes batch = MakeBatch(4, 50, kNow);
  BatchFile f({batch});
  std::shared_ptr<const void> owner;
  ByteSpan view;
  {
    auto read = ReadBatches(*f.file, 0, f.size, 1 << 20);
    REQUIRE(read);
    owner = read->owner();
    view = read->span();
  }
  CHECK(Bytes(view.begin(), view.end()) == batch);
}

TEST_CASE("SharedBytes: made for overwrite, truncated without reallocating, shared by copies") {
  auto b = SharedBytes::ForOverwrite(8);
  CHECK(b.size() == 8);
  for (size_t i = 0; i < 8; ++i) b.writable()[i] = static_cast<uint8_t>(i);
  const uint8_t* data = b.data();
  b.Truncate(5);
  CHECK(b.size() == 5);
  CHECK(b.data() == data);
  b.Truncate(100);  // only ever shrinks
  CHECK(b.size() == 5);
  SharedBytes copy = b;
  CHECK(copy.data() == data);
  CHECK(copy.span().back() == 4);
  CHECK(SharedBytes::ForOverwrite(0).empty());
  CHECK(SharedBytes{}.owner() == nullptr);
}

}  // namespace
}  // namespace kpk::broker::storage::testing
