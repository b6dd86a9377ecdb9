#include "kernels/gemm.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <sys/mman.h>

#include "kernels/micro_kernels.hpp"

namespace frost::kernels {
namespace {

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

// Packed weights of a large layer go on transparent huge pages where the kernel allows it:
// 512 times fewer page faults while packing (a third of VGG-16's packing time went to them)
// and fewer TLB misses while streaming the panels.
constexpr size_t kHugePage = size_t(2) << 20;

template <class T>
T* AlignedArray(size_t count) {
  const size_t bytes = (count * sizeof(T) + 63) / 64 * 64;
  if (bytes < 2 * kHugePage) return static_cast<T*>(std::aligned_alloc(64, bytes == 0 ? 64 : bytes));
  const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, rounded);
  if (p != nullptr) madvise(p, rounded, MADV_HUGEPAGE);
  return static_cast<T*>(p);
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

namespace {

template <class T>
struct PackJob {
  const T* w;
  int64_t n, k;
  const float* bias;
  T* data;
  float* padded_bias;
  const PackedWeights::Consumed* consumed;
};

template <class T>
void PackPanel(void* context, size_t panel) {
  const PackJob<T>& j = *static_cast<const PackJob<T>*>(context);
  const int64_t p = int64_t(panel), k = j.k;
  const int64_t row0 = p * kPanelWidth;
  const int64_t rows = std::min(kPanelWidth, j.n - row0);
  T* dst = j.data + p * k * kPanelWidth;
  if (rows < kPanelWidth) std::memset(dst, 0, size_t(k * kPanelWidth) * sizeof(T));
  // A transpose in tiles of 16 k by the panel's rows: 16 consecutive source values per row,
  // 16 whole destination rows of 32 per tile, both cache friendly.
  constexpr int64_t kTile = 16;
  for (int64_t k0 = 0; k0 < k; k0 += kTile) {
    const int64_t kn = std::min(kTile, k - k0);
    for (int64_t r = 0; r < rows; ++r) {
      const T* src = j.w + (row0 + r) * k + k0;
      T* out = dst + k0 * kPanelWidth + r;
      for (int64_t t = 0; t < kn; ++t) out[t * kPanelWidth] = src[t];
    }
  }
  for (int64_t r = 0; r < kPanelWidth; ++r) {
    j.padded_bias[row0 + r] = (r < rows && j.bias != nullptr) ? j.bias[row0 + r] : 0.0f;
  }
  if (*j.consumed) (*j.consumed)(row0, rows);
}

}  // namespace

template <class T>
std::unique_ptr<PackedWeights> PackedWeights::PackAny(const T* w, WeightType type, int64_t n,
                                                      int64_t k, const float* bias,
                                                      const Consumed& consumed,
                                                      pthreadpool_t pool) {
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
  PackJob<T> job{w, n, k, bias, data, padded_bias, &consumed};
  pthreadpool_parallelize_1d(pool, PackPanel<T>, &job, size_t(panels), 0);
  return packed;
}

std::unique_ptr<PackedWeights> PackedWeights::Pack(const float* w, int64_t n, int64_t k,
                                                   const float* bias, const Consumed& consumed,
                                                   pthreadpool_t pool) {
  return PackAny(w, WeightType::kFloat32, n, k, bias, consumed, pool);
}

std::unique_ptr<PackedWeights> PackedWeights::PackHalf(const uint16_t* w16, int64_t n, int64_t k,
                                                       const float* bias,
                                                       const Consumed& consumed,
                                                       pthreadpool_t pool) {
  return PackAny(w16, WeightType::kFloat16, n, k, bias, consumed, pool);
}

void GemmBlock(Isa isa, int64_t m, const float* const* rows, const PackedWeights& w, int64_t k0,
               int64_t kc, bool first, bool last, int64_t p0, int64_t p1, const GemmOut& out) {
  const MicroKernel kernel = KernelFor(isa, w.type());
  const int64_t mr = MicroRows(isa);
  const size_t eb = w.type() == WeightType::kFloat16 ? 2 : 4;
  for (int64_t p = p0; p < p1; ++p) {
    const int n = int(std::min(kPanelWidth, w.n() - p * kPanelWidth));
    const void* b = static_cast<const uint8_t*>(w.panel(p)) + size_t(k0 * kPanelWidth) * eb;
    const float* bias = first ? w.bias(p) : nullptr;
    float* c = out.c + p * kPanelWidth;
    ForEachTile(m, mr, [&](int64_t i, int64_t count) {
      kernel(int(count), n, kc, rows + i, b, c + i * out.ldc, out.ldc, bias, out.lo, out.hi, last);
    });
  }
}

void GemmRows(Isa isa, int64_t m, const float* a, int64_t lda, const PackedWeights& w,
              int64_t p0, int64_t p1, const GemmOut& out) {
  const int64_t k = w.k();
  ForEachBlockOfK(m, a, lda, k, kBlockK, [&](const float* const* rows, int64_t k0, int64_t kc) {
    GemmBlock(isa, m, rows, w, k0, kc, k0 == 0, k0 + kc >= k, p0, p1, out);
  });
}

}  // namespace frost::kernels
