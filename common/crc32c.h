// CRC32C (Castagnoli), as used by Kafka record batches (magic 2).
//
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at startup) and a
// slicing-by-8 table otherwise, so the same binary runs on any x86-64 and on other
// architectures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace kpk::crc32c {

// Returns the CRC32C of data, continuing from `crc` (the CRC of the preceding bytes; 0 to
// start).
uint32_t Extend(uint32_t crc, const uint8_t* data, size_t n);

inline uint32_t Value(const uint8_t* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::span<const uint8_t> data) { return Extend(0, data.data(), data.size()); }

// The portable path, exposed so tests can check it against the hardware path.
uint32_t ExtendPortable(uint32_t crc, const uint8_t* data, size_t n);
// True when Extend uses the CPU instruction.
bool HardwareAccelerated();

}  // namespace kpk::crc32c
