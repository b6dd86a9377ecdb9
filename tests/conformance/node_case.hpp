// One ONNX backend node test case on disk (libonnx-testdata layout):
//   <case>/model.onnx
//   <case>/test_data_set_<n>/input_<k>.pb, output_<k>.pb   (serialised TensorProtos)
#pragma once

#include <onnx/onnx_pb.h>  // with ONNX_ML defined: the onnx-ml.proto messages

#include <cstdint>
#include <string>
#include <vector>

#include "frost/frost.hpp"

namespace frost::conformance {

struct DataSet {
  std::string dir;
  std::vector<onnx::TensorProto> inputs;   // input_0.pb, input_1.pb, ... in graph input order
  std::vector<onnx::TensorProto> outputs;  // output_0.pb, ... in graph output order
};

struct NodeCase {
  std::string name;  // directory name, e.g. "test_conv_with_strides_padding"
  std::string dir;
  onnx::ModelProto model;
  std::vector<DataSet> data_sets;  // test_data_set_0, test_data_set_1, ...
};

// Case directories under `root`, sorted by name.
std::vector<std::string> ListCaseDirs(const std::string& root);

// Parses <dir>/model.onnx only (enough to select the case by its op types).
Status LoadModel(const std::string& dir, onnx::ModelProto* model);

// Reads every test_data_set_* of the case.
Status LoadDataSets(const std::string& dir, std::vector<DataSet>* data_sets);

// Graph inputs that are fed at run time (not backed by an initializer), in order.
std::vector<const onnx::ValueInfoProto*> RuntimeInputs(const onnx::GraphProto& graph);

// Element count of a TensorProto (1 for a scalar).
int64_t ElementCount(const onnx::TensorProto& tensor);
std::vector<int64_t> Dims(const onnx::TensorProto& tensor);

// The values of a FLOAT TensorProto (raw_data or float_data).
Status TensorToFloats(const onnx::TensorProto& tensor, std::vector<float>* values);

// The model a static-weights runtime can run: every runtime input but the first becomes an
// initializer holding that data set's value, and is removed from the graph inputs.
Status MakeStaticModel(const onnx::ModelProto& model, const DataSet& data, onnx::ModelProto* out);

Status WriteModel(const onnx::ModelProto& model, const std::string& path);

// "FLOAT", "INT64", ... for an onnx::TensorProto::DataType value.
std::string DataTypeName(int32_t data_type);

}  // namespace frost::conformance
