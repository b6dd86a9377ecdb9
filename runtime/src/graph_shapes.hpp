// Shapes of every tensor of a validated model at a given batch size.
#pragma once

#include <vector>

#include "model_impl.hpp"
#include "ops/op.hpp"

namespace frost {

// Stored batch for graph inputs replaced by `batch`, then propagated through each op's shape
// function in execution order. Errors name the op.
Status InferShapes(const Model::Impl& model, int64_t batch, std::vector<Shape>* shapes);

// The ShapeArgs of op `index` given all tensor shapes.
ops::ShapeArgs OpShapeArgs(const Model::Impl& model, int index, const std::vector<Shape>& shapes);

// Checks that `batch` may run: positive, and equal to the stored batch for a model that is
// not batch polymorphic.
Status CheckBatch(const Model::Impl& model, int64_t batch);

}  // namespace frost
