// write_fuzz_seeds DIR: writes one request frame per (API, version, sample variant) from the
// generated test samples, so the fuzzer starts from every version's layout (flexible encodings,
// tagged and unknown tagged fields, null and non-null values) and not only from the versions
// real clients happened to send in the golden captures.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "generated/samples.h"
#include "request_frames.h"

namespace kpk::broker::protocol::testing {
namespace {

bool WriteFile(const std::filesystem::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return out.good();
}

// Writes the seeds of one API; the number written, or -1 on an I/O error.
int WriteApiSeeds(const ApiInfo& api, const std::filesystem::path& dir) {
  int written = 0;
  for (int16_t version = api.min_version; version <= api.max_version; ++version) {
    for (int variant = 0; variant < 2; ++variant) {
      bool ok = true;
      VisitRequestType(static_cast<int16_t>(api.key), [&](auto type) {
        typename decltype(type)::type body;
        int seed = 0;
        Fill(body, version, variant, seed);
        FrameHeader h;
        h.header.request_api_key = static_cast<int16_t>(api.key);
        h.header.request_api_version = version;
        h.header.correlation_id = version;
        h.header.client_id = "kpk-seed";
        h.header_version = RequestHeaderVersion(h.header.request_api_key, version);
        const std::string name = std::string(api.name) + "_v" + std::to_string(version) + "_" +
                                 std::to_string(variant) + ".bin";
        ok = WriteFile(dir / name, EncodeFrame(h, body));
      });
      if (!ok) return -1;
      ++written;
    }
  }
  return written;
}

}  // namespace
}  // namespace kpk::broker::protocol::testing

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_fuzz_seeds DIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  int total = 0;
  for (const auto& api : kpk::broker::protocol::AllApis()) {
    const int n = kpk::broker::protocol::testing::WriteApiSeeds(api, dir);
    if (n < 0) {
      std::fprintf(stderr, "write_fuzz_seeds: unable to write seeds to %s\n", argv[1]);
      return 1;
    }
    total += n;
  }
  std::printf("write_fuzz_seeds: %d request frames in %s\n", total, argv[1]);
  return 0;
}
