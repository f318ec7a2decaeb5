#include "common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>

namespace kpk {
namespace {
std::atomic<bool> g_verbose{false};
}  // namespace

void SetVerbose(bool on) { g_verbose = on; }
bool Verbose() { return g_verbose; }

void DebugLine(std::string_view line) {
  using namespace std::chrono;
  auto now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  // One write per line so concurrent librdkafka threads do not interleave halves.
  std::string text = fmt::format("{}.{:03} DEBUG {}\n", now / 1000, now % 1000, line);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace kpk
