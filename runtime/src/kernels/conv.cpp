#include "kernels/conv.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/conv_rows.hpp"

namespace frost::kernels {
namespace {

// A conv with at least this many input channels reads A in place, tap by tap ("implicit
// im2col": each k block is one tap's channels, each row a pointer into the input, or into
// zeros for padding). Fewer channels (an RGB stem) would make k blocks too short: those rows
// are gathered (im2col) per task into a buffer of at most kIm2colBytes.
constexpr int64_t kImplicitMinChannels = 32;

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

// Rows [r0, r0 + rows) read in place: per tap and block of channels, one pointer per row.
void ImplicitGemm(const Job& j, int64_t r0, int64_t rows, int64_t p0, int64_t p1,
                  const GemmOut& out) {
  const ConvParams& p = *j.p;
  const int64_t C = p.channels, K = j.w->k();
  // Per pool thread, grown to the largest block: the rows' first input pixel and image.
  thread_local std::vector<int64_t> iy0, ix0, image;
  thread_local std::vector<const float*> ptrs;
  if (ptrs.size() < size_t(rows)) {
    iy0.resize(size_t(rows));
    ix0.resize(size_t(rows));
    image.resize(size_t(rows));
    ptrs.resize(size_t(rows));
  }
  for (int64_t i = 0; i < rows; ++i) {
    const int64_t r = r0 + i;
    iy0[i] = r / j.ow % j.oh * p.stride_h - p.pad_top;
    ix0[i] = r % j.ow * p.stride_w - p.pad_left;
    image[i] = r / (j.oh * j.ow) * j.h * j.w_in * C;
  }
  for (int64_t ky = 0; ky < p.kh; ++ky) {
    for (int64_t kx = 0; kx < p.kw; ++kx) {
      for (int64_t c0 = 0; c0 < C; c0 += kBlockK) {
        const int64_t kc = std::min(kBlockK, C - c0);
        const int64_t k0 = (ky * p.kw + kx) * C + c0;
        for (int64_t i = 0; i < rows; ++i) {
          const int64_t iy = iy0[i] + ky * p.dilation_h, ix = ix0[i] + kx * p.dilation_w;
          const bool inside = iy >= 0 && iy < j.h && ix >= 0 && ix < j.w_in;
          ptrs[i] = inside ? j.x + image[i] + (iy * j.w_in + ix) * C + c0 : kZeros;
        }
        GemmBlock(j.isa, rows, ptrs.data(), *j.w, k0, kc, k0 == 0, k0 + kc >= K, p0, p1, out);
      }
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
      const ConvImage image{j.p, j.h, j.w_in, j.oh, j.ow};
      Im2colRows(image, j.x, r0, rows, K, 0.0f, scratch.data());
      GemmRows(j.isa, rows, scratch.data(), K, *j.w, p0, p1, out);
      return;
    }
  }
}

void Run(Job& j, pthreadpool_t pool) {
  const int64_t mr = MicroRows(j.isa);
  const int64_t K = std::max<int64_t>(j.w->k(), 1);
  int64_t max_rows = kBlockRows;
  if (j.a == Job::A::kGathered) {
    max_rows = std::clamp(kIm2colBytes / int64_t(sizeof(float)) / K / mr * mr, mr, kBlockRows);
  }
  // Two panels per task at least where rows are gathered, so that 64 channels share each
  // gathering.
  const ConvTasks t = SplitConvTasks(j.m, mr, j.w->panels(), max_rows,
                                     j.a == Job::A::kGathered ? 2 : 1, pool);
  j.block_rows = t.block_rows;
  j.group_panels = t.group_panels;
  pthreadpool_parallelize_2d(pool, RunTask, &j, size_t(t.blocks), size_t(t.groups), 0);
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
