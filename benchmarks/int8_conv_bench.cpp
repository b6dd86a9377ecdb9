// Kernel throughput of frost's own int8 convolution (AVX-512 VNNI) against its float one, on
// the 3x3 layers of ResNet-18 at 224x224 (batch 1, one thread): GOP/s from the thread's CPU
// time, so that other processes on the machine count less. Prints a Markdown table.
#include <time.h>

#include <cstdio>
#include <random>
#include <vector>

#include "kernels/conv.hpp"
#include "kernels/conv_int8.hpp"

namespace {

using namespace frost::kernels;

double ThreadSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// Best of `reps` batches of runs: CPU seconds per run of `f`.
template <class F>
double Best(F f, int runs, int reps = 5) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    const double t0 = ThreadSeconds();
    for (int i = 0; i < runs; ++i) f();
    best = std::min(best, (ThreadSeconds() - t0) / runs);
  }
  return best;
}

}  // namespace

int main() {
  if (!CpuSupportsAvx512Vnni()) {
    std::printf("this CPU has no AVX-512 VNNI\n");
    return 0;
  }
  std::mt19937 rng(1);
  std::printf("| layer | int8 ms | int8 GOP/s | fp32 ms | fp32 GFLOP/s | int8 / fp32 time |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  const int64_t layers[][2] = {{56, 64}, {28, 128}, {14, 256}, {7, 512}};
  for (const auto& [size, channels] : layers) {
    ConvParams p;
    p.kh = p.kw = 3, p.pad_top = p.pad_left = 1, p.channels = channels;
    const int64_t k = 9 * channels, pixels = size * size;
    std::vector<int8_t> w(size_t(channels * k));
    std::vector<float> wf(w.size()), x(size_t(pixels * channels)), y(size_t(pixels * channels));
    std::vector<uint8_t> u(x.size());
    for (size_t i = 0; i < w.size(); ++i) wf[i] = float(w[i] = int8_t(int(rng() % 255) - 127));
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(u[i] = uint8_t(rng()));
    std::vector<int32_t> bias(size_t(channels), 0);
    std::vector<float> requantize(size_t(channels), 1e-4f);
    auto packed = PackedInt8Weights::Pack(w.data(), channels, k, bias.data(), requantize.data(),
                                          0, nullptr, nullptr);
    auto packed_f = PackedWeights::Pack(wf.data(), channels, k, nullptr, nullptr, nullptr);
    const GemmInt8Out out{y.data(), channels, -128, 127, 0.1f};
    const int runs = int(std::max<int64_t>(5, 2000000000 / (pixels * channels * k)));
    // The int8 op as a session runs it: the input quantized, then the convolution.
    const double s8 = Best([&] {
      QuantizeToUnsigned(x.data(), int64_t(x.size()), 0.5f, -128, 127, 128, u.data());
      ConvInt8(p, *packed, u.data(), 128, 1, size, size, size, size, out, nullptr);
    }, runs);
    ConvIo io;
    io.x = x.data();
    io.h = io.w = io.oh = io.ow = size;
    io.y = y.data();
    io.lo = -1e30f;
    io.hi = 1e30f;
    const double s32 = Best([&] {
      // The direct conv, not Winograd (no scratch).
      ConvF32(Isa::kAvx512, p, *packed_f, io, /*scratch=*/nullptr, nullptr);
    }, runs);
    const double ops = 2.0 * double(pixels * channels * k);
    std::printf("| 3x3 %lldx%lldx%lld | %.3f | %.0f | %.3f | %.0f | %.2f |\n", (long long)size,
                (long long)size, (long long)channels, s8 * 1e3, ops / s8 * 1e-9, s32 * 1e3,
                ops / s32 * 1e-9, s8 / s32);
  }
  return 0;
}
