#include "frost/panels.hpp"

#include <algorithm>
#include <cstring>

namespace frost {
namespace {

// T: an unsigned integer of the element's size (values are moved as bit patterns).
template <class T>
void PackPanelOf(const T* w, int64_t n, int64_t k, int64_t p, T* dst) {
  const int64_t row0 = p * kPanelWidth;
  const int64_t rows = std::min(kPanelWidth, n - row0);
  if (rows < kPanelWidth) std::memset(dst, 0, size_t(k * kPanelWidth) * sizeof(T));
  // A transpose in tiles of 16 k by the panel's rows: 16 consecutive source values per row,
  // 16 whole destination rows of 32 per tile, both cache friendly.
  constexpr int64_t kTile = 16;
  for (int64_t k0 = 0; k0 < k; k0 += kTile) {
    const int64_t kn = std::min(kTile, k - k0);
    for (int64_t r = 0; r < rows; ++r) {
      const T* src = w + (row0 + r) * k + k0;
      T* out = dst + k0 * kPanelWidth + r;
      for (int64_t t = 0; t < kn; ++t) out[t * kPanelWidth] = src[t];
    }
  }
}

template <class T>
void UnpackOf(const T* packed, int64_t n, int64_t k, T* w) {
  for (int64_t p = 0; p < PanelCount(n); ++p) {
    const int64_t row0 = p * kPanelWidth;
    const int64_t rows = std::min(kPanelWidth, n - row0);
    const T* panel = packed + p * k * kPanelWidth;
    for (int64_t r = 0; r < rows; ++r) {
      T* out = w + (row0 + r) * k;
      for (int64_t i = 0; i < k; ++i) out[i] = panel[i * kPanelWidth + r];
    }
  }
}

}  // namespace

void PackPanel(const void* w, int64_t n, int64_t k, size_t element_bytes, int64_t p, void* dst) {
  if (element_bytes == 2) {
    PackPanelOf(static_cast<const uint16_t*>(w), n, k, p, static_cast<uint16_t*>(dst));
  } else {
    PackPanelOf(static_cast<const uint32_t*>(w), n, k, p, static_cast<uint32_t*>(dst));
  }
}

void PackPanels(const void* w, int64_t n, int64_t k, size_t element_bytes, void* dst) {
  for (int64_t p = 0; p < PanelCount(n); ++p) {
    PackPanel(w, n, k, element_bytes, p,
              static_cast<uint8_t*>(dst) + size_t(p * k * kPanelWidth) * element_bytes);
  }
}

void UnpackPanels(const void* packed, int64_t n, int64_t k, size_t element_bytes, void* w) {
  if (element_bytes == 2) {
    UnpackOf(static_cast<const uint16_t*>(packed), n, k, static_cast<uint16_t*>(w));
  } else {
    UnpackOf(static_cast<const uint32_t*>(packed), n, k, static_cast<uint32_t*>(w));
  }
}

}  // namespace frost
