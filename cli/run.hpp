// frost run: the two modes share the options and the loaded model and session.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "frost/frost.hpp"

namespace frost::cli {

struct RunArgs {
  std::string model;
  std::string head;  // --head: a head-only file to attach to `model`
  std::vector<std::string> images;
  std::vector<std::string> inputs, outputs;  // .npy files, one per model input / output
  int top = 5;
  int threads = 1;
  bool reference = false;
  int64_t max_batch = 64;
};

// `path`, with the head-only file `head` attached when it is not empty.
Status LoadModel(const std::string& path, const std::string& head,
                 std::shared_ptr<const Model>* out);

// --input x.npy --output y.npy: tensors in, tensors out. Returns an ExitCode.
int RunNpy(const RunArgs& args, const Model& model, Session& session);
// Image files in, top-k labels and scores out. Returns an ExitCode.
int RunImages(const RunArgs& args, const Model& model, Session& session);

}  // namespace frost::cli
