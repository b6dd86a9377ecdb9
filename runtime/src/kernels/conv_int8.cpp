#include "kernels/conv_int8.hpp"

#include <algorithm>
#include <vector>

#include "kernels/conv_rows.hpp"

namespace frost::kernels {
namespace {

// Rows are read in place, tap by tap, where the channels are a multiple of 4 (a tap's
// channels then fill whole quads of k) and at least this many; else they are gathered.
constexpr int64_t kImplicitMinChannels8 = 16;

struct Job {
  const ConvParams* p;
  const PackedInt8Weights* w;
  const uint8_t* x;
  int64_t h, w_in, oh, ow;
  GemmInt8Out out;
  enum class A { kDirect, kImplicit, kGathered } a;
  int64_t m;             // rows of A: batch * oh * ow
  int64_t block_rows;    // rows per task
  int64_t group_panels;  // panels per task
  uint8_t pad;
  alignas(64) uint8_t pads[kBlockK8];  // what padding taps read
};

// Rows [r0, r0 + rows) read in place. A block of k is as many whole taps as fit in kBlockK8
// (one micro-kernel call walks them all, pointer set by pointer set), or a part of one tap.
void ImplicitGemm(const Job& j, int64_t r0, int64_t rows, int64_t p0, int64_t p1,
                  const GemmInt8Out& out) {
  const ConvParams& p = *j.p;
  const int64_t C = p.channels, K = j.w->k(), taps = p.kh * p.kw;
  const int64_t taps_per_block = C <= kBlockK8 ? kBlockK8 / C : 1;
  const int64_t chunk = std::min(C, kBlockK8);
  // Per pool thread, grown to the largest block: the rows' first input pixel and image.
  thread_local std::vector<int64_t> iy0, ix0, image;
  thread_local std::vector<const uint8_t*> ptrs;
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
  for (int64_t t0 = 0; t0 < taps; t0 += taps_per_block) {
    const int64_t tn = std::min(taps_per_block, taps - t0);
    for (int64_t c0 = 0; c0 < C; c0 += chunk) {
      const int64_t kc = std::min(chunk, C - c0);
      for (int64_t t = 0; t < tn; ++t) {
        const int64_t ky = (t0 + t) / p.kw, kx = (t0 + t) % p.kw;
        const uint8_t** tap_ptrs = ptrs.data() + t * rows;
        for (int64_t i = 0; i < rows; ++i) {
          const int64_t iy = iy0[i] + ky * p.dilation_h, ix = ix0[i] + kx * p.dilation_w;
          const bool inside = iy >= 0 && iy < j.h && ix >= 0 && ix < j.w_in;
          tap_ptrs[i] = inside ? j.x + image[i] + (iy * j.w_in + ix) * C + c0 : j.pads;
        }
      }
      const int64_t k0 = t0 * C + c0;
      GemmInt8Block(rows, ptrs.data(), tn, kc, *j.w, k0, k0 == 0, k0 + tn * kc >= K, p0, p1,
                    out);
    }
  }
}

void RunTask(void* context, size_t block, size_t group) {
  const Job& j = *static_cast<const Job*>(context);
  const int64_t K4 = j.w->k4(), N = j.w->n();
  const int64_t r0 = int64_t(block) * j.block_rows;
  const int64_t rows = std::min(j.block_rows, j.m - r0);
  const int64_t p0 = int64_t(group) * j.group_panels;
  const int64_t p1 = std::min(p0 + j.group_panels, j.w->panels());
  GemmInt8Out out = j.out;
  out.c += r0 * N;
  switch (j.a) {
    case Job::A::kDirect:
      GemmInt8Rows(rows, j.x + r0 * K4, K4, *j.w, p0, p1, out);
      return;
    case Job::A::kImplicit:
      ImplicitGemm(j, r0, rows, p0, p1, out);
      return;
    case Job::A::kGathered: {
      // One buffer per pool thread, grown to the largest block it has gathered.
      thread_local std::vector<uint8_t> scratch;
      if (scratch.size() < size_t(rows * K4)) scratch.resize(size_t(rows * K4));
      const ConvImage image{j.p, j.h, j.w_in, j.oh, j.ow};
      Im2colRows(image, j.x, r0, rows, K4, j.pad, scratch.data());
      GemmInt8Rows(rows, scratch.data(), K4, *j.w, p0, p1, out);
      return;
    }
  }
}

}  // namespace

void ConvInt8(const ConvParams& p, const PackedInt8Weights& weights, const uint8_t* x,
              uint8_t pad, int64_t batch, int64_t h, int64_t w, int64_t oh, int64_t ow,
              const GemmInt8Out& out, pthreadpool_t pool) {
  Job j;
  j.p = &p;
  j.w = &weights;
  j.x = x;
  j.h = h;
  j.w_in = w;
  j.oh = oh;
  j.ow = ow;
  j.out = out;
  j.out.ldc = weights.n();
  j.m = batch * oh * ow;
  j.pad = pad;
  if (j.m == 0) return;
  const bool whole_quads = p.channels % 4 == 0;
  const bool direct = p.kh == 1 && p.kw == 1 && p.stride_h == 1 && p.stride_w == 1 &&
                      p.pad_top == 0 && p.pad_left == 0 && oh == h && ow == w;
  j.a = !whole_quads                           ? Job::A::kGathered
        : direct                               ? Job::A::kDirect
        : p.channels >= kImplicitMinChannels8 ? Job::A::kImplicit
                                               : Job::A::kGathered;
  if (j.a == Job::A::kImplicit) std::fill(j.pads, j.pads + kBlockK8, pad);
  const int64_t mr = MicroRowsInt8();
  int64_t max_rows = kBlockRows;
  if (j.a == Job::A::kGathered) {
    max_rows = std::clamp(kIm2colBytes / std::max<int64_t>(weights.k4(), 1) / mr * mr, mr,
                          kBlockRows);
  }
  const ConvTasks t = SplitConvTasks(j.m, mr, weights.panels(), max_rows,
                                     j.a == Job::A::kGathered ? 2 : 1, pool);
  j.block_rows = t.block_rows;
  j.group_panels = t.group_panels;
  pthreadpool_parallelize_2d(pool, RunTask, &j, size_t(t.blocks), size_t(t.groups), 0);
}

}  // namespace frost::kernels
