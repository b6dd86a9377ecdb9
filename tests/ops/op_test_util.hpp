// Helpers for the op tests: random data, running a built model on the reference or the fast
// path, and comparing outputs.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernel_choices.hpp"
#include "model_builder.hpp"

namespace frost::testing {

inline std::vector<float> Random(size_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

inline size_t Count(const std::vector<int64_t>& shape) {
  size_t n = 1;
  for (int64_t d : shape) n *= size_t(d);
  return n;
}

struct RunResult {
  Status status;
  std::vector<std::vector<float>> outputs;
  std::vector<std::string> kernels;  // Session::KernelNames()
  size_t scratch_bytes = 0;          // Session::ScratchBytes()
};

// Loads `bytes`, runs `inputs` at `batch` and returns every output.
inline RunResult RunModel(const ModelBytes& bytes, const std::vector<std::vector<float>>& inputs,
                          int64_t batch, bool reference, int threads = 1,
                          ConvKernels conv_kernels = ConvKernels::kAuto) {
  RunResult r;
  std::shared_ptr<const Model> model;
  if (r.status = LoadModel(bytes, &model); !r.status) return r;
  std::unique_ptr<Session> session;
  if (r.status = Session::Create(
          model, {.threads = threads, .reference = reference, .conv_kernels = conv_kernels},
          &session);
      !r.status) {
    return r;
  }
  std::vector<const float*> in;
  for (const auto& v : inputs) in.push_back(v.data());
  std::vector<float*> out;
  for (size_t i = 0; i < model->outputs().size(); ++i) {
    r.outputs.emplace_back(session->OutputElements(i, batch), NAN);
  }
  for (auto& v : r.outputs) out.push_back(v.data());
  r.status = session->Run(in, batch, out);
  r.kernels = session->KernelNames();
  r.scratch_bytes = session->ScratchBytes();
  return r;
}

// |a - b| <= tol * max(1, max |b|) elementwise; reports the first mismatch.
inline void ExpectClose(const std::vector<float>& a, const std::vector<float>& b,
                        float tol = 1e-5f) {
  REQUIRE(a.size() == b.size());
  float scale = 1.0f;
  for (float v : b) scale = std::max(scale, std::fabs(v));
  for (size_t i = 0; i < a.size(); ++i) {
    const bool both_nan = std::isnan(a[i]) && std::isnan(b[i]);
    if (!both_nan && !(std::fabs(a[i] - b[i]) <= tol * scale)) {
      FAIL_CHECK("element " << i << ": " << a[i] << " vs " << b[i] << " (tolerance " << tol * scale
                            << ")");
      return;
    }
  }
}

// Runs `bytes` on the reference kernels and on the fast path and compares every output.
// `backend` is what the fast session must report for op 0 ("xnnpack" or "reference").
inline void ExpectFastMatchesReference(const ModelBytes& bytes,
                                       const std::vector<std::vector<float>>& inputs, int64_t batch,
                                       const char* backend = "xnnpack", float tol = 1e-5f,
                                       ConvKernels conv_kernels = ConvKernels::kXnnpack,
                                       int threads = 1) {
  RunResult ref = RunModel(bytes, inputs, batch, /*reference=*/true);
  REQUIRE_MESSAGE(ref.status.ok(), ref.status.message());
  RunResult fast = RunModel(bytes, inputs, batch, /*reference=*/false, threads, conv_kernels);
  REQUIRE_MESSAGE(fast.status.ok(), fast.status.message());
  REQUIRE(!fast.kernels.empty());
  CHECK_MESSAGE(fast.kernels[0].find(backend) != std::string::npos,
                "op 0 runs as '" << fast.kernels[0] << "', expected " << backend);
  for (const auto& k : ref.kernels) CHECK(k.find("reference") != std::string::npos);
  REQUIRE(ref.outputs.size() == fast.outputs.size());
  for (size_t i = 0; i < ref.outputs.size(); ++i) ExpectClose(fast.outputs[i], ref.outputs[i], tol);
}

// ExpectFastMatchesReference for every choice of ConvKernelChoices, on 1 and 2 threads.
// `frost_kernels_apply`: false for an op frost's kernels leave to XNNPACK (grouped Conv2D).
inline void ExpectEveryConvKernelMatchesReference(const ModelBytes& bytes,
                                                  const std::vector<std::vector<float>>& inputs,
                                                  int64_t batch, float tol = 1e-5f,
                                                  bool frost_kernels_apply = true) {
  for (auto [kernels, backend] : ConvKernelChoices()) {
    for (int threads : {1, 2}) {
      INFO("kernels " << backend << ", threads " << threads);
      ExpectFastMatchesReference(bytes, inputs, batch, frost_kernels_apply ? backend : "xnnpack",
                                 tol, kernels, threads);
    }
  }
}

inline flatbuffers::Offset<schema::Fused> MakeFused(flatbuffers::FlatBufferBuilder& fbb,
                                                    schema::FusedActivation kind, float lo = 0.0f,
                                                    float hi = 0.0f) {
  return schema::CreateFused(fbb, kind, lo, hi);
}

}  // namespace frost::testing
