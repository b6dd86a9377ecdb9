#include "importers/unary.hpp"
#include "importers/common.hpp"

namespace frost::convert {

OpImporter MakeUnaryImporter(const UnarySpec& spec) {
  OpImporter op;
  op.op_type = spec.op;
  op.import = [spec](Graph& g, Node& n) -> Status {
    FROST_CONVERT_TRY(CheckOpset(g, n, spec.since_opset));
    if (spec.alpha_name && spec.beta_name) {
      FROST_CONVERT_TRY(CheckAttributes(g, n, {spec.alpha_name, spec.beta_name}));
    } else if (spec.alpha_name) {
      FROST_CONVERT_TRY(CheckAttributes(g, n, {spec.alpha_name}));
    } else {
      FROST_CONVERT_TRY(CheckAttributes(g, n, {}));
    }
    FROST_CONVERT_TRY(CheckInputCount(g, n, 1, 1));
    FROST_CONVERT_TRY(CheckOutputCount(g, n, 1));
    const float alpha = spec.alpha_name ? n.Float(spec.alpha_name, spec.alpha_default) : 0.f;
    const float beta = spec.beta_name ? n.Float(spec.beta_name, spec.beta_default) : 0.f;
    n.attrs.clear();
    if (spec.alpha_name) n.SetFloat("alpha", alpha);
    if (spec.beta_name) n.SetFloat("beta", beta);
    Append(g, n);
    return Status::Ok();
  };
  op.infer = [spec](Graph& g, Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    if (x.dtype != DType::kFloat && !spec.int_fn) {
      return NodeError(g, n,
                       std::string("input '") + x.name + "' is " + DTypeName(x.dtype) +
                           "; frost computes " + spec.op + " on float only");
    }
    SetOutput(g, n, 0, x.dtype, x.shape);
    return Status::Ok();
  };
  op.evaluate = [spec](Graph& g, const Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    if (x.dtype == DType::kFloat) {
      const float alpha = n.Float("alpha", 0), beta = n.Float("beta", 0);
      std::vector<float> out(x.floats.size());
      for (size_t i = 0; i < out.size(); ++i) out[i] = spec.fn(x.floats[i], alpha, beta);
      SetOutputFloats(g, n, 0, std::move(out));
    } else {
      std::vector<int64_t> out(x.ints.size());
      for (size_t i = 0; i < out.size(); ++i) out[i] = spec.int_fn(x.ints[i]);
      SetOutputInts(g, n, 0, std::move(out));
    }
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
