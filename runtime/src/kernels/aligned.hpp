// Buffers for packed weights: 64-byte aligned (the micro-kernels' aligned loads), large ones on
// transparent huge pages where the kernel allows it: 512 times fewer page faults while packing
// (a third of VGG-16's packing time went to them) and fewer TLB misses while streaming panels.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <memory>

namespace frost::kernels {

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};
template <class T>
using AlignedPtr = std::unique_ptr<T[], AlignedFree>;

// `count` values (at least one cache line), nullptr when out of memory.
template <class T>
T* AlignedArray(size_t count) {
  constexpr size_t kHugePage = size_t(2) << 20;
  const size_t bytes = (count * sizeof(T) + 63) / 64 * 64;
  if (bytes < 2 * kHugePage) return static_cast<T*>(std::aligned_alloc(64, bytes == 0 ? 64 : bytes));
  const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, rounded);
  if (p != nullptr) madvise(p, rounded, MADV_HUGEPAGE);
  return static_cast<T*>(p);
}

}  // namespace frost::kernels
