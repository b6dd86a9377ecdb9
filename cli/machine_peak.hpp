// The machine's float32 FMA peak, estimated from /proc/cpuinfo, to put a measured GFLOP/s in
// context. Only an estimate: it assumes two FMA units per core at the listed clock, and
// cores often run wide vectors below it (the design measurements found 96.5 GFLOP/s per core
// on an AVX-512 machine that this formula puts at 147).
#pragma once

#include <string>

namespace frost::cli {

struct MachinePeak {
  std::string isa;             // "AVX-512", "AVX2" or "" (no FMA vectors known)
  int lanes = 0;               // float32 lanes per vector
  int fma_units = 2;           // per core, assumed
  double clock_ghz = 0;        // "cpu MHz" (the highest listed) / 1000; 0 if not listed
  double per_core_gflops = 0;  // fma_units * lanes * 2 * clock_ghz; 0 if unknown
};

// From the text of /proc/cpuinfo (x86 "flags" and "cpu MHz" lines).
MachinePeak EstimatePeak(const std::string& cpuinfo);
// From this machine's /proc/cpuinfo (unknown fields stay 0 where it cannot be read).
MachinePeak EstimateThisMachinePeak();

}  // namespace frost::cli
