#include "kernels/conv.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace frost::kernels {
namespace {

// Bytes of im2col rows one task gathers (they stay in L2 while every panel of the task passes).
constexpr int64_t kIm2colBytes = 1 << 20;
// A matrix this small is gathered whole, so that every panel streams from memory once.
constexpr int64_t kWholeIm2colBytes = 3 << 19;
// Bound on that buffer when many threads split few row blocks (else each task gathers its own).
constexpr int64_t kMaxGatheredBytes = 8 << 20;
// Rows per block when A is read in place.
constexpr int64_t kDirectRows = 256;

struct Job {
  Isa isa;
  const ConvParams* p;
  const PackedWeights* w;
  const float* x;
  int64_t h, w_in, oh, ow;
  float* y;
  float lo, hi;
  bool direct;          // A is x itself (1x1, stride 1, no padding)
  const float* gathered;  // else A gathered whole before the tasks run, or nullptr
  int64_t m;            // rows of A: batch * oh * ow
  int64_t block_rows;   // rows per task
  int64_t group_panels; // panels per task
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

void RunTask(void* context, size_t block, size_t group) {
  const Job& j = *static_cast<const Job*>(context);
  const int64_t K = j.w->k(), N = j.w->n();
  const int64_t r0 = int64_t(block) * j.block_rows;
  const int64_t rows = std::min(j.block_rows, j.m - r0);
  const int64_t p0 = int64_t(group) * j.group_panels;
  const int64_t p1 = std::min(p0 + j.group_panels, j.w->panels());
  const float* a = (j.gathered != nullptr ? j.gathered : j.x) + r0 * K;
  if (!j.direct && j.gathered == nullptr) {
    // One buffer per pool thread, grown to the largest block it has gathered (<= ~512 KiB).
    thread_local std::vector<float> scratch;
    if (scratch.size() < size_t(rows * K)) scratch.resize(size_t(rows * K));
    Im2col(j, r0, rows, scratch.data());
    a = scratch.data();
  }
  GemmRows(j.isa, rows, a, K, *j.w, p0, p1, GemmOut{j.y + r0 * N, N, j.lo, j.hi});
}

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

constexpr int64_t kGatherRows = 16;  // rows per task of the whole-matrix im2col

void GatherTask(void* context, size_t chunk) {
  const Job& j = *static_cast<const Job*>(context);
  const int64_t r0 = int64_t(chunk) * kGatherRows;
  Im2col(j, r0, std::min(kGatherRows, j.m - r0), const_cast<float*>(j.gathered) + r0 * j.w->k());
}

void Run(Job& j, pthreadpool_t pool) {
  const int64_t mr = MicroRows(j.isa);
  const int64_t K = std::max<int64_t>(j.w->k(), 1), panels = j.w->panels();
  const int64_t threads = pool != nullptr ? int64_t(pthreadpool_get_threads_count(pool)) : 1;
  const int64_t a_bytes = j.m * K * int64_t(sizeof(float));
  if (j.direct) {
    j.block_rows = kDirectRows;
  } else if (a_bytes <= kWholeIm2colBytes) {
    j.block_rows = j.m;
  } else {
    j.block_rows = std::clamp(kIm2colBytes / int64_t(sizeof(float)) / K / mr * mr, mr, kDirectRows);
  }
  j.block_rows = std::min(CeilDiv(j.block_rows, mr) * mr, CeilDiv(j.m, mr) * mr);
  int64_t blocks = CeilDiv(j.m, j.block_rows);
  // Too few row blocks to keep every thread busy: the panels are split too, and rows that
  // would be gathered are gathered once, before, into one buffer all tasks read.
  j.gathered = nullptr;
  const bool split_panels = threads > 1 && blocks < 2 * threads;
  if (split_panels && !j.direct && a_bytes <= kMaxGatheredBytes) {
    thread_local std::vector<float> whole;
    if (whole.size() < size_t(j.m * K)) whole.resize(size_t(j.m * K));
    j.gathered = whole.data();
    pthreadpool_parallelize_1d(pool, GatherTask, &j, size_t(CeilDiv(j.m, kGatherRows)), 0);
  }
  // Enough tasks for every thread (4 each, for balance).
  j.group_panels = panels;
  while (split_panels && blocks * CeilDiv(panels, j.group_panels) < 4 * threads &&
         j.group_panels > 1) {
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
  j.direct = p.kh == 1 && p.kw == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 &&
             p.pad_left == 0 && oh == h && ow == w;
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
