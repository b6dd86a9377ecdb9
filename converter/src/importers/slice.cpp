// Slice: starts/ends/axes are attributes before opset 10, and starts/ends/axes/steps
// inputs from 10 (constant after folding). Infer resolves them, with ONNX's clamping,
// into one (start, end, step) per axis in attributes "starts"/"ends"/"steps", the form the
// .frost Slice takes: 0 <= start, elements start, start+step, ... while < end (step > 0)
// or > end (step < 0, where end may be -1).
#include <algorithm>

#include "importers/common.hpp"
#include "tensor_math.hpp"

namespace frost::convert {
namespace {

template <typename T>
std::vector<T> Gather(const std::vector<T>& data, const std::vector<int64_t>& shape,
                      const std::vector<int64_t>& starts, const std::vector<int64_t>& steps,
                      const std::vector<int64_t>& out_shape) {
  const std::vector<int64_t> strides = Strides(shape);
  std::vector<T> out(static_cast<size_t>(Product(out_shape)));
  std::vector<int64_t> index(out_shape.size(), 0);
  for (size_t n = 0; n < out.size(); ++n) {
    int64_t offset = 0;
    for (size_t a = 0; a < index.size(); ++a)
      offset += (starts[a] + index[a] * steps[a]) * strides[a];
    out[n] = data[offset];
    for (int a = static_cast<int>(index.size()) - 1; a >= 0; --a) {
      if (++index[a] < out_shape[a]) break;
      index[a] = 0;
    }
  }
  return out;
}

}  // namespace

OpImporter SliceImporter() {
  OpImporter op;
  op.op_type = "Slice";
  op.import = [](Graph& g, Node& n) -> Status {
    if (g.opset >= 10) return ImportWithAttributes(g, n, {}, 3, 5);
    FROST_CONVERT_TRY(CheckAttributes(g, n, {"starts", "ends", "axes"}));
    FROST_CONVERT_TRY(CheckInputCount(g, n, 1, 1));
    FROST_CONVERT_TRY(CheckOutputCount(g, n, 1));
    if (!n.Has("starts") || !n.Has("ends")) return NodeError(g, n, "starts and ends are required");
    const std::vector<int64_t> starts = n.Ints("starts"), ends = n.Ints("ends");
    SetConstantInput(g, n, 1, "starts", {static_cast<int64_t>(starts.size())}, starts);
    SetConstantInput(g, n, 2, "ends", {static_cast<int64_t>(ends.size())}, ends);
    if (n.Has("axes")) {
      const std::vector<int64_t> axes = n.Ints("axes");
      SetConstantInput(g, n, 3, "axes", {static_cast<int64_t>(axes.size())}, axes);
    }
    n.attrs.clear();
    Append(g, n);
    return Status::Ok();
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    std::vector<int64_t> starts, ends, axes, steps;
    FROST_CONVERT_TRY(ConstantInts(g, n, 1, "the starts input", &starts));
    FROST_CONVERT_TRY(ConstantInts(g, n, 2, "the ends input", &ends));
    if (n.HasInput(3)) FROST_CONVERT_TRY(ConstantInts(g, n, 3, "the axes input", &axes));
    if (n.HasInput(4)) FROST_CONVERT_TRY(ConstantInts(g, n, 4, "the steps input", &steps));
    if (axes.empty() && !n.HasInput(3)) {
      for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    }
    if (steps.empty() && !n.HasInput(4)) steps.assign(starts.size(), 1);
    if (ends.size() != starts.size() || axes.size() != starts.size() ||
        steps.size() != starts.size()) {
      return NodeError(g, n, "starts, ends, axes and steps differ in length");
    }
    std::vector<int64_t> out_starts(x.rank(), 0), out_ends = x.shape, out_steps(x.rank(), 1);
    std::vector<int64_t> out_shape = x.shape;
    std::vector<bool> seen(x.rank(), false);
    for (size_t i = 0; i < starts.size(); ++i) {
      int64_t axis = 0;
      FROST_CONVERT_TRY(NormalizeAxis(g, n, axes[i], x.rank(), "axis", &axis));
      if (seen[axis]) return NodeError(g, n, "axis " + std::to_string(axis) + " is listed twice");
      seen[axis] = true;
      const int64_t dim = x.shape[axis], step = steps[i];
      if (step == 0) return NodeError(g, n, "a step of 0");
      int64_t start = starts[i] < 0 ? starts[i] + dim : starts[i];
      int64_t end = ends[i] < 0 ? ends[i] + dim : ends[i];
      int64_t count;
      if (step > 0) {
        start = std::clamp<int64_t>(start, 0, dim);
        end = std::clamp<int64_t>(end, 0, dim);
        count = end > start ? (end - start + step - 1) / step : 0;
      } else {
        start = std::clamp<int64_t>(start, 0, dim - 1);
        end = std::clamp<int64_t>(end, -1, dim - 1);
        count = start > end ? (start - end - step - 1) / -step : 0;
      }
      if (count == 0 && !x.constant) {
        return NodeError(g, n, "the slice of axis " + std::to_string(axis) + " is empty");
      }
      out_starts[axis] = start;
      out_ends[axis] = end;
      out_steps[axis] = step;
      out_shape[axis] = count;
    }
    n.SetInts("starts", out_starts);
    n.SetInts("ends", out_ends);
    n.SetInts("steps", out_steps);
    n.inputs.resize(1);
    SetOutput(g, n, 0, x.dtype, out_shape);
    return Status::Ok();
  };
  op.evaluate = [](Graph& g, const Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    const Tensor& y = Out(g, n, 0);
    const std::vector<int64_t> starts = n.Ints("starts"), steps = n.Ints("steps");
    if (x.dtype == DType::kFloat) {
      SetOutputFloats(g, n, 0, Gather(x.floats, x.shape, starts, steps, y.shape));
    } else {
      SetOutputInts(g, n, 0, Gather(x.ints, x.shape, starts, steps, y.shape));
    }
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
