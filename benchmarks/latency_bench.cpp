// Inference latency of a .frost model: median and min over repeated runs after warm-up,
// for each batch size and thread count asked for, plus the load time.
//   frost_latency_bench MODEL [runs=20] [batches=1,8] [threads=1,0]   (0 = all cores)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "frost/frost.hpp"

namespace {

std::vector<int> ParseList(const char* text) {
  std::vector<int> values;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) values.push_back(std::atoi(item.c_str()));
  return values;
}

double Milliseconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL [runs] [batches] [threads]\n", argv[0]);
    return 2;
  }
  int runs = argc > 2 ? std::atoi(argv[2]) : 20;
  std::vector<int> batches = ParseList(argc > 3 ? argv[3] : "1,8");
  std::vector<int> threads = ParseList(argc > 4 ? argv[4] : "1,0");
  auto start = std::chrono::steady_clock::now();
  std::shared_ptr<const frost::Model> model;
  if (auto s = frost::Model::Load(argv[1], &model); !s) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return 1;
  }
  double load_ms = Milliseconds(std::chrono::steady_clock::now() - start);
  double flops = model->Stats().flops;
  std::printf("model %s: load %.2f ms, %.3f GFLOP per sample\n\n", argv[1], load_ms, flops / 1e9);
  std::printf("| batch | threads | median ms | min ms | GFLOP/s |\n|---|---|---|---|---|\n");
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  for (int t : threads) {
    std::unique_ptr<frost::Session> session;
    if (auto s = frost::Session::Create(model, {.threads = t}, &session); !s) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return 1;
    }
    for (int b : batches) {
      if (!model->batch_polymorphic() && b != model->inputs()[0].shape[0]) continue;
      size_t in_per = 1;
      for (size_t d = 1; d < model->inputs()[0].shape.size(); ++d) in_per *= model->inputs()[0].shape[d];
      std::vector<float> input(in_per * size_t(b)), output(session->OutputElements(0, b));
      for (float& v : input) v = normal(rng);
      std::vector<double> times;
      for (int r = 0; r < runs + 3; ++r) {  // the first 3 runs are warm-up
        auto t0 = std::chrono::steady_clock::now();
        if (auto s = session->Run(input.data(), b, output.data()); !s) {
          std::fprintf(stderr, "%s\n", s.message().c_str());
          return 1;
        }
        if (r >= 3) times.push_back(Milliseconds(std::chrono::steady_clock::now() - t0));
      }
      std::sort(times.begin(), times.end());
      double median = times[times.size() / 2];
      std::printf("| %d | %s | %.3f | %.3f | %.1f |\n", b, t == 0 ? "all" : std::to_string(t).c_str(),
                  median, times.front(), flops * b / (median * 1e6));
    }
  }
  return 0;
}
