// One inference benchmark of a .frost model in its own process, for frost_compare_bench.
// The same protocol as benchmarks/peers/ort_worker.js and torch_worker.py: read the input
// .npy, time "open the model to first result ready", warm up, time the runs, write the last
// output as .npy and print one JSON line. The driver computes median and min from times_ms
// and reads this process's peak RSS from wait4, so every runtime is measured the same way.
//   frost_worker --model M.frost --input X.npy --output Y.npy --threads N
//                [--warmup 2] [--runs 20] [--min-runs 5] [--max-seconds 30]
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "frost/frost.hpp"
#include "frost/io/npy.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A memory figure of this process from /proc/self/status, in MiB: "VmRSS:" (resident now)
// or "VmHWM:" (the peak resident set of this program: the address space is new at exec, so
// unlike wait4's ru_maxrss it does not count the pages of the process that forked us).
double StatusMib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == field) {
      double kib = 0;
      status >> kib;
      return kib / 1024.0;
    }
    status.ignore(1 << 20, '\n');
  }
  return 0;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "frost_worker: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_path, input_path, output_path;
  int threads = 1, warmup = 2, runs = 20, min_runs = 5;
  double max_seconds = 30;
  CLI::App app{"frost side of frost_compare_bench: one model, batch and thread count"};
  app.add_option("--model", model_path, ".frost model")->required();
  app.add_option("--input", input_path, "float32 NCHW .npy; its first axis is the batch")
      ->required();
  app.add_option("--output", output_path, "where the output of the last run goes (.npy)")
      ->required();
  app.add_option("--threads", threads, "threads (0 = all cores)");
  app.add_option("--warmup", warmup, "untimed runs after the first");
  app.add_option("--runs", runs, "timed runs at most");
  app.add_option("--min-runs", min_runs, "timed runs at least, whatever --max-seconds says");
  app.add_option("--max-seconds", max_seconds, "stop timing after this many seconds");
  CLI11_PARSE(app, argc, argv);

  frost::io::NpyArray input;
  if (auto s = frost::io::ReadNpy(input_path, &input); !s) return Fail(s.message());
  if (input.shape.empty()) return Fail(input_path + ": a scalar, not a batch of samples");
  const int64_t batch = input.shape[0];
  const double rss_before_load = StatusMib("VmRSS:");

  // Load time: open the model to first result ready (mmap + checks, session, first run).
  const auto load_start = Clock::now();
  std::shared_ptr<const frost::Model> model;
  if (auto s = frost::Model::Load(model_path, &model); !s) return Fail(s.message());
  std::unique_ptr<frost::Session> session;
  if (auto s = frost::Session::Create(model, {.threads = threads}, &session); !s) {
    return Fail(s.message());
  }
  std::vector<float> output(session->OutputElements(0, batch));
  if (auto s = session->Run(input.data.data(), batch, output.data()); !s) return Fail(s.message());
  const double load_ms = MsSince(load_start);

  for (int i = 0; i < warmup; ++i) {
    if (auto s = session->Run(input.data.data(), batch, output.data()); !s) {
      return Fail(s.message());
    }
  }
  std::vector<double> times_ms;
  const auto timing_start = Clock::now();
  while (int(times_ms.size()) < runs &&
         (int(times_ms.size()) < min_runs || MsSince(timing_start) < max_seconds * 1000)) {
    const auto start = Clock::now();
    if (auto s = session->Run(input.data.data(), batch, output.data()); !s) {
      return Fail(s.message());
    }
    times_ms.push_back(MsSince(start));
  }

  const std::vector<int64_t> output_shape = session->OutputShape(0, batch);
  if (auto s = frost::io::WriteNpy(output_path, output_shape, output.data()); !s) {
    return Fail(s.message());
  }
  nlohmann::json line = {
      {"runtime", "frost"},
      {"version", frost::Version()},
      {"batch", batch},
      {"threads", threads},
      {"load_ms", load_ms},
      {"warmup", warmup},
      {"times_ms", times_ms},
      {"rss_before_load_mib", rss_before_load},
      {"peak_rss_mib", StatusMib("VmHWM:")},
      {"flops_per_sample", model->Stats().flops},
      {"output_shape", output_shape},
  };
  std::printf("%s\n", line.dump().c_str());
  return 0;
}
