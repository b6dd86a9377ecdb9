// The sliding-window attributes Conv, MaxPool and AveragePool share: kernel_shape, strides,
// dilations, pads, auto_pad, ceil_mode. Frost supports 2-D windows (4-D NCHW inputs).
#pragma once

#include <array>
#include <cstdint>

#include "ir.hpp"

namespace frost::convert {

struct Window2D {
  std::array<int64_t, 2> kernel{1, 1};
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 2> dilation{1, 1};
  std::array<int64_t, 2> pad_begin{0, 0};
  std::array<int64_t, 2> pad_end{0, 0};
  std::array<int64_t, 2> out{0, 0};
  // End padding added to honour ceil_mode (already included in pad_end).
  std::array<int64_t, 2> ceil_extra{0, 0};
};

// Reads the window attributes of `n` for an input of spatial size `in` ([H, W]) and a
// kernel of size `kernel` (from the weight for Conv, from kernel_shape for pools), resolves
// auto_pad and ceil_mode into explicit pads and writes them back: afterwards the node has
// kernel_shape, strides, dilations and pads ([top, left, bottom, right]) and no auto_pad
// or ceil_mode. With `no_empty_windows` (pools: the runtime computes no value for a window
// without an input cell), a window that would lie entirely in the padding is an error.
Status ResolveWindow(const Graph& g, Node& n, const std::array<int64_t, 2>& in,
                     const std::array<int64_t, 2>& kernel, bool no_empty_windows, Window2D* w);

// The 2-D window of a node whose attributes ResolveWindow has already written.
Window2D ReadWindow(const Node& n);

}  // namespace frost::convert
