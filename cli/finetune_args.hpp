// `frost finetune` command line: the flags and their mapping to frost::FineTuneOptions.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "frost/finetune.hpp"

namespace frost::cli {

struct FinetuneArgs {
  std::string model, data, val, output, log;
  std::vector<int> classes;
  int per_class = 0;
  bool head_only = false;
  bool quiet = false;
  int threads = 0;
  int backbone_batch = 64;
  // Enum-valued flags as given; parsed by ToOptions.
  std::string optimizer = "sgd", schedule = "constant", loss = "ce", balance = "none",
              head = "linear", class_weights = "none";
  double momentum = 0;
  CLI::Option* momentum_option = nullptr;
  train::TrainConfig config;
};

// Registers every flag on `cmd`.
void AddFinetuneFlags(CLI::App* cmd, FinetuneArgs* args);
// The options the flags ask for; an error names the flag.
Status ToOptions(const FinetuneArgs& args, FineTuneOptions* out);

}  // namespace frost::cli
