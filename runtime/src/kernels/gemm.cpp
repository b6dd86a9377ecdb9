#include "kernels/gemm.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/aligned.hpp"
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

namespace {

template <class T>
struct PackJob {
  const T* w;
  int64_t n, k;
  T* data;
  const PackedWeights::Consumed* consumed;
};

template <class T>
void PackOnePanel(void* context, size_t panel) {
  const PackJob<T>& j = *static_cast<const PackJob<T>*>(context);
  const int64_t p = int64_t(panel);
  frost::PackPanel(j.w, j.n, j.k, sizeof(T), p, j.data + p * j.k * kPanelWidth);
  const int64_t row0 = p * kPanelWidth;
  if (*j.consumed) (*j.consumed)(row0, std::min(kPanelWidth, j.n - row0));
}

}  // namespace

bool PackedWeights::PadBias(const float* bias) {
  const int64_t padded = panels() * kPanelWidth;
  float* out = AlignedArray<float>(size_t(padded));
  if (out == nullptr) return false;
  for (int64_t i = 0; i < padded; ++i) out[i] = (i < n_ && bias != nullptr) ? bias[i] : 0.0f;
  bias_.reset(out);
  return true;
}

template <class T>
std::unique_ptr<PackedWeights> PackedWeights::PackAny(const T* w, WeightType type, int64_t n,
                                                      int64_t k, const float* bias,
                                                      const Consumed& consumed,
                                                      pthreadpool_t pool) {
  auto packed = std::unique_ptr<PackedWeights>(new PackedWeights());
  packed->n_ = n;
  packed->k_ = k;
  packed->type_ = type;
  T* data = AlignedArray<T>(size_t(packed->panels() * k * kPanelWidth));
  if (data == nullptr) return nullptr;
  packed->data_.reset(reinterpret_cast<uint8_t*>(data));
  packed->panels_ = packed->data_.get();
  if (!packed->PadBias(bias)) return nullptr;
  PackJob<T> job{w, n, k, data, &consumed};
  pthreadpool_parallelize_1d(pool, PackOnePanel<T>, &job, size_t(packed->panels()), 0);
  return packed;
}

std::unique_ptr<PackedWeights> PackedWeights::View(const void* panels, WeightType type, int64_t n,
                                                   int64_t k, const float* bias) {
  auto view = std::unique_ptr<PackedWeights>(new PackedWeights());
  view->n_ = n;
  view->k_ = k;
  view->type_ = type;
  view->panels_ = static_cast<const uint8_t*>(panels);
  if (!view->PadBias(bias)) return nullptr;
  return view;
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

void GemmPanel(Isa isa, WeightType type, int64_t m, const GemmRowPointers& a, const void* b,
               int64_t b_stride, int64_t kc, int n, const float* bias, bool last, const char* next,
               const GemmOut& out) {
  const MicroKernel kernel = KernelFor(isa, type);
  const int64_t mr = MicroRows(isa);
  const size_t eb = type == WeightType::kFloat16 ? 2 : 4;
  const int64_t block_lines = int64_t(size_t(kc * kPanelWidth) * eb / 64);
  ForEachTile(m, mr, [&](int64_t i, int64_t count) {
    const int64_t line0 = block_lines * i / m, line1 = block_lines * (i + count) / m;
    MicroTile tile;
    tile.m = int(count);
    tile.n = n;
    tile.kc = kc;
    tile.segment = a.segment;
    tile.a = a.rows + i;
    tile.a_stride = a.stride;
    tile.b = b;
    tile.b_stride = b_stride;
    tile.c = out.c + i * out.ldc;
    tile.ldc = out.ldc;
    tile.bias = bias;
    tile.lo = out.lo;
    tile.hi = out.hi;
    tile.last = last;
    tile.residual = last && out.residual != nullptr ? out.residual + i * out.ldc : nullptr;
    tile.next = next != nullptr ? next + line0 * 64 : nullptr;
    tile.next_lines = next != nullptr ? std::min(line1 - line0, kc) : 0;
    kernel(tile);
  });
}

void GemmBlock(Isa isa, int64_t m, const GemmRowPointers& a, const PackedWeights& w, int64_t k0,
               int64_t kc, bool first, bool last, int64_t p0, int64_t p1, const GemmOut& out) {
  const size_t eb = w.type() == WeightType::kFloat16 ? 2 : 4;
  auto block = [&](int64_t p, int64_t k) {
    return static_cast<const char*>(w.panel(p)) + size_t(k * kPanelWidth) * eb;
  };
  // While the tiles of one panel run, the block the next panel needs (or the first panel's
  // next k block) is fetched into L2, its lines shared out over the tiles by their rows:
  // weights that come from memory (each late-layer weight is read once per run) then arrive
  // ahead of time.
  for (int64_t p = p0; p < p1; ++p) {
    const int n = int(std::min(kPanelWidth, w.n() - p * kPanelWidth));
    const char* next = p + 1 < p1 ? block(p + 1, k0) : k0 + kc < w.k() ? block(p0, k0 + kc) : nullptr;
    GemmOut panel_out = out;
    panel_out.c = out.c + p * kPanelWidth;
    if (out.residual != nullptr) panel_out.residual = out.residual + p * kPanelWidth;
    GemmPanel(isa, w.type(), m, a, block(p, k0), kPanelWidth, kc, n, first ? w.bias(p) : nullptr,
              last, next, panel_out);
  }
}

void GemmRows(Isa isa, int64_t m, const float* a, int64_t lda, const PackedWeights& w,
              int64_t p0, int64_t p1, const GemmOut& out) {
  const int64_t k = w.k();
  ForEachBlockOfK(m, a, lda, k, kBlockK, [&](const float* const* rows, int64_t k0, int64_t kc) {
    GemmBlock(isa, m, {rows, 0, std::max<int64_t>(kc, 1)}, w, k0, kc, k0 == 0, k0 + kc >= k, p0,
              p1, out);
  });
}

}  // namespace frost::kernels
