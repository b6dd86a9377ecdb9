#include "quantize/range.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace frost::convert {
namespace {

constexpr double kLevels = 255.0;  // steps of a 256-level grid

// Prefix sums over the histogram's bins of n, n*c and n*c^2 (c: bin centre), so that the
// clipping error of any range is O(1): sum over clipped bins of n (c - edge)^2.
struct Moments {
  std::vector<double> n, nc, ncc;  // [i] = sum over bins < i

  explicit Moments(const Distribution& d) : n(d.counts.size() + 1), nc(n.size()), ncc(n.size()) {
    for (size_t i = 0; i < d.counts.size(); ++i) {
      const double c = d.bin_center(i), k = d.counts[i];
      n[i + 1] = n[i] + k;
      nc[i + 1] = nc[i] + k * c;
      ncc[i + 1] = ncc[i] + k * c * c;
    }
  }
  // sum over bins [a, b) of n (c - e)^2
  double Squared(size_t a, size_t b, double e) const {
    const double k = n[b] - n[a], s = nc[b] - nc[a], ss = ncc[b] - ncc[a];
    return ss - 2 * e * s + e * e * k;
  }
};

// The error of the grid over [lo, hi] where bins below `first` and from `last` on are
// clipped (to lo and hi), every other value rounded.
double Error(const Distribution& d, const Moments& m, double lo, double hi, size_t first, size_t last) {
  const double step = (hi - lo) / kLevels;
  const double inside = m.n[last] - m.n[first] + 0;  // exact zeros cost nothing
  return m.Squared(0, first, lo) + m.Squared(last, d.counts.size(), hi) + inside * step * step / 12;
}

double Total(const Distribution& d) {
  double total = d.zeros;
  for (double c : d.counts) total += c;
  return total;
}

}  // namespace

std::pair<float, float> PercentileRange(const Distribution& d, double percentile) {
  double lo = std::min<double>(d.min, 0.0), hi = std::max<double>(d.max, 0.0);
  if (percentile < 100 && !d.counts.empty()) {
    const double p = percentile / 100.0;
    lo = std::min(0.0, std::max(lo, d.Quantile(1.0 - p)));
    hi = std::max(0.0, std::min(hi, d.Quantile(p)));
  }
  return {float(lo), float(hi)};
}

double GridError(const Distribution& d, double lo, double hi) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  const double step = (hi - lo) / kLevels;
  double error = 0;
  for (size_t i = 0; i < d.counts.size(); ++i) {
    const double c = d.bin_center(i);
    const double e = c < lo ? lo - c : c > hi ? c - hi : 0;
    error += d.counts[i] * (e > 0 ? e * e : step * step / 12);
  }
  return error / std::max(Total(d), 1.0);
}

std::pair<float, float> MseRange(const Distribution& d) {
  const double full_lo = std::min<double>(d.min, 0.0), full_hi = std::max<double>(d.max, 0.0);
  const size_t bins = d.counts.size();
  if (bins == 0 || !(d.bin_width() > 0)) return {float(full_lo), float(full_hi)};
  const Moments m(d);
  const double w = d.bin_width();
  // Candidate edges: the range keeps bins [first, last); lo is bin first's lower edge (or 0
  // when 0 lies above it), hi bin last-1's upper edge (or 0 when below). The bin holding 0
  // bounds both searches, so that the range always holds 0.
  const size_t zero_bin = size_t(std::clamp(std::floor(-double(d.min) / w), 0.0, double(bins - 1)));
  const size_t max_first = d.min < 0 ? zero_bin : 0;
  const size_t min_last = d.max > 0 ? zero_bin + 1 : bins;
  double best = std::numeric_limits<double>::infinity();
  std::pair<double, double> range{full_lo, full_hi};
  for (size_t first = 0; first <= max_first; ++first) {
    const double lo = std::min(0.0, double(d.min) + double(first) * w);
    for (size_t last = min_last; last <= bins; ++last) {
      const double hi = std::max(0.0, double(d.min) + double(last) * w);
      const double e = Error(d, m, lo, hi, first, last);
      if (e < best) {
        best = e;
        range = {lo, hi};
      }
    }
  }
  return {float(range.first), float(range.second)};
}

}  // namespace frost::convert
