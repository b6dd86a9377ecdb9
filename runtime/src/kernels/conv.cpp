#include "kernels/conv.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace frost::kernels {
namespace {

// Rows (output pixels) per task. Their input pixels stay in L2 while every panel passes.
constexpr int64_t kBlockRows = 256;
// A conv with at least this many input channels reads A in place, tap by tap ("implicit
// im2col": each k block is one tap's channels, each row a pointer into the input, or into
// zeros for padding). Fewer channels (an RGB stem) would make k blocks too short: those rows
// are gathered (im2col) per task into a buffer of at most kIm2colBytes.
constexpr int64_t kImplicitMinChannels = 32;
constexpr int64_t kIm2colBytes = 1 << 20;

alignas(64) const float kZeros[kBlockK] = {};

struct Job {
  Isa isa;
  const ConvParams* p;
  const PackedWeights* w;
  const float* x;
  int64_t h, w_in, oh, ow;
  float* y;
  float lo, hi;
  enum class A { kDirect, kImplicit, kGathered } a;
  int64_t m;             // rows of A: batch * oh * ow
  int64_t block_rows;    // rows per task
  int64_t group_panels;  // panels per task
};

// Gathers rows [r0, r0 + rows) of the im2col matrix (K = kh * kw * channels) into dst.
void Im2col(const Job& j, int64_t r0, int64_t rows, float* dst) {
  const ConvParams& p = *j.p;
  const int64_t C = p.channels, K = p.kh * p.kw * C, run = p.kw * C;
  for (int64_t r = r0; r < r0 + rows; ++r, dst += K) {
    const int64_t n = r / (j.oh * j.ow), oy = r / j.ow % j.oh, ox = r % j.ow;
    const int64_t ix0 = ox * p.stride_w - p.pad_left;
    const float* image = j.x + n * j.h * j.w_in * C;
    for (int64_t ky = 0; ky < p.kh; ++ky) {
      float* out = dst + ky * run;
      const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
      if (iy < 0 || iy >= j.h) {
        std::memset(out, 0, size_t(run) * sizeof(float));
        continue;
      }
      const float* row = image + iy * j.w_in * C;
      if (p.dilation_w == 1 && ix0 >= 0 && ix0 + p.kw <= j.w_in) {
        std::memcpy(out, row + ix0 * C, size_t(run) * sizeof(float));  // the common case
        continue;
      }
      for (int64_t kx = 0; kx < p.kw; ++kx) {
        const int64_t ix = ix0 + kx * p.dilation_w;
        if (ix < 0 || ix >= j.w_in) {
          std::memset(out + kx * C, 0, size_t(C) * sizeof(float));
        } else {
          std::memcpy(out + kx * C, row + ix * C, size_t(C) * sizeof(float));
        }
      }
    }
  }
}

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
  // Per pool thread, grown to the largest block: the rows' first input pixel and image.
  thread_local std::vector<int64_t> iy0, ix0, image;
  thread_local std::vector<const float*> ptrs;
  if (iy0.size() < size_t(rows)) {
    iy0.resize(size_t(rows));
    ix0.resize(size_t(rows));
    image.resize(size_t(rows));
  }
  if (ptrs.size() < size_t(rows * taps_per_block)) ptrs.resize(size_t(rows * taps_per_block));
  for (int64_t i = 0; i < rows; ++i) {
    const int64_t r = r0 + i;
    iy0[i] = r / j.ow % j.oh * p.stride_h - p.pad_top;
    ix0[i] = r % j.ow * p.stride_w - p.pad_left;
    image[i] = r / (j.oh * j.ow) * j.h * j.w_in * C;
  }
  // Points ptrs[slot * rows + i] at channel c0 of tap `tap` for every row.
  auto point = [&](int64_t slot, int64_t tap, int64_t c0) {
    const int64_t ky = tap / p.kw, kx = tap % p.kw;
    const float** out_ptrs = ptrs.data() + slot * rows;
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t iy = iy0[i] + ky * p.dilation_h, ix = ix0[i] + kx * p.dilation_w;
      const bool inside = iy >= 0 && iy < j.h && ix >= 0 && ix < j.w_in;
      out_ptrs[i] = inside ? j.x + image[i] + (iy * j.w_in + ix) * C + c0 : kZeros;
    }
  };
  for (int64_t tap = 0; tap < taps; tap += taps_per_block) {
    const int64_t block_taps = std::min(taps_per_block, taps - tap);
    for (int64_t c0 = 0; c0 < C; c0 += kBlockK) {
      const int64_t segment = std::min(kBlockK, C - c0);
      for (int64_t t = 0; t < block_taps; ++t) point(t, tap + t, c0);
      const int64_t k0 = tap * C + c0, kc = segment * block_taps;
      GemmBlock(j.isa, rows, {ptrs.data(), rows, segment}, *j.w, k0, kc, k0 == 0, k0 + kc >= K,
                p0, p1, out);
    }
  }
}

void RunTask(void* context, size_t block, size_t group) {
  const Job& j = *static_cast<const Job*>(context);
  const int64_t K = j.w->k(), N = j.w->n();
  const int64_t r0 = int64_t(block) * j.block_rows;
  const int64_t rows = std::min(j.block_rows, j.m - r0);
  const int64_t p0 = int64_t(group) * j.group_panels;
  const int64_t p1 = std::min(p0 + j.group_panels, j.w->panels());
  const GemmOut out{j.y + r0 * N, N, j.lo, j.hi};
  switch (j.a) {
    case Job::A::kDirect:
      GemmRows(j.isa, rows, j.x + r0 * K, K, *j.w, p0, p1, out);
      return;
    case Job::A::kImplicit:
      ImplicitGemm(j, r0, rows, p0, p1, out);
      return;
    case Job::A::kGathered: {
      // One buffer per pool thread, grown to the largest block it has gathered.
      thread_local std::vector<float> scratch;
      if (scratch.size() < size_t(rows * K)) scratch.resize(size_t(rows * K));
      Im2col(j, r0, rows, scratch.data());
      GemmRows(j.isa, rows, scratch.data(), K, *j.w, p0, p1, out);
      return;
    }
  }
}

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

void Run(Job& j, pthreadpool_t pool) {
  const int64_t mr = MicroRows(j.isa);
  const int64_t K = std::max<int64_t>(j.w->k(), 1), panels = j.w->panels();
  const int64_t threads = pool != nullptr ? int64_t(pthreadpool_get_threads_count(pool)) : 1;
  j.block_rows = kBlockRows;
  if (j.a == Job::A::kGathered) {
    j.block_rows = std::clamp(kIm2colBytes / int64_t(sizeof(float)) / K / mr * mr, mr, kBlockRows);
  }
  j.block_rows = std::min(j.block_rows, CeilDiv(j.m, mr) * mr);
  const int64_t blocks = CeilDiv(j.m, j.block_rows);
  // Enough tasks for every thread (4 each, for balance): split the panels too, but keep two
  // per task where rows are gathered, so that 64 channels share each gathering.
  j.group_panels = panels;
  const int64_t min_group = j.a == Job::A::kGathered ? 2 : 1;
  while (threads > 1 && blocks * CeilDiv(panels, j.group_panels) < 4 * threads &&
         j.group_panels > min_group) {
    j.group_panels = CeilDiv(j.group_panels, 2);
  }
  pthreadpool_parallelize_2d(pool, RunTask, &j, size_t(blocks),
                             size_t(CeilDiv(panels, j.group_panels)), 0);
}

}  // namespace

void ConvF32(Isa isa, const ConvParams& p, const PackedWeights& weights, const float* x,
             int64_t batch, int64_t h, int64_t w, int64_t oh, int64_t ow, float* y, float lo,
             float hi, pthreadpool_t pool) {
  Job j{};
  j.isa = isa;
  j.p = &p;
  j.w = &weights;
  j.x = x;
  j.h = h;
  j.w_in = w;
  j.oh = oh;
  j.ow = ow;
  j.y = y;
  j.lo = lo;
  j.hi = hi;
  const bool direct = p.kh == 1 && p.kw == 1 && p.stride_h == 1 && p.stride_w == 1 &&
                      p.pad_top == 0 && p.pad_left == 0 && oh == h && ow == w;
  j.a = direct                               ? Job::A::kDirect
        : p.channels >= kImplicitMinChannels ? Job::A::kImplicit
                                             : Job::A::kGathered;
  j.m = batch * oh * ow;
  if (j.m == 0) return;
  Run(j, pool);
}

void FullyConnectedF32(Isa isa, const PackedWeights& weights, const float* x, int64_t m, float* y,
                       float lo, float hi, pthreadpool_t pool) {
  ConvParams p;
  p.channels = weights.k();
  ConvF32(isa, p, weights, x, m, 1, 1, 1, 1, y, lo, hi, pool);
}

}  // namespace frost::kernels
