#include "importers/binary.hpp"
#include "importers/common.hpp"
#include "tensor_math.hpp"

namespace frost::convert {

OpImporter MakeBinaryImporter(const BinarySpec& spec) {
  OpImporter op;
  op.op_type = spec.op;
  op.import = [spec](Graph& g, Node& n) -> Status {
    return ImportWithAttributes(g, n, {}, spec.variadic ? 1 : 2, spec.variadic ? 1000 : 2);
  };
  op.infer = [spec](Graph& g, Node& n) -> Status {
    const Tensor& first = In(g, n, 0);
    std::vector<int64_t> shape = first.shape;
    for (size_t i = 1; i < n.inputs.size(); ++i) {
      const Tensor& t = In(g, n, i);
      // Pow's exponent may have its own type (opset 12+); it is used as float.
      if (std::string(spec.op) == "Pow" && t.dtype != first.dtype && t.constant &&
          first.dtype == DType::kFloat) {
        Tensor& exponent = g.AddConstant(n.name + "/exponent", t.shape, t.FloatValues());
        n.inputs[i] = exponent.name;
      } else if (t.dtype != first.dtype) {
        return NodeError(g, n,
                         "inputs '" + first.name + "' (" + DTypeName(first.dtype) + ") and '" +
                             t.name + "' (" + DTypeName(t.dtype) + ") have different types");
      }
      std::vector<int64_t> next;
      if (!BroadcastShapes(shape, t.shape, &next)) {
        return NodeError(
            g, n,
            "shapes " + ShapeString(shape) + " and " + ShapeString(t.shape) + " do not broadcast");
      }
      shape = std::move(next);
    }
    if (first.dtype != DType::kFloat && !spec.int_fn) {
      return NodeError(g, n,
                       std::string("frost computes ") + spec.op + " on float only, not " +
                           DTypeName(first.dtype));
    }
    SetOutput(g, n, 0, spec.bool_output ? DType::kBool : first.dtype, std::move(shape));
    return Status::Ok();
  };
  op.evaluate = [spec](Graph& g, const Node& n) -> Status {
    const Tensor& first = In(g, n, 0);
    std::vector<int64_t> shape = first.shape;
    if (first.dtype == DType::kFloat && !spec.bool_output) {
      std::vector<float> acc = first.floats;
      for (size_t i = 1; i < n.inputs.size(); ++i) {
        const Tensor& t = In(g, n, i);
        std::vector<int64_t> next;
        BroadcastShapes(shape, t.shape, &next);
        acc = BroadcastBinary(acc, shape, t.floats, t.shape, next, spec.fn);
        shape = std::move(next);
      }
      SetOutputFloats(g, n, 0, std::move(acc));
      return Status::Ok();
    }
    if (first.dtype == DType::kFloat) {  // a comparison of floats: bool result
      const Tensor& b = In(g, n, 1);
      std::vector<int64_t> out_shape;
      BroadcastShapes(first.shape, b.shape, &out_shape);
      std::vector<float> r =
          BroadcastBinary(first.floats, first.shape, b.floats, b.shape, out_shape, spec.fn);
      std::vector<int64_t> values(r.begin(), r.end());
      SetOutputInts(g, n, 0, std::move(values));
      return Status::Ok();
    }
    std::vector<int64_t> acc = first.ints;
    bool ok = true;
    for (size_t i = 1; i < n.inputs.size(); ++i) {
      const Tensor& t = In(g, n, i);
      std::vector<int64_t> next;
      BroadcastShapes(shape, t.shape, &next);
      acc = BroadcastBinary(acc, shape, t.ints, t.shape, next, [&](int64_t a, int64_t b) {
        int64_t r = 0;
        if (!spec.int_fn(a, b, &r)) ok = false;
        return r;
      });
      shape = std::move(next);
    }
    if (!ok) return NodeError(g, n, "integer arithmetic failed (division by zero)");
    SetOutputInts(g, n, 0, std::move(acc));
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
