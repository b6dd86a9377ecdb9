#include "kernels/winograd.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include "kernels/winograd_transforms.hpp"

namespace frost::kernels {
namespace {

// Tiles per GEMM task (the GEMMs' rows). Each task transforms its panel's weights again, so
// fewer, larger chunks would save transforms but leave threads idle on small layers.
constexpr int64_t kChunkTiles = 64;
// Fewer tiles in all than this and the direct conv runs: with 7x7 outputs (4 tiles, 43 % of
// them padding) the weight transform costs more than Winograd saves (ResNet-50's 7x7x512:
// 1.57 ms as Winograd against 0.95 direct, two threads).
constexpr int64_t kMinTiles = 16;
// The transformed input of one span of tiles (shared by the span's tasks) takes at most this
// many bytes: a span is transformed, then its GEMMs run, then the next span.
constexpr int64_t kSpanBytes = 2 << 20;
// Input channels per weight-transform block: 128 x 36 x 32 floats = 576 KiB, in L2 while
// the task's tiles pass.
constexpr int64_t kBlockC = 128;
// Floats per input channel in that block: its 36 rows of 32 weights and a line of padding
// (without it, the GEMM's rows 36 x 128 bytes apart fell into 16 of L1's 64 sets).
constexpr int64_t kURow = kWinogradPoints * kPanelWidth + 16;

constexpr int64_t kPoints = kWinogradPoints;

struct Geometry {
  int64_t tiles_y, tiles_x, tiles;
  int64_t span;  // tiles per span
};

Geometry GeometryOf(const ConvParams& p, int64_t batch, int64_t oh, int64_t ow) {
  Geometry g;
  g.tiles_y = (oh + kWinogradTile - 1) / kWinogradTile;
  g.tiles_x = (ow + kWinogradTile - 1) / kWinogradTile;
  g.tiles = batch * g.tiles_y * g.tiles_x;
  const int64_t per_tile = kPoints * p.channels * int64_t(sizeof(float));
  g.span = std::clamp<int64_t>(kSpanBytes / per_tile, 1, std::max<int64_t>(g.tiles, 1));
  return g;
}

bool Enabled() {
  static const bool enabled = [] {
    const char* env = std::getenv("FROST_WINOGRAD");
    return env == nullptr || std::strcmp(env, "0") != 0;
  }();
  return enabled;
}

WinogradTransforms TransformsFor(Isa isa) {
#if defined(FROST_X86_KERNELS)
  if (isa == Isa::kAvx512) return WinogradTransformsAvx512();
  if (isa == Isa::kAvx2) return WinogradTransformsAvx2();
#endif
  (void)isa;
  return {};
}

struct Job {
  Isa isa;
  WinogradTransforms tf;
  const ConvParams* p;
  const PackedWeights* w;
  ConvIo io;
  Geometry g;
  float* v;                         // the span's transformed input, [36][span][channels]
  int64_t t0;                       // the span's first tile
  int64_t count;                    // and its number of tiles
  int64_t chunks;                   // chunks of tiles (of at most kChunkTiles) in this span
  int64_t workers;                  // pool threads: tasks that may run at once
  float* slots;                     // per worker: U, then M
  std::atomic<int32_t>* slot_busy;  // per worker slot: 1 while a task uses it
};

// Tile t's image and its top-left output pixel.
void TileOrigin(const Job& j, int64_t t, int64_t* n, int64_t* oy, int64_t* ox) {
  const int64_t per_image = j.g.tiles_y * j.g.tiles_x;
  *n = t / per_image;
  *oy = t % per_image / j.g.tiles_x * kWinogradTile;
  *ox = t % j.g.tiles_x * kWinogradTile;
}

void InputTask(void* context, size_t i) {
  const Job& j = *static_cast<const Job*>(context);
  const ConvParams& p = *j.p;
  const int64_t C = p.channels;
  int64_t n, oy, ox;
  TileOrigin(j, j.t0 + int64_t(i), &n, &oy, &ox);
  const float* d[kPoints];
  for (int64_t a = 0; a < kWinogradWindow; ++a) {
    for (int64_t b = 0; b < kWinogradWindow; ++b) {
      const int64_t iy = oy - p.pad_top + a, ix = ox - p.pad_left + b;
      const bool inside = iy >= 0 && iy < j.io.h && ix >= 0 && ix < j.io.w;
      d[a * kWinogradWindow + b] =
          inside ? j.io.x + ((n * j.io.h + iy) * j.io.w + ix) * C : nullptr;
    }
  }
  j.tf.input(d, C, j.v + int64_t(i) * C, j.count * C);
}

alignas(64) const float kZeroBias[kPanelWidth] = {};

// One (chunk of tiles, panel) of the span: the panel's weights transformed block by block of
// input channels into u, the 36 GEMMs into m, then the output transform.
void GemmItem(const Job& j, int64_t chunk, int64_t panel, float* u, float* m) {
  const int64_t C = j.p->channels, N = j.w->n();
  const int64_t i0 = j.count * chunk / j.chunks;
  const int64_t rows = j.count * (chunk + 1) / j.chunks - i0;
  const int n = int(std::min(kPanelWidth, N - panel * kPanelWidth));
  const float* ptrs[kChunkTiles];
  const float inf = std::numeric_limits<float>::infinity();
  const bool half = j.w->type() == WeightType::kFloat16;
  for (int64_t c0 = 0; c0 < C; c0 += kBlockC) {
    const int64_t kc = std::min(kBlockC, C - c0);
    j.tf.weights(j.w->panel(panel), half, C, c0, kc, u, kURow);
    for (int64_t xi = 0; xi < kPoints; ++xi) {
      const float* plane = j.v + (xi * j.count + i0) * C + c0;
      for (int64_t r = 0; r < rows; ++r) ptrs[r] = plane + r * C;
      // M starts from zero: the bias comes with the output transform.
      GemmPanel(j.isa, WeightType::kFloat32, rows, {ptrs, 0, kc}, u + xi * kPanelWidth, kURow, kc,
                n, c0 == 0 ? kZeroBias : nullptr, c0 + kc >= C, /*next=*/nullptr,
                {m + xi * rows * kPanelWidth, kPanelWidth, -inf, inf});
    }
  }
  const int64_t pixel = N, row = j.io.ow * N;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t img, oy, ox;
    TileOrigin(j, j.t0 + i0 + r, &img, &oy, &ox);
    const int64_t at = ((img * j.io.oh + oy) * j.io.ow + ox) * N + panel * kPanelWidth;
    const int rows_in = int(std::min<int64_t>(kWinogradTile, j.io.oh - oy));
    const int cols_in = int(std::min<int64_t>(kWinogradTile, j.io.ow - ox));
    j.tf.output(m + r * kPanelWidth, rows * kPanelWidth, n, j.w->bias(panel),
                j.io.residual != nullptr ? j.io.residual + at : nullptr, j.io.y + at, row, pixel,
                rows_in, cols_in, j.io.lo, j.io.hi);
  }
}

// Per-worker buffers after the span's V: the weight block U and the products M.
constexpr int64_t kUFloats = kBlockC * kURow;
constexpr int64_t kMFloats = kPoints * kChunkTiles * kPanelWidth;

// Item (chunk, panel) of the span, chunk-major (a thread's consecutive items share the
// chunk's V in L2), in whichever scratch slot is free: at most j.workers tasks run at once, so
// one always is. (Items are taken dynamically: a thread that the OS stalls leaves its items to
// the others, as the direct conv's tasks do.)
void GemmTask(void* context, size_t item) {
  const Job& j = *static_cast<const Job*>(context);
  const int64_t panels = j.w->panels();
  int64_t slot = 0;
  for (;; slot = (slot + 1) % j.workers) {
    int32_t idle = 0;
    if (j.slot_busy[slot].compare_exchange_strong(idle, 1, std::memory_order_acquire)) break;
  }
  float* u = j.slots + slot * (kUFloats + kMFloats);
  GemmItem(j, int64_t(item) / panels, int64_t(item) % panels, u, u + kUFloats);
  j.slot_busy[slot].store(0, std::memory_order_release);
}

int64_t Workers(pthreadpool_t pool) {
  return pool != nullptr ? std::max<int64_t>(int64_t(pthreadpool_get_threads_count(pool)), 1) : 1;
}

// Where things lie in the scratch: V (one span's transformed input), then per worker its U
// and M, then per worker the flag of its slot. Offsets in floats.
struct ScratchLayout {
  int64_t slots;  // V's floats, rounded up to whole cache lines
  int64_t flags;  // after the workers' slots
  size_t bytes;
};
ScratchLayout LayoutOf(const ConvParams& p, const Geometry& g, int64_t workers) {
  ScratchLayout s;
  s.slots = (kPoints * g.span * p.channels + 15) / 16 * 16;
  s.flags = s.slots + workers * (kUFloats + kMFloats);
  s.bytes = size_t(s.flags) * sizeof(float) + size_t(workers) * sizeof(std::atomic<int32_t>);
  return s;
}

}  // namespace

bool WinogradApplies(Isa isa, const ConvParams& p, int64_t out_channels, int64_t batch, int64_t oh,
                     int64_t ow) {
  if (isa == Isa::kNone || !Enabled()) return false;
  if (p.kh != 3 || p.kw != 3 || p.stride_h != 1 || p.stride_w != 1 || p.dilation_h != 1 ||
      p.dilation_w != 1) {
    return false;
  }
  if (p.channels % 16 != 0 || out_channels % 16 != 0 || p.channels == 0) return false;
  return GeometryOf(p, batch, oh, ow).tiles >= kMinTiles;
}

size_t WinogradScratchBytes(const ConvParams& p, int64_t batch, int64_t oh, int64_t ow,
                            pthreadpool_t pool) {
  return LayoutOf(p, GeometryOf(p, batch, oh, ow), Workers(pool)).bytes;
}

void ConvWinogradF32(Isa isa, const ConvParams& p, const PackedWeights& weights, const ConvIo& io,
                     void* scratch, pthreadpool_t pool) {
  Job j{};
  j.isa = isa;
  j.tf = TransformsFor(isa);
  j.p = &p;
  j.w = &weights;
  j.io = io;
  j.g = GeometryOf(p, io.batch, io.oh, io.ow);
  j.workers = Workers(pool);
  const ScratchLayout layout = LayoutOf(p, j.g, j.workers);
  j.v = static_cast<float*>(scratch);
  j.slots = j.v + layout.slots;
  j.slot_busy = reinterpret_cast<std::atomic<int32_t>*>(j.v + layout.flags);
  for (int64_t i = 0; i < j.workers; ++i) new (&j.slot_busy[i]) std::atomic<int32_t>(0);
  for (j.t0 = 0; j.t0 < j.g.tiles; j.t0 += j.g.span) {
    j.count = std::min(j.g.span, j.g.tiles - j.t0);
    j.chunks = (j.count + kChunkTiles - 1) / kChunkTiles;
    pthreadpool_parallelize_1d(pool, InputTask, &j, size_t(j.count), 0);
    pthreadpool_parallelize_1d(pool, GemmTask, &j, size_t(j.chunks * weights.panels()), 0);
  }
}

}  // namespace frost::kernels
