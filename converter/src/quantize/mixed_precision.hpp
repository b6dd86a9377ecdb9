// Automatic mixed precision for --quantize int8: when the all-int8 model's top-1 agrees with
// the float model on fewer calibration samples than asked (options.int8_min_agreement), the
// ops whose int8 version moves the output most stay float.
//
// How: each candidate op is quantized alone (every other op float) and run on the
// calibration samples; its sensitivity is the number of samples whose top-1 then differs
// from the float model's, ties broken by the output's squared error relative to the float
// output's. The most sensitive ops are kept float one by one, the model re-measured each
// time, until the agreement reaches the target. This costs one calibration run per
// candidate plus one per op kept float, and nothing when all-int8 already agrees enough.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "frost/eval.hpp"
#include "frost/frost.hpp"

namespace frost::convert {

// Percent of samples on which the top-1 of `a` and `b` (same shape) is the same.
double TopOneAgreement(const DatasetOutputs& a, const DatasetOutputs& b);

// sum (a - reference)^2 / sum reference^2 over every output value.
double RelativeSquaredError(const DatasetOutputs& a, const DatasetOutputs& reference);

struct OpSensitivity {
  size_t candidate = 0;      // index into the candidate list
  double agreement = 100;    // top-1 agreement (percent) with only this op int8
  double error = 0;          // RelativeSquaredError with only this op int8
};

struct MixedPrecisionChoice {
  std::vector<bool> int8;                   // per candidate: stays int8
  std::vector<size_t> kept_float;           // candidates kept float, most sensitive first
  double all_int8_agreement = 100;          // percent, every candidate int8
  double agreement = 100;                   // percent, as chosen
  std::vector<OpSensitivity> sensitivities; // measured (empty if all-int8 was enough)
};

// Runs the model with the candidates marked true int8 and the others float on the
// calibration samples.
using EvaluateMix = std::function<Status(const std::vector<bool>& int8, DatasetOutputs*)>;

// Chooses which of `candidates` ops stay float so that the top-1 agreement with `reference`
// (the float model's outputs) reaches `target` percent, as described above. target <= 0
// keeps every op int8 without running anything; 100 asks for every sample to agree (which
// may keep every op float).
Status ChooseFloatOps(size_t candidates, double target, const DatasetOutputs& reference,
                      const EvaluateMix& evaluate, MixedPrecisionChoice* out);

}  // namespace frost::convert
