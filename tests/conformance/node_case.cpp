#include "node_case.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace frost::conformance {
namespace fs = std::filesystem;

namespace {

Status ReadFile(const fs::path& path, std::string* bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot open " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::Error("cannot read " + path.string());
  *bytes = buffer.str();
  return Status::Ok();
}

Status ReadTensor(const fs::path& path, onnx::TensorProto* tensor) {
  std::string bytes;
  if (auto s = ReadFile(path, &bytes); !s) return s;
  if (!tensor->ParseFromString(bytes)) {
    return Status::Error(path.string() + ": not a serialised onnx.TensorProto");
  }
  return Status::Ok();
}

// Files <dir>/<prefix><n><suffix> for n = 0, 1, ... until the first gap.
std::vector<fs::path> NumberedPaths(const fs::path& dir, const std::string& prefix,
                                    const std::string& suffix) {
  std::vector<fs::path> paths;
  for (int n = 0;; ++n) {
    fs::path path = dir / (prefix + std::to_string(n) + suffix);
    if (!fs::exists(path)) break;
    paths.push_back(path);
  }
  return paths;
}

}  // namespace

std::vector<std::string> ListCaseDirs(const std::string& root) {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (entry.is_directory() && fs::exists(entry.path() / "model.onnx")) {
      dirs.push_back(entry.path().string());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

Status LoadModel(const std::string& dir, onnx::ModelProto* model) {
  std::string bytes;
  if (auto s = ReadFile(fs::path(dir) / "model.onnx", &bytes); !s) return s;
  if (!model->ParseFromString(bytes)) {
    return Status::Error(dir + "/model.onnx: not a serialised onnx.ModelProto");
  }
  return Status::Ok();
}

Status LoadDataSets(const std::string& dir, std::vector<DataSet>* data_sets) {
  data_sets->clear();
  for (const fs::path& set_dir : NumberedPaths(dir, "test_data_set_", "")) {
    DataSet data;
    data.dir = set_dir.string();
    for (const fs::path& path : NumberedPaths(set_dir, "input_", ".pb")) {
      if (auto s = ReadTensor(path, &data.inputs.emplace_back()); !s) return s;
    }
    for (const fs::path& path : NumberedPaths(set_dir, "output_", ".pb")) {
      if (auto s = ReadTensor(path, &data.outputs.emplace_back()); !s) return s;
    }
    data_sets->push_back(std::move(data));
  }
  if (data_sets->empty()) return Status::Error(dir + ": no test_data_set_0 directory");
  return Status::Ok();
}

std::vector<const onnx::ValueInfoProto*> RuntimeInputs(const onnx::GraphProto& graph) {
  std::set<std::string> initialized;
  for (const auto& init : graph.initializer()) initialized.insert(init.name());
  std::vector<const onnx::ValueInfoProto*> inputs;
  for (const auto& input : graph.input()) {
    if (!initialized.count(input.name())) inputs.push_back(&input);
  }
  return inputs;
}

int64_t ElementCount(const onnx::TensorProto& tensor) {
  int64_t count = 1;
  for (int64_t d : tensor.dims()) count *= d;
  return count;
}

std::vector<int64_t> Dims(const onnx::TensorProto& tensor) {
  return {tensor.dims().begin(), tensor.dims().end()};
}

Status TensorToFloats(const onnx::TensorProto& tensor, std::vector<float>* values) {
  if (tensor.data_type() != onnx::TensorProto::FLOAT) {
    return Status::Error("tensor '" + tensor.name() + "' is " + DataTypeName(tensor.data_type()) +
                         ", expected FLOAT");
  }
  const int64_t count = ElementCount(tensor);
  values->resize(static_cast<size_t>(count));
  if (!tensor.raw_data().empty()) {
    if (tensor.raw_data().size() != static_cast<size_t>(count) * sizeof(float)) {
      return Status::Error("tensor '" + tensor.name() + "': raw_data has " +
                           std::to_string(tensor.raw_data().size()) + " bytes for " +
                           std::to_string(count) + " floats");
    }
    // The files are little-endian, as is every machine frost runs on.
    std::memcpy(values->data(), tensor.raw_data().data(), tensor.raw_data().size());
    return Status::Ok();
  }
  if (tensor.float_data_size() != count) {
    return Status::Error("tensor '" + tensor.name() + "': float_data has " +
                         std::to_string(tensor.float_data_size()) + " values for " +
                         std::to_string(count) + " elements");
  }
  std::copy(tensor.float_data().begin(), tensor.float_data().end(), values->begin());
  return Status::Ok();
}

Status MakeStaticModel(const onnx::ModelProto& model, const DataSet& data, onnx::ModelProto* out) {
  *out = model;
  onnx::GraphProto* graph = out->mutable_graph();
  std::vector<const onnx::ValueInfoProto*> runtime_inputs = RuntimeInputs(model.graph());
  if (runtime_inputs.size() != data.inputs.size()) {
    return Status::Error(data.dir + ": " + std::to_string(data.inputs.size()) +
                         " input files for " + std::to_string(runtime_inputs.size()) +
                         " graph inputs");
  }
  std::string first = runtime_inputs.empty() ? std::string() : runtime_inputs[0]->name();
  for (size_t k = 1; k < runtime_inputs.size(); ++k) {
    onnx::TensorProto* init = graph->add_initializer();
    *init = data.inputs[k];
    init->set_name(runtime_inputs[k]->name());
  }
  // Keep only the first runtime input: the others are constants now.
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> kept;
  for (const auto& input : graph->input()) {
    if (input.name() == first) *kept.Add() = input;
  }
  graph->mutable_input()->Swap(&kept);
  return Status::Ok();
}

Status WriteModel(const onnx::ModelProto& model, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !model.SerializeToOstream(&out)) return Status::Error("cannot write " + path);
  out.close();
  if (!out) return Status::Error("cannot write " + path);
  return Status::Ok();
}

std::string DataTypeName(int32_t data_type) {
  if (onnx::TensorProto::DataType_IsValid(data_type)) {
    return onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(data_type));
  }
  return "type " + std::to_string(data_type);
}

}  // namespace frost::conformance
