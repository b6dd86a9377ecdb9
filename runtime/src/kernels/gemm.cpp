#include "kernels/gemm.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "kernels/micro_kernels.hpp"

namespace frost::kernels {
namespace {

// k values per block: a block's panel rows (256 x 32 floats = 32 KiB) stay in L1 while the
// micro-kernel walks the rows of A.
constexpr int64_t kBlockK = 256;

Isa BestIsa() {
#if defined(FROST_X86_KERNELS)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return Isa::kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
      __builtin_cpu_supports("f16c")) {
    return Isa::kAvx2;
  }
#endif
  return Isa::kNone;
}

MicroKernel KernelFor(Isa isa, WeightType type) {
#if defined(FROST_X86_KERNELS)
  const bool half = type == WeightType::kFloat16;
  switch (isa) {
    case Isa::kAvx512: return half ? MicroKernelAvx512F16 : MicroKernelAvx512F32;
    case Isa::kAvx2: return half ? MicroKernelAvx2F16 : MicroKernelAvx2F32;
    case Isa::kNone: break;
  }
#endif
  return nullptr;
}

template <class T>
T* AlignedArray(size_t count) {
  const size_t bytes = (count * sizeof(T) + 63) / 64 * 64;
  return static_cast<T*>(std::aligned_alloc(64, bytes == 0 ? 64 : bytes));
}

}  // namespace

Isa SelectedIsa() {
  static const Isa isa = [] {
    const Isa best = BestIsa();
    const char* env = std::getenv("FROST_KERNELS");
    const std::string choice = env ? env : "";
    if (choice == "xnnpack") return Isa::kNone;
    if (choice == "avx2" && best == Isa::kAvx512) return Isa::kAvx2;
    return best;
  }();
  return isa;
}

bool CpuSupports(Isa isa) {
  const Isa best = BestIsa();
  return isa == Isa::kNone || isa == best || (isa == Isa::kAvx2 && best == Isa::kAvx512);
}

const char* IsaName(Isa isa) {
  switch (isa) {
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx2: return "avx2";
    case Isa::kNone: break;
  }
  return "none";
}

int MicroRows(Isa isa) {
  switch (isa) {
    case Isa::kAvx512: return kAvx512Rows;
    case Isa::kAvx2: return kAvx2Rows;
    case Isa::kNone: break;
  }
  return 0;
}

void PackedWeights::FreeDeleter::operator()(void* p) const { std::free(p); }

template <class T>
std::unique_ptr<PackedWeights> PackedWeights::PackAny(const T* w, WeightType type, int64_t n,
                                                      int64_t k, const float* bias,
                                                      const Consumed& consumed) {
  auto packed = std::unique_ptr<PackedWeights>(new PackedWeights());
  packed->n_ = n;
  packed->k_ = k;
  packed->type_ = type;
  const int64_t panels = packed->panels();
  T* data = AlignedArray<T>(size_t(panels * k * kPanelWidth));
  float* padded_bias = AlignedArray<float>(size_t(panels * kPanelWidth));
  if (data == nullptr || padded_bias == nullptr) {
    std::free(data);
    std::free(padded_bias);
    return nullptr;
  }
  packed->data_.reset(reinterpret_cast<uint8_t*>(data));
  packed->bias_.reset(padded_bias);
  for (int64_t p = 0; p < panels; ++p) {
    const int64_t row0 = p * kPanelWidth;
    const int64_t rows = std::min(kPanelWidth, n - row0);
    T* dst = data + p * k * kPanelWidth;
    if (rows < kPanelWidth) std::memset(dst, 0, size_t(k * kPanelWidth) * sizeof(T));
    // A transpose in tiles of 16 k by the panel's rows: 16 consecutive source values per row,
    // 16 whole destination rows of 32 per tile, both cache friendly.
    constexpr int64_t kTile = 16;
    for (int64_t k0 = 0; k0 < k; k0 += kTile) {
      const int64_t kn = std::min(kTile, k - k0);
      for (int64_t j = 0; j < rows; ++j) {
        const T* src = w + (row0 + j) * k + k0;
        T* out = dst + k0 * kPanelWidth + j;
        for (int64_t t = 0; t < kn; ++t) out[t * kPanelWidth] = src[t];
      }
    }
    for (int64_t j = 0; j < kPanelWidth; ++j) {
      padded_bias[row0 + j] = (j < rows && bias != nullptr) ? bias[row0 + j] : 0.0f;
    }
    if (consumed) consumed(row0, rows);
  }
  return packed;
}

std::unique_ptr<PackedWeights> PackedWeights::Pack(const float* w, int64_t n, int64_t k,
                                                   const float* bias, const Consumed& consumed) {
  return PackAny(w, WeightType::kFloat32, n, k, bias, consumed);
}

std::unique_ptr<PackedWeights> PackedWeights::PackHalf(const uint16_t* w16, int64_t n, int64_t k,
                                                       const float* bias,
                                                       const Consumed& consumed) {
  return PackAny(w16, WeightType::kFloat16, n, k, bias, consumed);
}

void GemmRows(Isa isa, int64_t m, const float* a, int64_t lda, const PackedWeights& w,
              int64_t p0, int64_t p1, const GemmOut& out) {
  const MicroKernel kernel = KernelFor(isa, w.type());
  const int64_t mr = MicroRows(isa);
  const int64_t k = w.k();
  const size_t eb = w.type() == WeightType::kFloat16 ? 2 : 4;
  for (int64_t k0 = 0; k0 < k || k0 == 0; k0 += kBlockK) {
    const int64_t kc = std::min(kBlockK, k - k0);
    const bool first = k0 == 0, last = k0 + kc >= k;
    for (int64_t p = p0; p < p1; ++p) {
      const int n = int(std::min(kPanelWidth, w.n() - p * kPanelWidth));
      const void* b = static_cast<const uint8_t*>(w.panel(p)) + size_t(k0 * kPanelWidth) * eb;
      const float* bias = first ? w.bias(p) : nullptr;
      float* c = out.c + p * kPanelWidth;
      for (int64_t i = 0; i < m; i += mr) {
        kernel(int(std::min(mr, m - i)), n, kc, a + i * lda + k0, lda, b, c + i * out.ldc, out.ldc,
               bias, out.lo, out.hi, last);
      }
    }
    if (k == 0) break;
  }
}

}  // namespace frost::kernels
