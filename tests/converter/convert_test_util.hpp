// Helpers for the converter tests: a scratch directory, converting an OnnxBuilder model,
// running the result (XNNPACK path and reference kernels), inspecting the written ops,
// deterministic data and closeness checks.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "doctest/doctest.h"
#include "frost/convert.hpp"
#include "frost/frost.hpp"
#include "frost_generated.h"
#include "onnx_builder.hpp"

namespace frost::testing {

class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::path(FROST_BINARY_DIR) / "test_scratch" /
            ("converter-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  size_t EntryCount() const {
    return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(path_),
                                             std::filesystem::directory_iterator()));
  }

 private:
  std::filesystem::path path_;
};

// Deterministic values in [lo, hi).
inline std::vector<float> Random(size_t n, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  std::vector<float> v(n);
  uint32_t s = seed * 2654435761u + 12345u;
  for (float& x : v) {
    s = s * 1664525u + 1013904223u;
    x = lo + (hi - lo) * static_cast<float>(s >> 8) / static_cast<float>(1u << 24);
  }
  return v;
}

inline int64_t Elements(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

// A converted model, loaded.
struct Converted {
  Status status;
  std::string path;
  ConvertReport report;
  std::shared_ptr<const Model> model;
};

inline Converted Convert(OnnxBuilder& b, const TempDir& dir, ConvertOptions options = {}) {
  Converted c;
  options.input_path = b.Save(dir.File("model.onnx"));
  if (options.output_path.empty()) options.output_path = dir.File("model.frost");
  c.path = options.output_path;
  c.status = frost::Convert(options, &c.report);
  if (c.status) c.status = Model::Load(c.path, &c.model);
  return c;
}

// Runs a single-input, single-output model with XNNPACK and with the reference kernels,
// checks they agree, and returns the reference output. batch -1: the stored batch.
inline std::vector<float> Run(const std::shared_ptr<const Model>& model,
                              const std::vector<float>& input, int64_t batch = -1) {
  if (batch < 0) batch = model->inputs()[0].shape[0];
  std::vector<float> result;
  for (bool reference : {true, false}) {
    std::unique_ptr<Session> session;
    SessionOptions options;
    options.reference = reference;
    Status s = Session::Create(model, options, &session);
    REQUIRE_MESSAGE(s.ok(), s.message());
    std::vector<float> out(session->OutputElements(0, batch));
    s = session->Run(input.data(), batch, out.data());
    REQUIRE_MESSAGE(s.ok(), s.message());
    if (reference) {
      result = out;
    } else {
      float scale = 1e-6f;
      for (float v : result) scale = std::max(scale, std::fabs(v));
      for (size_t i = 0; i < out.size(); ++i) {
        REQUIRE_MESSAGE(
            std::fabs(out[i] - result[i]) <= 1e-4f * scale,
            "XNNPACK and reference differ at " << i << ": " << out[i] << " vs " << result[i]);
      }
    }
  }
  return result;
}

// |a - b| <= tol * max|b| everywhere.
inline void ExpectClose(const std::vector<float>& a, const std::vector<float>& b,
                        float tol = 1e-5f) {
  REQUIRE(a.size() == b.size());
  float scale = 1e-6f;
  for (float v : b) scale = std::max(scale, std::fabs(v));
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(b[i])) {
      CHECK(std::isnan(a[i]));
      continue;
    }
    REQUIRE_MESSAGE(std::fabs(a[i] - b[i]) <= tol * scale,
                    "at " << i << ": " << a[i] << " vs " << b[i] << " (scale " << scale << ")");
  }
}

// Op types in the written file ("Conv2D", "Unary", ...) with counts.
inline std::map<std::string, int> OpCounts(const Model& model) {
  std::map<std::string, int> counts;
  for (const auto* op : *model.flatbuffer()->operators()) {
    ++counts[schema::EnumNameOpOptions(op->options_type())];
  }
  return counts;
}

inline int OpCount(const Model& model, const std::string& type) {
  auto counts = OpCounts(model);
  return counts.count(type) ? counts[type] : 0;
}

inline int NumOps(const Model& model) {
  return static_cast<int>(model.flatbuffer()->operators()->size());
}

// The first operator of the given type, or nullptr.
inline const schema::Operator* FindOp(const Model& model, schema::OpOptions type) {
  for (const auto* op : *model.flatbuffer()->operators()) {
    if (op->options_type() == type) return op;
  }
  return nullptr;
}

inline std::vector<int64_t> Vec(const flatbuffers::Vector<int64_t>* v) {
  return v ? std::vector<int64_t>(v->begin(), v->end()) : std::vector<int64_t>();
}

}  // namespace frost::testing
