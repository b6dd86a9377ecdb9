#include "graph_shapes.hpp"

namespace frost {

ops::ShapeArgs OpShapeArgs(const Model::Impl& model, int index, const std::vector<Shape>& shapes) {
  const schema::Operator& op = *model.ops[index];
  ops::ShapeArgs args;
  for (int32_t t : *op.inputs()) {
    args.shapes.push_back(t < 0 ? nullptr : &shapes[t]);
    args.constant.push_back(t >= 0 && model.constant_data[t] != nullptr);
  }
  return args;
}

Status CheckBatch(const Model::Impl& model, int64_t batch) {
  if (batch < 1) return Status::Error("batch must be at least 1, got " + std::to_string(batch));
  if (!model.fb->batch_polymorphic() && batch != model.stored_batch) {
    return Status::Error("this model runs only at batch " + std::to_string(model.stored_batch) +
                         " (it is not batch polymorphic), got " + std::to_string(batch));
  }
  return Status::Ok();
}

Status InferShapes(const Model::Impl& model, int64_t batch, std::vector<Shape>* shapes) {
  *shapes = model.shapes;
  // Only a batch polymorphic model runs at another batch (CheckBatch); its inputs all share
  // the stored batch in dim 0. Other models keep their stored input shapes as they are.
  for (int t : model.graph_inputs) {
    if (!model.fb->batch_polymorphic()) break;
    (*shapes)[t][0] = batch;
    if (ElementCount((*shapes)[t]) < 0) {
      return Status::Error("batch " + std::to_string(batch) + " makes input " +
                           model.TensorName(t) + " too large");
    }
  }
  for (int i = 0; i < int(model.ops.size()); ++i) {
    const schema::Operator& op = *model.ops[i];
    const ops::OpDef* def = ops::FindOp(op.options_type());
    Shape out;
    if (auto s = def->infer(op, OpShapeArgs(model, i, *shapes), &out); !s) {
      return Status::Error(model.OpName(i) + " at batch " + std::to_string(batch) + ": " +
                           s.message());
    }
    if (out.size() > kMaxRank || ElementCount(out) < 0) {
      return Status::Error(model.OpName(i) + " at batch " + std::to_string(batch) +
                           ": output shape " + ShapeToString(out) + " is too large");
    }
    (*shapes)[op.outputs()->Get(0)] = std::move(out);
  }
  return Status::Ok();
}

}  // namespace frost
