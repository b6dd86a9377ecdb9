// What the float (conv.cpp) and int8 (conv_int8.cpp) convolution drivers share: gathering
// im2col rows, and cutting the work into tasks of rows x panels for the thread pool.
#pragma once

#include <pthreadpool.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/conv.hpp"

namespace frost::kernels {

// Rows (output pixels) per task. Their input pixels stay in L2 while every panel passes.
constexpr int64_t kBlockRows = 256;
// A gathered (im2col) block of rows takes at most this many bytes.
constexpr int64_t kIm2colBytes = 1 << 20;

// The input image x [batch, h, w, p.channels] and the output's size.
struct ConvImage {
  const ConvParams* p;
  int64_t h, w, oh, ow;
};

// Gathers rows [r0, r0 + rows) of the im2col matrix (K = kh * kw * channels, OHWI's order)
// into dst, one row every `ld` >= K values; padding taps and the values past K read `pad`.
template <class T>
void Im2colRows(const ConvImage& im, const T* x, int64_t r0, int64_t rows, int64_t ld, T pad,
                T* dst) {
  const ConvParams& p = *im.p;
  const int64_t C = p.channels, K = p.kh * p.kw * C, run = p.kw * C;
  for (int64_t r = r0; r < r0 + rows; ++r, dst += ld) {
    const int64_t n = r / (im.oh * im.ow), oy = r / im.ow % im.oh, ox = r % im.ow;
    const int64_t ix0 = ox * p.stride_w - p.pad_left;
    const T* image = x + n * im.h * im.w * C;
    std::fill(dst + K, dst + ld, pad);
    for (int64_t ky = 0; ky < p.kh; ++ky) {
      T* out = dst + ky * run;
      const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
      if (iy < 0 || iy >= im.h) {
        std::fill(out, out + run, pad);
        continue;
      }
      const T* row = image + iy * im.w * C;
      if (p.dilation_w == 1 && ix0 >= 0 && ix0 + p.kw <= im.w) {
        std::memcpy(out, row + ix0 * C, size_t(run) * sizeof(T));  // the common case
        continue;
      }
      for (int64_t kx = 0; kx < p.kw; ++kx) {
        const int64_t ix = ix0 + kx * p.dilation_w;
        if (ix < 0 || ix >= im.w) {
          std::fill(out + kx * C, out + (kx + 1) * C, pad);
        } else {
          std::memcpy(out + kx * C, row + ix * C, size_t(C) * sizeof(T));
        }
      }
    }
  }
}

// Rows read in place, tap by tap: where each row's taps start (its top-left tap, which may lie
// in the padding) and the offset of its image, for rows [r0, r0 + rows).
struct RowOrigins {
  std::vector<int64_t> iy0, ix0, image;

  // The input value of row i's tap (ky, kx), channel 0 (an offset into x); -1: padding.
  int64_t Tap(const ConvImage& im, int64_t i, int64_t ky, int64_t kx) const {
    const ConvParams& p = *im.p;
    const int64_t iy = iy0[i] + ky * p.dilation_h, ix = ix0[i] + kx * p.dilation_w;
    const bool inside = iy >= 0 && iy < im.h && ix >= 0 && ix < im.w;
    return inside ? image[i] + (iy * im.w + ix) * p.channels : -1;
  }
};
// Points ptrs[t * rows + i], t < taps, at channel c0 of tap tap0 + t (taps in OHWI order) of
// row i in x, or at `pad` where that tap lies in the padding.
template <class T>
void PointTaps(const ConvImage& im, const RowOrigins& origins, const T* x, int64_t rows,
               int64_t tap0, int64_t taps, int64_t c0, const T* pad, const T** ptrs) {
  for (int64_t t = 0; t < taps; ++t) {
    const int64_t ky = (tap0 + t) / im.p->kw, kx = (tap0 + t) % im.p->kw;
    const T** tap_ptrs = ptrs + t * rows;
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t at = origins.Tap(im, i, ky, kx);
      tap_ptrs[i] = at >= 0 ? x + at + c0 : pad;
    }
  }
}

// One per pool thread, grown to the largest block.
inline const RowOrigins& OriginsOf(const ConvImage& im, int64_t r0, int64_t rows) {
  thread_local RowOrigins o;
  if (o.iy0.size() < size_t(rows)) {
    o.iy0.resize(size_t(rows));
    o.ix0.resize(size_t(rows));
    o.image.resize(size_t(rows));
  }
  const ConvParams& p = *im.p;
  // Row r is pixel (oy, ox) of image n; stepped along instead of divided out per row (three
  // divisions a row cost an RGB stem 8 % of its time).
  int64_t n = r0 / (im.oh * im.ow), oy = r0 / im.ow % im.oh, ox = r0 % im.ow;
  for (int64_t i = 0; i < rows; ++i) {
    o.iy0[i] = oy * p.stride_h - p.pad_top;
    o.ix0[i] = ox * p.stride_w - p.pad_left;
    o.image[i] = n * im.h * im.w * p.channels;
    if (++ox == im.ow) {
      ox = 0;
      if (++oy == im.oh) oy = 0, ++n;
    }
  }
  return o;
}

// A 1x1 stride-1 unpadded convolution: the input's pixels are the rows of A as they are.
inline bool ReadsRowsInPlace(const ConvParams& p, int64_t h, int64_t w, int64_t oh, int64_t ow) {
  return p.kh == 1 && p.kw == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 &&
         p.pad_left == 0 && oh == h && ow == w;
}

inline int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The tasks of a convolution: blocks of `block_rows` rows (of m) times groups of
// `group_panels` panels.
struct ConvTasks {
  int64_t block_rows, group_panels, blocks, groups;
};

// Blocks of at most `max_block_rows` rows (a multiple of the micro-kernel's `mr` rows), and
// enough tasks for every thread (4 each, for balance): the panels are split too, down to
// groups of `min_group` panels.
inline ConvTasks SplitConvTasks(int64_t m, int64_t mr, int64_t panels, int64_t max_block_rows,
                                int64_t min_group, pthreadpool_t pool) {
  const int64_t threads = pool != nullptr ? int64_t(pthreadpool_get_threads_count(pool)) : 1;
  ConvTasks t;
  t.block_rows = std::min(max_block_rows, CeilDiv(m, mr) * mr);
  t.blocks = CeilDiv(m, t.block_rows);
  t.group_panels = panels;
  while (threads > 1 && t.blocks * CeilDiv(panels, t.group_panels) < 4 * threads &&
         t.group_panels > min_group) {
    t.group_panels = CeilDiv(t.group_panels, 2);
  }
  t.groups = CeilDiv(panels, t.group_panels);
  return t;
}

// Task (block, group) of `t`: rows [r0, r0 + rows) of m, panels [p0, p1) of `panels`.
struct ConvTask {
  int64_t r0, rows, p0, p1;
};
inline ConvTask TaskOf(const ConvTasks& t, int64_t m, int64_t panels, size_t block, size_t group) {
  const int64_t r0 = int64_t(block) * t.block_rows, p0 = int64_t(group) * t.group_panels;
  return {r0, std::min(t.block_rows, m - r0), p0, std::min(p0 + t.group_panels, panels)};
}

// A buffer of `count` values for gathered rows: one per pool thread (and type), grown to the
// largest block it has gathered.
template <class T>
T* GatherBuffer(int64_t count) {
  thread_local std::vector<T> buffer;
  if (buffer.size() < size_t(count)) buffer.resize(size_t(count));
  return buffer.data();
}

}  // namespace frost::kernels
