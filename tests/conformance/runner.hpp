// Runs one ONNX node test case through frost: make the non-first inputs constants, convert,
// run on the fast path and on the reference kernels, compare with the expected outputs.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "classify.hpp"
#include "node_case.hpp"

namespace frost::conformance {

enum class Outcome { kPassed, kFailed, kSkipped };

struct CaseResult {
  std::string name;
  std::set<std::string> ops;  // op types of the original graph
  Outcome outcome = Outcome::kFailed;
  std::vector<Finding> findings;  // the classifier's findings (data set 0)
  // When skipped: the reason and what the converter said (if it was tried).
  std::string skip_code;
  std::string skip_detail;
  std::string converter_message;
  std::vector<std::string> failures;  // when failed: what, where and the numbers
  std::vector<std::string> notes;     // e.g. a case that converted despite a finding
  int data_sets_run = 0;
  double seconds = 0;
};

// `model` is the case's parsed model.onnx; scratch files go under `work_dir`/<case name>.
CaseResult RunCase(const std::string& case_dir, const onnx::ModelProto& model,
                   const std::string& work_dir);

}  // namespace frost::conformance
