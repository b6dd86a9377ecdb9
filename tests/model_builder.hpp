// Test-only builder of .frost bytes: tensors, constants (laid out in a 64-byte aligned data
// segment), ops with their options tables, graph inputs/outputs and metadata. Writes the same
// layout the converter writes: [uint32 size][FlatBuffer "FRST"][pad to 64][data segment].
//
//   frost::testing::ModelBuilder b;
//   int x = b.Input("x", {1, 8, 8, 3});
//   int w = b.Constant("w", {16, 3, 3, 3}, weights);        // OHWI
//   int y = b.AddOp("conv", frost::schema::CreateConv2D(b.fbb(), 3, 3), {x, w},
//                   {1, 6, 6, 16}, frost::schema::Layout::NHWC);
//   b.Output(y);  // (a real graph would bring y back to PLAIN layout first)
//   frost::testing::ModelBytes bytes = b.Finish();
//   std::shared_ptr<const frost::Model> model;
//   frost::Status s = frost::testing::LoadModel(bytes, &model);
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "frost/frost.hpp"
#include "frost/half.hpp"
#include "frost/panels.hpp"
#include "frost_generated.h"

namespace frost::testing {

// Bytes of a .frost file, 64-byte aligned as Model::FromBytes requires. Copies share memory.
class ModelBytes {
 public:
  ModelBytes() = default;
  explicit ModelBytes(size_t size)
      : data_(static_cast<uint8_t*>(std::aligned_alloc(64, (size + 63) / 64 * 64 + 64)), std::free),
        size_(size) {
    std::memset(data_.get(), 0, (size + 63) / 64 * 64 + 64);
  }
  ModelBytes(const uint8_t* data, size_t size) : ModelBytes(size) {
    if (size) std::memcpy(data_.get(), data, size);
  }
  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  // An independent copy, optionally cut to `size` bytes.
  ModelBytes Copy(size_t size = SIZE_MAX) const {
    return ModelBytes(data_.get(), size < size_ ? size : size_);
  }
  // Offset of the data segment: round_up(4 + FlatBuffer size, 64).
  size_t data_segment_offset() const {
    uint32_t prefix;
    std::memcpy(&prefix, data_.get(), 4);
    return (size_t(prefix) + 4 + 63) / 64 * 64;
  }
  bool WriteFile(const std::string& path) const {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    bool ok = std::fwrite(data_.get(), 1, size_, f) == size_;
    return std::fclose(f) == 0 && ok;
  }

 private:
  std::shared_ptr<uint8_t> data_;
  size_t size_ = 0;
};

// Model::FromBytes, with the returned Model keeping `bytes` alive.
inline Status LoadModel(const ModelBytes& bytes, std::shared_ptr<const Model>* out) {
  std::shared_ptr<const Model> model;
  if (auto s = Model::FromBytes(bytes.data(), bytes.size(), &model); !s) return s;
  struct Holder {
    ModelBytes bytes;
    std::shared_ptr<const Model> model;
  };
  auto holder = std::make_shared<Holder>(Holder{bytes, model});
  *out = std::shared_ptr<const Model>(holder, holder->model.get());
  return Status::Ok();
}

class ModelBuilder {
 public:
  using Shape = std::vector<int64_t>;

  flatbuffers::FlatBufferBuilder& fbb() { return fbb_; }

  // An activation tensor (buffer -1).
  int Activation(const std::string& name, Shape shape,
                 schema::Layout layout = schema::Layout::PLAIN) {
    tensors_.push_back({name, std::move(shape), schema::DataType::FLOAT32, -1, layout, {}});
    return int(tensors_.size()) - 1;
  }
  // A graph input: a PLAIN activation listed in Model.inputs.
  int Input(const std::string& name, Shape shape) {
    int t = Activation(name, std::move(shape));
    inputs_.push_back(t);
    return t;
  }
  void Output(int tensor) { outputs_.push_back(tensor); }

  // A FLOAT32 constant.
  int Constant(const std::string& name, Shape shape, const std::vector<float>& values,
               schema::Layout layout = schema::Layout::PLAIN) {
    return ConstantBytes(name, std::move(shape), schema::DataType::FLOAT32, values.data(),
                         values.size() * sizeof(float), layout);
  }
  // A FLOAT16 constant: `values` rounded to half precision.
  int ConstantHalf(const std::string& name, Shape shape, const std::vector<float>& values,
                   schema::Layout layout = schema::Layout::PLAIN) {
    std::vector<uint16_t> halves(values.size());
    FloatsToHalves(values.data(), values.size(), halves.data());
    return ConstantBytes(name, std::move(shape), schema::DataType::FLOAT16, halves.data(),
                         halves.size() * sizeof(uint16_t), layout);
  }
  // An INT8 constant quantized per `axis` (-1: per tensor) with `scales` and `zero_points`.
  int ConstantInt8(const std::string& name, Shape shape, const std::vector<int8_t>& values,
                   std::vector<float> scales, std::vector<int64_t> zero_points, int axis) {
    int t = ConstantBytes(name, std::move(shape), schema::DataType::INT8, values.data(),
                          values.size());
    SetQuantization(t, std::move(scales), std::move(zero_points), axis);
    return t;
  }
  // Int8 quantization params for tensor `tensor` (activations: the grid an int8 op reads or
  // writes it on).
  void SetQuantization(int tensor, std::vector<float> scales, std::vector<int64_t> zero_points,
                       int axis = -1) {
    tensors_[tensor].quantization = {true, std::move(scales), std::move(zero_points), axis};
  }
  // A constant of any type from raw bytes (the size is not checked: tests use that).
  // A weight [O, ...] in PANELS32 layout (frost/panels.hpp), FLOAT32 or (`half`) FLOAT16.
  int ConstantPanels(const std::string& name, Shape shape, const std::vector<float>& values,
                     bool half = false) {
    const int64_t n = shape[0], k = int64_t(values.size()) / n;
    std::vector<uint16_t> halves(values.size());
    FloatsToHalves(values.data(), values.size(), halves.data());
    const void* plain = half ? static_cast<const void*>(halves.data()) : values.data();
    const size_t element = half ? 2 : 4;
    std::vector<uint8_t> packed(PanelBytes(n, k, element));
    PackPanels(plain, n, k, element, packed.data());
    return ConstantBytes(name, std::move(shape),
                         half ? schema::DataType::FLOAT16 : schema::DataType::FLOAT32,
                         packed.data(), packed.size(), schema::Layout::PANELS32);
  }
  int ConstantBytes(const std::string& name, Shape shape, schema::DataType type, const void* bytes,
                    size_t size, schema::Layout layout = schema::Layout::PLAIN) {
    const size_t offset = (data_.size() + 63) / 64 * 64;
    data_.resize(offset + size);
    if (size) std::memcpy(data_.data() + offset, bytes, size);
    buffers_.emplace_back(offset, size);
    tensors_.push_back({name, std::move(shape), type, int(buffers_.size()) - 1, layout, {}});
    return int(tensors_.size()) - 1;
  }

  // An op writing a new activation `name` of `shape`; returns that tensor. -1 in `inputs`
  // marks an absent optional input. The op type follows from the options table's type.
  template <typename T>
  int AddOp(const std::string& name, flatbuffers::Offset<T> options, std::vector<int> inputs,
            Shape shape, schema::Layout layout = schema::Layout::PLAIN) {
    int out = Activation(name, std::move(shape), layout);
    AddOpTo(name, options, std::move(inputs), out);
    return out;
  }
  // An op writing an existing tensor (for tests of malformed graphs).
  template <typename T>
  void AddOpTo(const std::string& name, flatbuffers::Offset<T> options, std::vector<int> inputs,
               int output) {
    ops_.push_back({name,
                    schema::OpOptionsTraits<T>::enum_value,
                    options.Union(),
                    std::move(inputs),
                    {output}});
  }

  // An op of any type (even one outside the enum) with raw options, for malformed-file tests.
  void AddOpRaw(const std::string& name, schema::OpOptions type, flatbuffers::Offset<void> options,
                std::vector<int> inputs, std::vector<int> outputs) {
    ops_.push_back({name, type, options, std::move(inputs), std::move(outputs)});
  }

  void SetVersion(uint32_t version) { version_ = version; }
  void SetBatchPolymorphic(bool value) { batch_polymorphic_ = value; }
  void SetFeatureTensor(int tensor) { feature_tensor_ = tensor; }
  void SetLabels(std::vector<std::string> labels) { labels_ = std::move(labels); }
  void SetPreprocessing(float scale, std::vector<float> mean, std::vector<float> std, bool bgr,
                        float crop_fraction) {
    preprocessing_ = {true, scale, std::move(mean), std::move(std), bgr, crop_fraction};
  }
  // Direct access for tests that corrupt the graph before Finish.
  void SetTensorBuffer(int tensor, int buffer) { tensors_[tensor].buffer = buffer; }
  void SetBuffer(int buffer, uint64_t offset, uint64_t size) { buffers_[buffer] = {offset, size}; }
  void SetTensorShape(int tensor, Shape shape) { tensors_[tensor].shape = std::move(shape); }
  void SetTensorType(int tensor, schema::DataType type) { tensors_[tensor].type = type; }
  void SetTensorLayout(int tensor, schema::Layout l) { tensors_[tensor].layout = l; }
  void SetTensorName(int tensor, std::string name) { tensors_[tensor].name = std::move(name); }
  void ClearInputs() { inputs_.clear(); }
  void ClearOutputs() { outputs_.clear(); }
  void AddInputIndex(int tensor) { inputs_.push_back(tensor); }

  ModelBytes Finish() {
    std::vector<flatbuffers::Offset<schema::Tensor>> tensors;
    for (const TensorDef& t : tensors_) {
      flatbuffers::Offset<schema::Quantization> quantization = 0;
      if (t.quantization.set) {
        quantization = schema::CreateQuantizationDirect(fbb_, &t.quantization.scales,
                                                        &t.quantization.zero_points,
                                                        t.quantization.axis);
      }
      tensors.push_back(schema::CreateTensorDirect(fbb_, t.name.c_str(), &t.shape, t.type,
                                                   t.buffer, t.layout, quantization));
    }
    std::vector<schema::Buffer> buffers;
    for (auto [offset, size] : buffers_) buffers.emplace_back(offset, size);
    std::vector<flatbuffers::Offset<schema::Operator>> ops;
    for (const OpDef& op : ops_) {
      ops.push_back(schema::CreateOperatorDirect(fbb_, op.name.c_str(), op.type, op.options,
                                                 &op.inputs, &op.outputs));
    }
    flatbuffers::Offset<schema::Preprocessing> preprocessing = 0;
    if (preprocessing_.set) {
      preprocessing = schema::CreatePreprocessingDirect(
          fbb_, preprocessing_.scale, &preprocessing_.mean, &preprocessing_.std,
          preprocessing_.bgr ? schema::ChannelOrder::BGR : schema::ChannelOrder::RGB,
          preprocessing_.crop_fraction);
    }
    std::vector<flatbuffers::Offset<flatbuffers::String>> labels;
    for (const std::string& l : labels_) labels.push_back(fbb_.CreateString(l));
    auto model = schema::CreateModelDirect(fbb_, version_, &tensors, &buffers, &ops, &inputs_,
                                           &outputs_, preprocessing, &labels, feature_tensor_,
                                           "model_builder", "frost tests", batch_polymorphic_);
    schema::FinishSizePrefixedModelBuffer(fbb_, model);
    const size_t data_start = (fbb_.GetSize() + 63) / 64 * 64;
    ModelBytes bytes(data_start + data_.size());
    std::memcpy(bytes.data(), fbb_.GetBufferPointer(), fbb_.GetSize());
    if (!data_.empty()) std::memcpy(bytes.data() + data_start, data_.data(), data_.size());
    return bytes;
  }

 private:
  struct QuantizationDef {
    bool set = false;
    std::vector<float> scales;
    std::vector<int64_t> zero_points;
    int axis = -1;
  };
  struct TensorDef {
    std::string name;
    Shape shape;
    schema::DataType type;
    int buffer;
    schema::Layout layout;
    QuantizationDef quantization = {};
  };
  struct OpDef {
    std::string name;
    schema::OpOptions type;
    flatbuffers::Offset<void> options;
    std::vector<int32_t> inputs, outputs;
  };
  struct PreprocessingDef {
    bool set = false;
    float scale = 1.0f / 255.0f;
    std::vector<float> mean, std;
    bool bgr = false;
    float crop_fraction = 1.0f;
  };

  flatbuffers::FlatBufferBuilder fbb_;
  std::vector<TensorDef> tensors_;
  std::vector<std::pair<uint64_t, uint64_t>> buffers_;
  std::vector<uint8_t> data_;
  std::vector<OpDef> ops_;
  std::vector<int32_t> inputs_, outputs_;
  std::vector<std::string> labels_;
  PreprocessingDef preprocessing_;
  int feature_tensor_ = -1;
  uint32_t version_ = kSchemaVersion;
  bool batch_polymorphic_ = true;
};

}  // namespace frost::testing
