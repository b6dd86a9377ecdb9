#include "importers/window.hpp"
#include <algorithm>

#include "importers/common.hpp"

namespace frost::convert {
namespace {

Status ReadPair(const Graph& g, const Node& n, const char* key, int64_t min,
                std::array<int64_t, 2>* out) {
  if (!n.Has(key)) return Status::Ok();
  std::vector<int64_t> v = n.Ints(key);
  if (v.size() != 2) {
    return NodeError(g, n,
                     std::string(key) + " has " + std::to_string(v.size()) +
                         " values; frost supports 2-D windows only");
  }
  for (int64_t x : v) {
    if (x < min)
      return NodeError(g, n,
                       std::string(key) + " value " + std::to_string(x) + " must be at least " +
                           std::to_string(min));
  }
  *out = {v[0], v[1]};
  return Status::Ok();
}

}  // namespace

Status ResolveWindow(const Graph& g, Node& n, const std::array<int64_t, 2>& in,
                     const std::array<int64_t, 2>& kernel, bool no_empty_windows, Window2D* w) {
  w->kernel = kernel;
  FROST_CONVERT_TRY(ReadPair(g, n, "strides", 1, &w->stride));
  FROST_CONVERT_TRY(ReadPair(g, n, "dilations", 1, &w->dilation));
  const std::string auto_pad = n.String("auto_pad", "NOTSET");
  const bool ceil_mode = n.Int("ceil_mode", 0) != 0;
  if (n.Has("pads")) {
    std::vector<int64_t> pads = n.Ints("pads");
    if (pads.size() != 4) {
      return NodeError(
          g, n,
          "pads has " + std::to_string(pads.size()) + " values; frost supports 2-D windows only");
    }
    for (int64_t p : pads) {
      if (p < 0) return NodeError(g, n, "negative pads are not supported");
    }
    if (auto_pad != "NOTSET") return NodeError(g, n, "pads and auto_pad " + auto_pad + " together");
    w->pad_begin = {pads[0], pads[1]};
    w->pad_end = {pads[2], pads[3]};
  }
  for (int i = 0; i < 2; ++i) {
    const int64_t span = w->dilation[i] * (kernel[i] - 1) + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      w->out[i] = (in[i] + w->stride[i] - 1) / w->stride[i];
      const int64_t total = std::max<int64_t>(0, (w->out[i] - 1) * w->stride[i] + span - in[i]);
      const int64_t small = total / 2;
      w->pad_begin[i] = auto_pad == "SAME_UPPER" ? small : total - small;
      w->pad_end[i] = total - w->pad_begin[i];
      continue;
    }
    if (auto_pad == "VALID")
      w->pad_begin[i] = w->pad_end[i] = 0;
    else if (auto_pad != "NOTSET")
      return NodeError(g, n, "unknown auto_pad '" + auto_pad + "'");
    const int64_t padded = in[i] + w->pad_begin[i] + w->pad_end[i];
    if (padded < span) {
      return NodeError(g, n,
                       "the window (" + std::to_string(span) +
                           ") is larger than the padded input (" + std::to_string(padded) + ")");
    }
    const int64_t round_up = ceil_mode ? w->stride[i] - 1 : 0;
    w->out[i] = (padded - span + round_up) / w->stride[i] + 1;
    // As PyTorch does: the last window must start inside the input or the begin padding.
    if (ceil_mode && (w->out[i] - 1) * w->stride[i] >= in[i] + w->pad_begin[i]) --w->out[i];
    w->ceil_extra[i] = std::max<int64_t>(0, (w->out[i] - 1) * w->stride[i] + span - padded);
    w->pad_end[i] += w->ceil_extra[i];
  }
  if (no_empty_windows) {
    for (int i = 0; i < 2; ++i) {
      const int64_t span = w->dilation[i] * (kernel[i] - 1) + 1;
      const int64_t last_start = (w->out[i] - 1) * w->stride[i] - w->pad_begin[i];
      if (w->pad_begin[i] >= span || last_start >= in[i]) {
        return NodeError(g, n,
                         "a pooling window would lie entirely in the padding "
                         "(pads must be smaller than the window)");
      }
    }
  }
  n.attrs.erase("auto_pad");
  n.attrs.erase("ceil_mode");
  n.SetInts("kernel_shape", {w->kernel[0], w->kernel[1]});
  n.SetInts("strides", {w->stride[0], w->stride[1]});
  n.SetInts("dilations", {w->dilation[0], w->dilation[1]});
  n.SetInts("pads", {w->pad_begin[0], w->pad_begin[1], w->pad_end[0], w->pad_end[1]});
  return Status::Ok();
}

Window2D ReadWindow(const Node& n) {
  Window2D w;
  std::vector<int64_t> k = n.Ints("kernel_shape", {1, 1});
  std::vector<int64_t> s = n.Ints("strides", {1, 1});
  std::vector<int64_t> d = n.Ints("dilations", {1, 1});
  std::vector<int64_t> p = n.Ints("pads", {0, 0, 0, 0});
  w.kernel = {k[0], k[1]};
  w.stride = {s[0], s[1]};
  w.dilation = {d[0], d[1]};
  w.pad_begin = {p[0], p[1]};
  w.pad_end = {p[2], p[3]};
  return w;
}

}  // namespace frost::convert
