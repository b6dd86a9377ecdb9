// The list of every ONNX op frost converts: one line per op, its importer in
// importers/<op_name>.cpp. Constant nodes are read by the loader (onnx_loader.cpp).
#include <algorithm>
#include <map>

#include "importer.hpp"

namespace frost::convert {

OpImporter AbsImporter();
OpImporter AddImporter();
OpImporter AveragePoolImporter();
OpImporter BatchNormalizationImporter();
OpImporter CastImporter();
OpImporter CeilImporter();
OpImporter ClipImporter();
OpImporter ConcatImporter();
OpImporter ConstantOfShapeImporter();
OpImporter ConvImporter();
OpImporter DivImporter();
OpImporter DropoutImporter();
OpImporter EluImporter();
OpImporter EqualImporter();
OpImporter ExpImporter();
OpImporter ExpandImporter();
OpImporter FlattenImporter();
OpImporter FloorImporter();
OpImporter GatherImporter();
OpImporter GemmImporter();
OpImporter GlobalAveragePoolImporter();
OpImporter GlobalMaxPoolImporter();
OpImporter HardSigmoidImporter();
OpImporter HardSwishImporter();
OpImporter IdentityImporter();
OpImporter LeakyReluImporter();
OpImporter LogImporter();
OpImporter LogSoftmaxImporter();
OpImporter MatMulImporter();
OpImporter MaxImporter();
OpImporter MaxPoolImporter();
OpImporter MinImporter();
OpImporter MulImporter();
OpImporter NegImporter();
OpImporter PadImporter();
OpImporter PowImporter();
OpImporter RangeImporter();
OpImporter ReciprocalImporter();
OpImporter ReluImporter();
OpImporter ReshapeImporter();
OpImporter SeluImporter();
OpImporter ShapeImporter();
OpImporter SigmoidImporter();
OpImporter SliceImporter();
OpImporter SoftmaxImporter();
OpImporter SoftplusImporter();
OpImporter SoftsignImporter();
OpImporter SqrtImporter();
OpImporter SqueezeImporter();
OpImporter SubImporter();
OpImporter SumImporter();
OpImporter TanhImporter();
OpImporter TransposeImporter();
OpImporter UnsqueezeImporter();
OpImporter WhereImporter();

namespace {

const std::map<std::string, OpImporter>& Registry() {
  static const std::map<std::string, OpImporter> registry = [] {
    std::map<std::string, OpImporter> map;
    for (OpImporter& op : std::vector<OpImporter>{
             AbsImporter(),
             AddImporter(),
             AveragePoolImporter(),
             BatchNormalizationImporter(),
             CastImporter(),
             CeilImporter(),
             ClipImporter(),
             ConcatImporter(),
             ConstantOfShapeImporter(),
             ConvImporter(),
             DivImporter(),
             DropoutImporter(),
             EluImporter(),
             EqualImporter(),
             ExpImporter(),
             ExpandImporter(),
             FlattenImporter(),
             FloorImporter(),
             GatherImporter(),
             GemmImporter(),
             GlobalAveragePoolImporter(),
             GlobalMaxPoolImporter(),
             HardSigmoidImporter(),
             HardSwishImporter(),
             IdentityImporter(),
             LeakyReluImporter(),
             LogImporter(),
             LogSoftmaxImporter(),
             MatMulImporter(),
             MaxImporter(),
             MaxPoolImporter(),
             MinImporter(),
             MulImporter(),
             NegImporter(),
             PadImporter(),
             PowImporter(),
             RangeImporter(),
             ReciprocalImporter(),
             ReluImporter(),
             ReshapeImporter(),
             SeluImporter(),
             ShapeImporter(),
             SigmoidImporter(),
             SliceImporter(),
             SoftmaxImporter(),
             SoftplusImporter(),
             SoftsignImporter(),
             SqrtImporter(),
             SqueezeImporter(),
             SubImporter(),
             SumImporter(),
             TanhImporter(),
             TransposeImporter(),
             UnsqueezeImporter(),
             WhereImporter(),
         }) {
      std::string name = op.op_type;
      map.emplace(std::move(name), std::move(op));
    }
    return map;
  }();
  return registry;
}

}  // namespace

const OpImporter* FindImporter(const std::string& op_type) {
  auto it = Registry().find(op_type);
  return it == Registry().end() ? nullptr : &it->second;
}

std::vector<std::string> SupportedOps() {
  std::vector<std::string> ops;
  for (const auto& [name, op] : Registry()) ops.push_back(name);
  return ops;
}

}  // namespace frost::convert
