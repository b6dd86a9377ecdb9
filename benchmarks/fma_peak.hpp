// The machine's floating-point peak, measured: one thread running independent chains of
// fused multiply-adds (no loads, no stores), as the design doc measured its 96.5 GFLOP/s per
// core. A benchmark's "% of peak" divides by this, so it must be the peak of this machine,
// not of the one a document was written on.
#pragma once

namespace frost::bench {

struct FmaPeak {
  double avx2_gflops = 0;    // 256-bit vfmadd, per core; 0 if the CPU lacks AVX2+FMA
  double avx512_gflops = 0;  // 512-bit vfmadd, per core; 0 if the CPU lacks AVX-512F
  // The widest the CPU has: what a kernel library could reach on one core.
  double best() const { return avx512_gflops > avx2_gflops ? avx512_gflops : avx2_gflops; }
};

// Best of `tries` runs of about 0.1 s each per vector width.
FmaPeak MeasureFmaPeak(int tries = 5);

}  // namespace frost::bench
