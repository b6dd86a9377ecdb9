// Reading an ONNX file into the IR.
//
// The ModelProto's default-domain opset becomes Graph::opset; initializers and Constant
// nodes become constant tensors (float types as float, integer types as int64, bool as
// bool); graph inputs that are not initializers become activations whose symbolic batch
// axis takes `batch`; every other node goes through its op's importer.
#pragma once

#include <string>

#include "ir.hpp"

namespace onnx {
class TensorProto;
}

namespace frost::convert {

// The oldest and newest default-domain opsets whose operator semantics frost knows (each
// importer checks the attributes its op had in older opsets: legacy broadcasting,
// consumed_inputs, is_test, ... are rejected or mapped there).
constexpr int kMinOpset = 1;
constexpr int kMaxOpset = 18;

Status LoadOnnx(const std::string& path, int64_t batch, Graph* graph);

// Decodes an initializer or attribute tensor (raw_data or the typed fields). `what` names it
// in error messages ("initializer 'w'").
Status DecodeTensor(const onnx::TensorProto& proto, const std::string& what, Tensor* out);

}  // namespace frost::convert
