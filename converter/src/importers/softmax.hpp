// Softmax and LogSoftmax share their import: before opset 13 the input is viewed as 2-D
// [prod(dims < axis), prod(dims >= axis)] (axis default 1); from 13 the op runs along one
// axis (default -1). The IR keeps a non-negative "axis" and "coerce_2d" (1 for the old
// semantics, dropped when axis is the last, where both agree).
#pragma once

#include "importer.hpp"

namespace frost::convert {

OpImporter MakeSoftmaxImporter(const char* op_type);

}  // namespace frost::convert
