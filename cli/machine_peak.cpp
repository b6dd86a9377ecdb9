#include "machine_peak.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

namespace frost::cli {
namespace {

// "cpu MHz\t\t: 2300.000" -> key "cpu MHz", value "2300.000".
bool SplitLine(const std::string& line, std::string* key, std::string* value) {
  const size_t colon = line.find(':');
  if (colon == std::string::npos) return false;
  *key = line.substr(0, colon);
  while (!key->empty() && (key->back() == ' ' || key->back() == '\t')) key->pop_back();
  *value = line.substr(colon + 1);
  return true;
}

}  // namespace

MachinePeak EstimatePeak(const std::string& cpuinfo) {
  MachinePeak peak;
  std::set<std::string> flags;
  double mhz = 0;
  std::istringstream lines(cpuinfo);
  std::string line, key, value;
  while (std::getline(lines, line)) {
    if (!SplitLine(line, &key, &value)) continue;
    if (key == "flags" && flags.empty()) {  // the first core's; all cores list the same
      std::istringstream words(value);
      flags.insert(std::istream_iterator<std::string>(words), std::istream_iterator<std::string>());
    } else if (key == "cpu MHz") {
      // Cores at rest may list a lower clock: the highest is the best guess of the working one.
      mhz = std::max(mhz, std::strtod(value.c_str(), nullptr));
    }
  }
  if (flags.count("fma") && flags.count("avx512f")) {
    peak.isa = "AVX-512";
    peak.lanes = 16;
  } else if (flags.count("fma") && flags.count("avx2")) {
    peak.isa = "AVX2";
    peak.lanes = 8;
  }
  peak.clock_ghz = mhz / 1000;
  peak.per_core_gflops = peak.fma_units * peak.lanes * 2 * peak.clock_ghz;
  return peak;
}

MachinePeak EstimateThisMachinePeak() {
  std::ifstream in("/proc/cpuinfo");
  return EstimatePeak(
      std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
}

}  // namespace frost::cli
