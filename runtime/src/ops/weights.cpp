#include "ops/weights.hpp"

#include "frost/half.hpp"
#include "frost/panels.hpp"

namespace frost::ops {

Status FloatConstant::Bind(const KernelArgs& args, size_t input) {
  *this = FloatConstant();
  if (input >= args.tensors.size()) return Status::Ok();  // absent optional input
  const schema::Tensor* tensor = args.tensors[input];
  if (tensor == nullptr) return Status::Ok();  // absent optional input
  if (args.constants[input] != nullptr) {
    in_place_ = args.constants[input];
    data_ = in_place_;
    return Status::Ok();
  }
  const std::string name = "input " + std::to_string(input) + " '" +
                           (tensor->name() ? tensor->name()->str() : std::string()) + "'";
  if (args.data[input] == nullptr) return Status::Error(name + " must be a constant");
  if (tensor->type() != schema::DataType::FLOAT16 &&
      tensor->type() != schema::DataType::FLOAT32) {
    return Status::Error(name + " is stored as " + DataTypeName(tensor->type()) +
                         "; this kernel reads FLOAT32 or FLOAT16 constants");
  }
  stored_ = args.data[input];
  type_ = tensor->type();
  count_ = size_t(ElementCount(args.shapes[input]));
  if (tensor->layout() == schema::Layout::PANELS32) {
    rows_ = args.shapes[input][0];  // (the loader checked rank >= 2)
  }
  return Status::Ok();
}

Status FloatConstant::Load() {
  if (data_ != nullptr || stored_ == nullptr) return Status::Ok();
  converted_.resize(count_);
  // (A FLOAT32 constant gets here only in PANELS32 layout.)
  if (rows_ > 0 && type_ == schema::DataType::FLOAT32) {
    UnpackPanels(stored_, rows_, int64_t(count_) / rows_, sizeof(float), converted_.data());
  } else if (rows_ > 0) {
    std::vector<uint16_t> halves(count_);
    UnpackPanels(stored_, rows_, int64_t(count_) / rows_, sizeof(uint16_t), halves.data());
    HalvesToFloats(halves.data(), count_, converted_.data());
  } else if (type_ == schema::DataType::FLOAT16) {
    HalvesToFloats(static_cast<const uint16_t*>(stored_), count_, converted_.data());
  }
  data_ = converted_.data();
  return Status::Ok();
}

void FloatConstant::Release() {
  if (stored_ == nullptr) return;
  converted_ = std::vector<float>();
  data_ = nullptr;
}

Status PackWeight(const KernelArgs& args, int64_t n, int64_t k,
                  std::unique_ptr<kernels::PackedWeights>* out) {
  FloatConstant bias;
  if (auto s = bias.Bind(args, 2); !s) return s;
  if (auto s = bias.Load(); !s) return s;
  const schema::Tensor* tensor = args.tensors[1];
  const bool half = tensor != nullptr && tensor->type() == schema::DataType::FLOAT16;
  const size_t element = half ? 2 : 4;
  const uint8_t* bytes = static_cast<const uint8_t*>(args.data[1]);
  if (bytes == nullptr || (!half && tensor->type() != schema::DataType::FLOAT32)) {
    return Status::Error("weight must be a FLOAT32 or FLOAT16 constant");
  }
  const auto type = half ? kernels::WeightType::kFloat16 : kernels::WeightType::kFloat32;
  if (tensor->layout() == schema::Layout::PANELS32) {
    *out = kernels::PackedWeights::View(bytes, type, n, k, bias.data());
    if (*out == nullptr) return Status::Error("out of memory for the padded bias");
    return Status::Ok();
  }
  auto consumed = [&](int64_t row0, int64_t rows) {
    if (args.release) args.release(bytes + size_t(row0 * k) * element, size_t(rows * k) * element);
  };
  if (half) {
    *out = kernels::PackedWeights::PackHalf(reinterpret_cast<const uint16_t*>(bytes), n, k,
                                            bias.data(), consumed, args.threadpool);
  } else {
    *out = kernels::PackedWeights::Pack(reinterpret_cast<const float*>(bytes), n, k, bias.data(),
                                        consumed, args.threadpool);
  }
  if (*out == nullptr) return Status::Error("out of memory packing the weight");
  return Status::Ok();
}

}  // namespace frost::ops
