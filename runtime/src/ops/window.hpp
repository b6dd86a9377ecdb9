// Sliding-window geometry shared by Conv2D and Pool2D.
#pragma once

#include <cstdint>

namespace frost::ops {

// Output size along one axis; -1 if the (dilated) window does not fit in the padded input.
inline int64_t WindowOutput(int64_t in, int64_t pad_begin, int64_t pad_end, int64_t kernel,
                            int64_t stride, int64_t dilation) {
  int64_t effective = (kernel - 1) * dilation + 1;
  int64_t padded = in + pad_begin + pad_end;
  if (padded < effective) return -1;
  return (padded - effective) / stride + 1;
}

// Checks in O(1) that every window along one axis covers at least one input element (a
// pooling window wholly in the padding has no defined max or average). With dilation <= in,
// taps are too close to jump over the input, so a window misses it only by lying wholly
// before it (worst: the first window) or wholly after it (worst: the last window). Larger
// dilations are rejected with kernel > 1: their windows could skip the input entirely.
inline bool EveryWindowTouchesInput(int64_t in, int64_t pad_begin, int64_t out, int64_t kernel,
                                    int64_t stride, int64_t dilation) {
  if (out <= 0) return true;
  if (kernel > 1 && dilation > in) return false;
  const int64_t first_window_last_tap = -pad_begin + (kernel - 1) * dilation;
  const int64_t last_window_first_tap = (out - 1) * stride - pad_begin;
  return first_window_last_tap >= 0 && last_window_first_tap < in;
}

}  // namespace frost::ops
