#include "kernels/conv.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/conv_rows.hpp"
#include "kernels/winograd.hpp"

namespace frost::kernels {
namespace {

// A conv with at least this many input channels reads A in place, tap by tap ("implicit
// im2col": each k block is one tap's channels, each row a pointer into the input, or into
// zeros for padding). Fewer channels (an RGB stem) would make k blocks too short: those read
// whole tap rows in place (RunsGemm) or, with dilation, gather their rows (im2col) per task
// into a buffer of at most kIm2colBytes.
constexpr int64_t kImplicitMinChannels = 32;

alignas(64) const float kZeros[kBlockK] = {};

struct Job {
  Isa isa;
  const ConvParams* p;
  const PackedWeights* w;
  ConvIo io;
  enum class A { kDirect, kImplicit, kRuns, kGathered } a;
  int64_t m;  // rows of A: batch * oh * ow
  ConvTasks tasks;
};

ConvImage ImageOf(const Job& j) { return {j.p, j.io.h, j.io.w, j.io.oh, j.io.ow}; }

// Rows [r0, r0 + rows) read in place. A k block is one tap's channels (a block of them when
// there are more than kBlockK), or, with fewer channels, as many whole taps as fit in kBlockK:
// per tap one pointer per row, into the input or into zeros for padding. (Blocks of several
// taps keep the accumulators in registers over them: 64-channel layers would otherwise reload
// and store C every 64 values of k.)
void ImplicitGemm(const Job& j, int64_t r0, int64_t rows, int64_t p0, int64_t p1,
                  const GemmOut& out) {
  const ConvParams& p = *j.p;
  const int64_t C = p.channels, K = j.w->k(), taps = p.kh * p.kw;
  const int64_t taps_per_block = C < kBlockK ? kBlockK / C : 1;
  const ConvImage im = ImageOf(j);
  const RowOrigins& origins = OriginsOf(im, r0, rows);
  // Per pool thread, grown to the largest block.
  thread_local std::vector<const float*> ptrs;
  if (ptrs.size() < size_t(rows * taps_per_block)) ptrs.resize(size_t(rows * taps_per_block));
  for (int64_t tap = 0; tap < taps; tap += taps_per_block) {
    const int64_t block_taps = std::min(taps_per_block, taps - tap);
    for (int64_t c0 = 0; c0 < C; c0 += kBlockK) {
      const int64_t segment = std::min(kBlockK, C - c0);
      PointTaps(im, origins, j.io.x, rows, tap, block_taps, c0, kZeros, ptrs.data());
      const int64_t k0 = tap * C + c0, kc = segment * block_taps;
      GemmBlock(j.isa, rows, {ptrs.data(), rows, segment}, *j.w, k0, kc, k0 == 0, k0 + kc >= K, p0,
                p1, out);
    }
  }
}

// Rows [r0, r0 + rows) of a conv with few channels (an RGB stem): one tap row of a pixel's
// window (kw taps of C channels) is kw * C consecutive input values, read in place as one
// segment of k; a window that overhangs the image's left or right edge is gathered (im2col),
// and tap rows above or below the image read zeros. (Gathering every row cost the ResNet stem
// a third of its time.)
void RunsGemm(const Job& j, int64_t r0, int64_t rows, int64_t p0, int64_t p1, const GemmOut& out) {
  const ConvParams& p = *j.p;
  const int64_t run = p.kw * p.channels, K = j.w->k();
  const ConvImage im = ImageOf(j);
  const RowOrigins& origins = OriginsOf(im, r0, rows);
  thread_local std::vector<const float*> ptrs;  // [ky][row], per pool thread
  if (ptrs.size() < size_t(rows * p.kh)) ptrs.resize(size_t(rows * p.kh));
  float* gathered = GatherBuffer<float>(rows * K);
  for (int64_t i = 0; i < rows; ++i) {
    if (origins.ix0[i] < 0 || origins.ix0[i] + p.kw > j.io.w) {
      Im2colRows(im, j.io.x, r0 + i, 1, K, 0.0f, gathered);
      for (int64_t ky = 0; ky < p.kh; ++ky) ptrs[ky * rows + i] = gathered + ky * run;
      gathered += K;
      continue;
    }
    // The window lies inside the image horizontally: only its rows can fall in the padding.
    const int64_t origin =
        origins.image[i] + (origins.iy0[i] * j.io.w + origins.ix0[i]) * p.channels;
    const int64_t step = p.dilation_h * j.io.w * p.channels;  // from one tap row to the next
    for (int64_t ky = 0; ky < p.kh; ++ky) {
      const int64_t iy = origins.iy0[i] + ky * p.dilation_h;
      ptrs[ky * rows + i] = iy >= 0 && iy < j.io.h ? j.io.x + origin + ky * step : kZeros;
    }
  }
  const int64_t rows_per_block = kBlockK / run;
  for (int64_t ky = 0; ky < p.kh; ky += rows_per_block) {
    const int64_t k0 = ky * run, kc = std::min(rows_per_block, p.kh - ky) * run;
    GemmBlock(j.isa, rows, {ptrs.data() + ky * rows, rows, run}, *j.w, k0, kc, k0 == 0,
              k0 + kc >= K, p0, p1, out);
  }
}

void RunTask(void* context, size_t block, size_t group) {
  const Job& j = *static_cast<const Job*>(context);
  const int64_t K = j.w->k(), N = j.w->n();
  const ConvTask t = TaskOf(j.tasks, j.m, j.w->panels(), block, group);
  const float* residual = j.io.residual != nullptr ? j.io.residual + t.r0 * N : nullptr;
  const GemmOut out{j.io.y + t.r0 * N, N, j.io.lo, j.io.hi, residual};
  if (j.a == Job::A::kImplicit) return ImplicitGemm(j, t.r0, t.rows, t.p0, t.p1, out);
  if (j.a == Job::A::kRuns) return RunsGemm(j, t.r0, t.rows, t.p0, t.p1, out);
  const float* a = j.io.x + t.r0 * K;
  if (j.a == Job::A::kGathered) {
    float* gathered = GatherBuffer<float>(t.rows * K);
    Im2colRows(ImageOf(j), j.io.x, t.r0, t.rows, K, 0.0f, gathered);
    a = gathered;
  }
  GemmRows(j.isa, t.rows, a, K, *j.w, t.p0, t.p1, out);
}

void Run(Job& j, pthreadpool_t pool) {
  const int64_t mr = MicroRows(j.isa);
  const int64_t K = std::max<int64_t>(j.w->k(), 1);
  const bool gathers = j.a == Job::A::kGathered || j.a == Job::A::kRuns;
  int64_t max_rows = kBlockRows;
  if (gathers) {
    max_rows = std::clamp(kIm2colBytes / int64_t(sizeof(float)) / K / mr * mr, mr, kBlockRows);
  }
  // Two panels per task at least where rows are gathered, so that 64 channels share each
  // gathering.
  const ConvTasks t = SplitConvTasks(j.m, mr, j.w->panels(), max_rows, gathers ? 2 : 1, pool);
  j.tasks = t;
  pthreadpool_parallelize_2d(pool, RunTask, &j, size_t(t.blocks), size_t(t.groups), 0);
}

}  // namespace

size_t ConvScratchBytes(Isa isa, const ConvParams& p, int64_t out_channels, int64_t batch,
                        int64_t oh, int64_t ow, pthreadpool_t pool) {
  if (!WinogradApplies(isa, p, out_channels, batch, oh, ow)) return 0;
  return WinogradScratchBytes(p, batch, oh, ow, pool);
}

void ConvF32(Isa isa, const ConvParams& p, const PackedWeights& weights, const ConvIo& io,
             void* scratch, pthreadpool_t pool) {
  if (scratch != nullptr && WinogradApplies(isa, p, weights.n(), io.batch, io.oh, io.ow)) {
    return ConvWinogradF32(isa, p, weights, io, scratch, pool);
  }
  Job j{};
  j.isa = isa;
  j.p = &p;
  j.w = &weights;
  j.io = io;
  const bool runs = p.dilation_w == 1 && p.kw * p.channels <= kBlockK;
  j.a = ReadsRowsInPlace(p, io.h, io.w, io.oh, io.ow) ? Job::A::kDirect
        : p.channels >= kImplicitMinChannels          ? Job::A::kImplicit
        : runs                                        ? Job::A::kRuns
                                                      : Job::A::kGathered;
  j.m = io.batch * io.oh * io.ow;
  if (j.m == 0) return;
  Run(j, pool);
}

void FullyConnectedF32(Isa isa, const PackedWeights& weights, const float* x, int64_t m, float* y,
                       float lo, float hi, pthreadpool_t pool) {
  ConvParams p;
  p.channels = weights.k();
  ConvIo io;
  io.x = x;
  io.batch = m;
  io.y = y;
  io.lo = lo;
  io.hi = hi;
  ConvF32(isa, p, weights, io, /*scratch=*/nullptr, pool);
}

}  // namespace frost::kernels
