#include <doctest/doctest.h>

#include "broker/net/response.h"
#include "broker/protocol/generated/fetch_response.h"

namespace kpk::broker {
namespace {

Bytes Concatenate(const ResponseBody& body) {
  Bytes out;
  body.ForEachPiece(
      [&](ByteSpan piece) {
        CHECK(!piece.empty());
        out.insert(out.end(), piece.begin(), piece.end());
      },
      [](const FileRange&) { FAIL("no records are in a file"); });
  return out;
}

protocol::FetchResponse FetchResponseWith(const std::vector<std::shared_ptr<const Bytes>>& sets) {
  protocol::FetchResponse response;
  auto& topic = response.responses.emplace_back();
  topic.topic = std::string("t");  // assigning the literal trips GCC 12's -Wrestrict (PR105329)
  int32_t partition = 0;
  for (const auto& set : sets) {
    auto& p = topic.partitions.emplace_back();
    p.partition_index = partition++;
    p.aborted_transactions.emplace();
    p.records = protocol::Records(set);
  }
  return response;
}

TEST_CASE("a fetch response with spliced records sends the same bytes as a copied one") {
  std::vector<std::shared_ptr<const Bytes>> sets = {
      std::make_shared<const Bytes>(5000, 0xa1), std::make_shared<const Bytes>(10, 0xb2),
      std::make_shared<const Bytes>(0), std::make_shared<const Bytes>(7000, 0xc3)};
  const auto response = FetchResponseWith(sets);
  for (int16_t version : {4, 11, 12}) {
    CAPTURE(version);
    ByteWriter copied;
    response.Encode(copied, version);

    ByteWriter spliced;
    spliced.AllowSplicing(100);
    response.Encode(spliced, version);
    ResponseBody body{spliced.Take(), spliced.TakeSplices(), nullptr};
    CHECK(body.splices.size() == 2);  // the 10-byte and empty sets are copied
    CHECK(body.bytes.size() + 12000 == copied.size());
    CHECK(body.size() == copied.size());
    CHECK(Concatenate(body) == copied.buffer());
  }
}

TEST_CASE("response body pieces: splices at the start, the end, and next to each other") {
  const Bytes a = {1, 2};
  const Bytes b = {3};
  ResponseBody body{{7, 8, 9}, {{0, a}, {0, b}, {2, a}, {3, b}}, nullptr};
  std::vector<Bytes> pieces;
  body.ForEachPiece([&](ByteSpan p) { pieces.emplace_back(p.begin(), p.end()); },
                    [](const FileRange&) { FAIL("no file pieces"); });
  CHECK(pieces == std::vector<Bytes>{{1, 2}, {3}, {7, 8}, {1, 2}, {9}, {3}});
  CHECK(body.size() == 9);

  ResponseBody plain{{4, 5}, {}, nullptr};
  pieces.clear();
  plain.ForEachPiece([&](ByteSpan p) { pieces.emplace_back(p.begin(), p.end()); },
                     [](const FileRange&) { FAIL("no file pieces"); });
  CHECK(pieces == std::vector<Bytes>{{4, 5}});
}

TEST_CASE("records in a file are spliced as file pieces between the encoded bytes") {
  auto in_memory = std::make_shared<const Bytes>(5000, 0xa1);
  protocol::FetchResponse response = FetchResponseWith({in_memory, in_memory});
  const FileRange range{7, 4096, 20000};
  response.responses[0].partitions[1].records = protocol::Records(range, nullptr);
  for (int16_t version : {4, 12}) {
    CAPTURE(version);
    ByteWriter w;
    w.AllowSplicing(100);
    response.Encode(w, version);
    ResponseBody body{w.Take(), w.TakeSplices(), nullptr};
    CHECK(body.has_file_pieces());
    CHECK(body.size() == body.bytes.size() + 5000 + 20000);
    std::vector<std::string> order;
    Bytes before_file;
    body.ForEachPiece(
        [&](ByteSpan piece) {
          order.push_back(piece.size() == 5000 ? "memory records" : "encoded");
          if (order.size() < 4) before_file.insert(before_file.end(), piece.begin(), piece.end());
        },
        [&](const FileRange& file) {
          CHECK(file == range);
          order.push_back("file");
        });
    std::vector<std::string> expected = {"encoded", "memory records", "encoded", "file"};
    if (version >= 12) expected.push_back("encoded");  // tagged fields follow the records
    CHECK(order == expected);
    // The length prefix right before the file piece announces the range's size.
    const size_t n = before_file.size();
    if (version >= 12) {
      CHECK(before_file[n - 3] == ((20001 & 0x7f) | 0x80));  // compact: length + 1, varint
    } else {
      CHECK(LoadBigEndian<int32_t>(before_file.data() + n - 4) == 20000);
    }
  }
}

}  // namespace
}  // namespace kpk::broker
