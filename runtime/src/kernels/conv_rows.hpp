// What the float (conv.cpp) and int8 (conv_int8.cpp) convolution drivers share: gathering
// im2col rows, and cutting the work into tasks of rows x panels for the thread pool.
#pragma once

#include <pthreadpool.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

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

}  // namespace frost::kernels
