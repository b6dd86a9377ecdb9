// The facts `frost info` reports about a model, as one JSON object (the --json output;
// the text output is rendered from the same object, so both always agree).
#pragma once

#include <nlohmann/json.hpp>

#include "frost/frost.hpp"

namespace frost::cli {

using Json = nlohmann::ordered_json;

// Keys: file, format_version, source, producer, inputs, outputs, batch_polymorphic,
// ops {total, by_type}, params, weights {stored type: {tensors, params, bytes}}, int8_ops
// {op type: count of ops with an INT8 weight}, flops, preprocessing, labels {count, names}, head
// {feature_tensor, shape, ops, params}, memory {file_bytes, weight_bytes, arena_bytes}.
Json ModelFacts(const Model& model);

}  // namespace frost::cli
