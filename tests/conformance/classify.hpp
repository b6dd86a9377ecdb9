// Which ONNX node test cases concern frost, and why a static-weights float32 runtime may
// not be able to run one. The reasons are derived from the model and its test data, never
// from the case's name.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "node_case.hpp"

namespace frost::conformance {

// In the order they are reported: a case skipped for several reasons is listed under the first.
enum class Reason {
  // Not attempted: the runtime API cannot even be fed or read (float32 tensors only).
  kNonTensorIo,
  kNonFloatInput,
  kNonFloatOutput,
  // Attempted: the converter may refuse such a case (then it is skipped for this reason),
  // but if it converts, the outputs must match like any other case.
  kOpOutsideList,
  kTrainingMode,
  kSpatialRank,
  kNonFloatConstant,
  kEmptyTensor,
};

struct ReasonInfo {
  Reason reason;
  const char* code;     // as written in skipped.md
  bool attempted;       // conversion is tried despite the reason
  const char* meaning;  // one line for the reader of skipped.md
};

const std::vector<ReasonInfo>& AllReasons();
const ReasonInfo& Info(Reason reason);
const ReasonInfo* FindReason(std::string_view code);  // nullptr if unknown

struct Finding {
  Reason reason;
  std::string detail;  // names the input, output, node or op concerned
};

// The ONNX ops the converter accepts (issue 2); a case is selected if its graph uses one.
const std::set<std::string>& ListedOps();
// Glue the converter folds at conversion time; not a reason to skip by itself.
const std::set<std::string>& FoldableGlueOps();
bool UsesListedOp(const onnx::ModelProto& model);
// The distinct op types of the graph's nodes, sorted.
std::set<std::string> OpTypes(const onnx::ModelProto& model);

// Every finding about `static_model` (made by MakeStaticModel from `data`), sorted by Reason.
std::vector<Finding> Classify(const onnx::ModelProto& static_model, const DataSet& data);

// True if no finding forbids running the case.
bool Attemptable(const std::vector<Finding>& findings);

}  // namespace frost::conformance
