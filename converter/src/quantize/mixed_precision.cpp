#include "quantize/mixed_precision.hpp"

#include <algorithm>

#include "ir.hpp"

namespace frost::convert {

double TopOneAgreement(const DatasetOutputs& a, const DatasetOutputs& b) {
  if (a.samples == 0) return 100;
  size_t same = 0;
  for (size_t i = 0; i < a.samples; ++i) {
    const float* x = a.values.data() + i * a.per_sample;
    const float* y = b.values.data() + i * b.per_sample;
    same += std::max_element(x, x + a.per_sample) - x == std::max_element(y, y + b.per_sample) - y;
  }
  return 100.0 * double(same) / double(a.samples);
}

double RelativeSquaredError(const DatasetOutputs& a, const DatasetOutputs& reference) {
  double error = 0, norm = 0;
  for (size_t i = 0; i < reference.values.size(); ++i) {
    const double d = double(a.values[i]) - double(reference.values[i]);
    error += d * d;
    norm += double(reference.values[i]) * double(reference.values[i]);
  }
  return norm > 0 ? error / norm : error;
}

Status ChooseFloatOps(size_t candidates, double target, const DatasetOutputs& reference,
                      const EvaluateMix& evaluate, MixedPrecisionChoice* out) {
  MixedPrecisionChoice choice;
  choice.int8.assign(candidates, true);
  if (target <= 0 || candidates == 0) {
    *out = std::move(choice);
    return Status::Ok();
  }
  auto measure = [&](const std::vector<bool>& int8, DatasetOutputs* outputs) -> Status {
    FROST_CONVERT_TRY(evaluate(int8, outputs));
    if (outputs->samples != reference.samples || outputs->per_sample != reference.per_sample ||
        outputs->values.size() != reference.values.size()) {
      return Status::Error("internal error: mixed precision: the int8 model's outputs have "
                           "another shape than the float model's");
    }
    return Status::Ok();
  };
  DatasetOutputs outputs;
  FROST_CONVERT_TRY(measure(choice.int8, &outputs));
  choice.all_int8_agreement = choice.agreement = TopOneAgreement(outputs, reference);
  if (choice.agreement >= target) {
    *out = std::move(choice);
    return Status::Ok();
  }
  for (size_t c = 0; c < candidates; ++c) {
    std::vector<bool> alone(candidates, false);
    alone[c] = true;
    FROST_CONVERT_TRY(measure(alone, &outputs));
    choice.sensitivities.push_back(
        {c, TopOneAgreement(outputs, reference), RelativeSquaredError(outputs, reference)});
  }
  std::vector<OpSensitivity> order = choice.sensitivities;
  std::stable_sort(order.begin(), order.end(), [](const OpSensitivity& a, const OpSensitivity& b) {
    return a.agreement != b.agreement ? a.agreement < b.agreement : a.error > b.error;
  });
  for (const OpSensitivity& op : order) {
    choice.int8[op.candidate] = false;
    choice.kept_float.push_back(op.candidate);
    if (choice.kept_float.size() == candidates) {
      choice.agreement = 100;  // the float model itself
      break;
    }
    FROST_CONVERT_TRY(measure(choice.int8, &outputs));
    choice.agreement = TopOneAgreement(outputs, reference);
    if (choice.agreement >= target) break;
  }
  *out = std::move(choice);
  return Status::Ok();
}

}  // namespace frost::convert
