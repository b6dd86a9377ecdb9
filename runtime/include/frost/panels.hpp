// The PANELS32 weight layout of .frost files (Layout in runtime/schema/frost.fbs).
// The weight of a Conv2D or FullyConnected, n output channels of k values each (OHWI or
// [O, K], flattened per channel), stored as ceil(n / 32) panels of [k][32]: panel p holds
// channels 32p .. 32p+31 side by side for each of the k values, zeros past channel n.
// It is the layout frost's x86 kernels read, so a file written this way (frost convert does,
// for the layers those kernels run) is used in place from the mapped file: nothing is packed
// when a session starts. Other paths (XNNPACK, the reference kernels) unpack it.
// Public because the converter writes the layout and the runtime reads it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace frost {

constexpr int64_t kPanelWidth = 32;  // output channels per panel

// Under ConvKernels::kAuto a Conv2D with fewer output channels runs on XNNPACK, which is faster
// there (half of each 32-wide panel would be padding at 16 channels), so the converter leaves
// such weights plain (FullyConnected ones too: packing a small classifier at start is free).
constexpr int64_t kMinPanelConvChannels = 64;

inline int64_t PanelCount(int64_t n) { return (n + kPanelWidth - 1) / kPanelWidth; }

// Bytes of the packed form of n x k elements of `element_bytes` (2 or 4) each.
inline uint64_t PanelBytes(int64_t n, int64_t k, size_t element_bytes) {
  return uint64_t(PanelCount(n)) * uint64_t(k) * uint64_t(kPanelWidth) * element_bytes;
}

// Writes panel `p` of `w` ([n][k] row-major, elements of `element_bytes` = 2 or 4, copied as
// bit patterns, so float32 and float16 alike) to `dst` (k * 32 elements).
void PackPanel(const void* w, int64_t n, int64_t k, size_t element_bytes, int64_t p, void* dst);

// All panels of `w` into `dst` (PanelBytes(n, k, element_bytes) bytes).
void PackPanels(const void* w, int64_t n, int64_t k, size_t element_bytes, void* dst);

// The inverse: `packed` back to [n][k] row-major in `w`.
void UnpackPanels(const void* packed, int64_t n, int64_t k, size_t element_bytes, void* w);

}  // namespace frost
