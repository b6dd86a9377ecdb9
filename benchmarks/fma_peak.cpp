#include "fma_peak.hpp"

#include <immintrin.h>

#include <algorithm>
#include <chrono>

namespace frost::bench {
namespace {

// 12 independent accumulators: enough to cover the FMA latency (4 cycles) on two FMA ports
// with room to spare, so the loop runs at the FMA units' throughput.
constexpr int kChains = 12;

__attribute__((target("avx2,fma"))) float Avx2Chains(long iterations) {
  __m256 acc[kChains];
  for (int j = 0; j < kChains; ++j) acc[j] = _mm256_set1_ps(float(j) * 1e-3f);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (long i = 0; i < iterations; ++i) {
    // Unrolled by hand: with a loop over j, GCC -O2 keeps acc[] on the stack.
#pragma GCC unroll 12
    for (int j = 0; j < kChains; ++j) acc[j] = _mm256_fmadd_ps(acc[j], a, b);
  }
  __m256 sum = acc[0];
  for (int j = 1; j < kChains; ++j) sum = _mm256_add_ps(sum, acc[j]);
  return _mm256_cvtss_f32(sum);  // used, so the chains cannot be optimised away
}

__attribute__((target("avx512f"))) float Avx512Chains(long iterations) {
  __m512 acc[kChains];
  for (int j = 0; j < kChains; ++j) acc[j] = _mm512_set1_ps(float(j) * 1e-3f);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (long i = 0; i < iterations; ++i) {
#pragma GCC unroll 12
    for (int j = 0; j < kChains; ++j) acc[j] = _mm512_fmadd_ps(acc[j], a, b);
  }
  __m512 sum = acc[0];
  for (int j = 1; j < kChains; ++j) sum = _mm512_add_ps(sum, acc[j]);
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, sum);  // (_mm512_reduce_add_ps trips GCC 12's -Wuninitialized)
  float total = 0;
  for (float v : lanes) total += v;
  return total;
}

volatile float sink;  // keeps the results alive

template <typename Chains>
double BestGflops(Chains chains, int lanes, int tries) {
  const long iterations = 20'000'000;  // ~0.1 s at ~100 GFLOP/s (AVX2)
  const double flops = double(iterations) * kChains * lanes * 2;
  double best = 0;
  for (int t = 0; t < tries; ++t) {
    const auto start = std::chrono::steady_clock::now();
    sink = chains(iterations);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, flops / s * 1e-9);
  }
  return best;
}

}  // namespace

FmaPeak MeasureFmaPeak(int tries) {
  FmaPeak peak;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    peak.avx2_gflops = BestGflops(Avx2Chains, 8, tries);
  }
  if (__builtin_cpu_supports("avx512f")) peak.avx512_gflops = BestGflops(Avx512Chains, 16, tries);
  return peak;
}

}  // namespace frost::bench
