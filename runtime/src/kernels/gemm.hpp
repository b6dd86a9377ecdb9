// frost's own GEMM for Conv2D and FullyConnected on x86 (AVX-512 or AVX2 + FMA):
//   C[i][n] = clamp(bias[n] + sum_k A[i][k] * W[n][k])
// W is packed once, when a session is created, into panels of 32 output channels, so that the
// micro-kernel streams one panel row (32 weights) per k and broadcasts one A value per row.
// Distro XNNPACK's f32 kernels reach about a third of this CPU's FMA peak (see design.md);
// these are why frost exists. The reference kernels in ops/ stay the judge of correctness.
#pragma once

#include <pthreadpool.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "frost/panels.hpp"
#include "kernels/aligned.hpp"

namespace frost::kernels {

using frost::kPanelWidth;  // output channels per packed panel (the file's PANELS32 layout)

// Conv2D with fewer output channels stays on XNNPACK unless these kernels are asked for by
// name: measured on the CIFAR ResNets (one core), 16 channels ran at 50 GFLOP/s here against
// XNNPACK's 130 (half of each 32-wide panel is padding), 32 at 105 against 130, 64 at 125-133
// against 115.
constexpr int64_t kMinOwnConvChannels = frost::kMinPanelConvChannels;

// The micro-kernels this CPU can run. kNone: none of them (XNNPACK or reference run instead).
enum class Isa { kNone, kAvx2, kAvx512 };

// The best Isa of this CPU, capped by the environment variable FROST_KERNELS:
// "xnnpack" (never frost's kernels), "avx2" (at most AVX2), unset or "auto" (the best).
Isa SelectedIsa();
const char* IsaName(Isa isa);
bool CpuSupports(Isa isa);

// How packed weights are stored: FLOAT32, or FLOAT16 (half the bytes; the micro-kernel
// widens each panel row with one conversion instruction).
enum class WeightType { kFloat32, kFloat16 };

// W ([n rows (output channels)][k], row-major) in panels: [panels][k][32], zero-padded past n,
// 64-byte aligned; bias padded to panels * 32 (zeros when absent).
class PackedWeights {
 public:
  // `consumed(row0, rows)` is called after each panel's source rows were read for the last
  // time (the session drops their pages of the mapped file); panels are packed in parallel on
  // `pool` (may be nullptr), so `consumed` must be thread-safe. `w16` holds IEEE halves.
  using Consumed = std::function<void(int64_t row0, int64_t rows)>;
  static std::unique_ptr<PackedWeights> Pack(const float* w, int64_t n, int64_t k,
                                             const float* bias, const Consumed& consumed,
                                             pthreadpool_t pool = nullptr);
  static std::unique_ptr<PackedWeights> PackHalf(const uint16_t* w16, int64_t n, int64_t k,
                                                 const float* bias, const Consumed& consumed,
                                                 pthreadpool_t pool = nullptr);
  // Weights already in this layout (a PANELS32 tensor of the mapped file, 64-byte aligned),
  // used in place: they must outlive the result. Only the padded bias is copied.
  static std::unique_ptr<PackedWeights> View(const void* panels, WeightType type, int64_t n,
                                             int64_t k, const float* bias);

  int64_t n() const { return n_; }
  int64_t k() const { return k_; }
  int64_t panels() const { return (n_ + kPanelWidth - 1) / kPanelWidth; }
  WeightType type() const { return type_; }
  // Panel p's first weight (float or half, by type()).
  const void* panel(int64_t p) const {
    return panels_ + size_t(p * k_ * kPanelWidth) * element_bytes();
  }
  const float* bias(int64_t p) const { return bias_.get() + p * kPanelWidth; }
  size_t bytes() const { return size_t(panels() * k_ * kPanelWidth) * element_bytes(); }
  // A View: the panels are the caller's bytes, not a copy.
  bool in_place() const { return data_ == nullptr; }

 private:
  size_t element_bytes() const { return type_ == WeightType::kFloat16 ? 2 : 4; }
  template <class T>
  static std::unique_ptr<PackedWeights> PackAny(const T* w, WeightType type, int64_t n, int64_t k,
                                                const float* bias, const Consumed& consumed,
                                                pthreadpool_t pool);

  // Fills bias_ (padded to whole panels); false when out of memory.
  bool PadBias(const float* bias);

  int64_t n_ = 0, k_ = 0;
  WeightType type_ = WeightType::kFloat32;
  const uint8_t* panels_ = nullptr;         // data_, or the file's bytes for a View
  AlignedPtr<uint8_t> data_;
  AlignedPtr<float> bias_;
};

// Rows of the micro-kernel's tile for `isa` (0 for kNone).
int MicroRows(Isa isa);

// k values per block: a block's panel rows (256 x 32 floats = 32 KiB) stay in L1 while the
// micro-kernel walks the rows of A.
constexpr int64_t kBlockK = 256;

// Where C goes: row i at c + i * ldc, clamped to [lo, hi] as ONNX Clip does it (max with lo
// first, then min with hi). `residual` (nullptr: none), row i at residual + i * ldc with C's
// columns, is added to C before the clamp (a ResNet shortcut fused into the conv's epilogue).
struct GemmOut {
  float* c;
  int64_t ldc;
  float lo, hi;
  const float* residual = nullptr;
};

// Where A's rows are, for one block of k: the block is read in segments of `segment` values
// (a multiple of it; one tap of a convolution each), rows[s * stride + i] pointing at row i's
// first value of segment s.
struct GemmRowPointers {
  const float* const* rows;
  int64_t stride;
  int64_t segment;
};

// One panel's block of k: `b` at its kc rows of 32 weights of `type`, each b_stride weights
// after the previous (32 in a packed panel), n <= 32 columns of C (out.c at the panel's first
// column); C starts from `bias` (the first block) or, when nullptr, from what C holds; `last`:
// C is clamped. `next` (nullptr: none): the kc rows of 32 the caller needs next, fetched into
// L2 meanwhile.
void GemmPanel(Isa isa, WeightType type, int64_t m, const GemmRowPointers& a, const void* b,
               int64_t b_stride, int64_t kc, int n, const float* bias, bool last, const char* next,
               const GemmOut& out);

// One block of k, [k0, k0 + kc), kc <= kBlockK, for C rows [0, m) and panels [p0, p1).
// `first`: C starts from the bias; `last`: out.residual is added and C is clamped.
void GemmBlock(Isa isa, int64_t m, const GemmRowPointers& a, const PackedWeights& w, int64_t k0,
               int64_t kc, bool first, bool last, int64_t p0, int64_t p1, const GemmOut& out);

// Calls tile(i, count) for rows [0, m) spread evenly over the fewest tiles of at most `mr`
// rows (49 rows: 7 tiles of 7, not 6 of 8 and 1 of 1).
template <class Tile>
void ForEachTile(int64_t m, int64_t mr, Tile tile) {
  const int64_t tiles = (m + mr - 1) / mr;
  for (int64_t t = 0, i = 0; t < tiles; ++t) {
    const int64_t count = (m - i) / (tiles - t) + ((m - i) % (tiles - t) != 0);
    tile(i, count);
    i += count;
  }
}

// Calls block(rows, k0, kc) for every block [k0, k0 + kc) of at most `block_k` values of k
// (one empty block when k is 0), rows[i] pointing at a + i * lda + k0 for i < m.
template <class T, class Block>
void ForEachBlockOfK(int64_t m, const T* a, int64_t lda, int64_t k, int64_t block_k, Block block) {
  thread_local std::vector<const T*> rows;  // per pool thread, grown to the largest m
  if (rows.size() < size_t(m)) rows.resize(size_t(m));
  for (int64_t k0 = 0; k0 < k || k0 == 0; k0 += block_k) {
    const int64_t kc = std::min(block_k, k - k0);
    for (int64_t i = 0; i < m; ++i) rows[size_t(i)] = a + i * lda + k0;
    block(rows.data(), k0, kc);
    if (k == 0) break;
  }
}

// Every block of k for A row-major (row i at a + i * lda), rows [0, m), panels [p0, p1).
void GemmRows(Isa isa, int64_t m, const float* a, int64_t lda, const PackedWeights& w,
              int64_t p0, int64_t p1, const GemmOut& out);

}  // namespace frost::kernels
