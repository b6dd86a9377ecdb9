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
  ConvTasks tasks;
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
  const ConvImage im{j.p, j.h, j.w_in, j.oh, j.ow};
  const RowOrigins& origins = OriginsOf(im, r0, rows);
  thread_local std::vector<const uint8_t*> ptrs;  // per pool thread, [taps][rows]
  if (ptrs.size() < size_t(rows * taps_per_block)) ptrs.resize(size_t(rows * taps_per_block));
  for (int64_t t0 = 0; t0 < taps; t0 += taps_per_block) {
    const int64_t tn = std::min(taps_per_block, taps - t0);
    for (int64_t c0 = 0; c0 < C; c0 += chunk) {
      const int64_t kc = std::min(chunk, C - c0);
      PointTaps(im, origins, j.x, rows, t0, tn, c0, j.pads, ptrs.data());
      const int64_t k0 = t0 * C + c0;
      GemmInt8Block(rows, ptrs.data(), tn, kc, *j.w, k0, k0 == 0, k0 + tn * kc >= K, p0, p1,
                    out);
    }
  }
}

void RunTask(void* context, size_t block, size_t group) {
  const Job& j = *static_cast<const Job*>(context);
  const int64_t K4 = j.w->k4();
  const ConvTask t = TaskOf(j.tasks, j.m, j.w->panels(), block, group);
  GemmInt8Out out = j.out;
  out.c += t.r0 * j.w->n();
  if (j.a == Job::A::kImplicit) return ImplicitGemm(j, t.r0, t.rows, t.p0, t.p1, out);
  const uint8_t* a = j.x + t.r0 * K4;
  if (j.a == Job::A::kGathered) {
    uint8_t* gathered = GatherBuffer<uint8_t>(t.rows * K4);
    Im2colRows(ConvImage{j.p, j.h, j.w_in, j.oh, j.ow}, j.x, t.r0, t.rows, K4, j.pad, gathered);
    a = gathered;
  }
  GemmInt8Rows(t.rows, a, K4, *j.w, t.p0, t.p1, out);
}

}  // namespace

void ConvInt8(const ConvParams& p, const PackedInt8Weights& weights, const uint8_t* x,
              uint8_t pad, int64_t batch, int64_t h, int64_t w, int64_t oh, int64_t ow,
              const GemmInt8Out& out, pthreadpool_t pool) {
  if (batch * oh * ow == 0) return;
  // Whole quads of k per tap need a multiple of 4 channels; else the rows are gathered.
  Job::A a = Job::A::kGathered;
  if (p.channels % 4 == 0 && ReadsRowsInPlace(p, h, w, oh, ow)) {
    a = Job::A::kDirect;
  } else if (p.channels % 4 == 0 && p.channels >= kImplicitMinChannels8) {
    a = Job::A::kImplicit;
  }
  Job j{.p = &p, .w = &weights, .x = x, .h = h, .w_in = w, .oh = oh, .ow = ow, .out = out,
        .a = a, .m = batch * oh * ow, .tasks = {}, .pad = pad, .pads = {}};
  j.out.ldc = weights.n();
  if (j.a == Job::A::kImplicit) std::fill(j.pads, j.pads + kBlockK8, pad);
  const int64_t mr = MicroRowsInt8();
  int64_t max_rows = kBlockRows;
  if (j.a == Job::A::kGathered) {
    max_rows = std::clamp(kIm2colBytes / std::max<int64_t>(weights.k4(), 1) / mr * mr, mr,
                          kBlockRows);
  }
  const ConvTasks t = SplitConvTasks(j.m, mr, weights.panels(), max_rows,
                                     j.a == Job::A::kGathered ? 2 : 1, pool);
  j.tasks = t;
  pthreadpool_parallelize_2d(pool, RunTask, &j, size_t(t.blocks), size_t(t.groups), 0);
}

}  // namespace frost::kernels
