#include "ops/weights.hpp"

#include "frost/half.hpp"

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
  if (tensor->type() != schema::DataType::FLOAT16) {
    return Status::Error(name + " is stored as " + DataTypeName(tensor->type()) +
                         "; this kernel reads FLOAT32 or FLOAT16 constants");
  }
  stored_ = args.data[input];
  type_ = tensor->type();
  count_ = size_t(ElementCount(args.shapes[input]));
  return Load();
}

Status FloatConstant::Load() {
  if (data_ != nullptr || stored_ == nullptr) return Status::Ok();
  converted_.resize(count_);
  HalvesToFloats(static_cast<const uint16_t*>(stored_), count_, converted_.data());
  data_ = converted_.data();
  return Status::Ok();
}

void FloatConstant::Release() {
  if (stored_ == nullptr) return;
  converted_ = std::vector<float>();
  data_ = nullptr;
}

}  // namespace frost::ops
