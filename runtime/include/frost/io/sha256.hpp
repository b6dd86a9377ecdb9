// SHA-256 (FIPS 180-4): the identity of a backbone file that a head-only file records.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace frost::io {

class Sha256 {
 public:
  Sha256();
  void Update(const void* data, size_t size);
  std::array<uint8_t, 32> Finish();  // the digest; the object must not be updated after
  // Lower-case hex of the digest of `size` bytes at `data`.
  static std::string Hex(const void* data, size_t size);

 private:
  void Block(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> pending_{};
  size_t pending_size_ = 0;
  uint64_t total_bytes_ = 0;
};

}  // namespace frost::io
