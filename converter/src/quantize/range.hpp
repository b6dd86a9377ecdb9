// The range an activation's int8 grid covers, chosen from its calibration histogram
// (quantize/calibrate.hpp). Two ways:
//  - percentile: [quantile(1 - p), quantile(p)], the outer (100 - percentile) % clipped;
//  - mse: the range whose grid makes the smallest mean squared error over the histogram,
//    counting both the rounding inside the range (step^2 / 12 per value) and the clipping
//    outside it. A long thin tail is clipped where the values it holds cost less than the
//    coarser steps a grid reaching them would put on everything else.
// Both always include 0, which every grid holds exactly (exact zeros cost nothing).
#pragma once

#include <utility>

#include "quantize/calibrate.hpp"

namespace frost::convert {

// [quantile(1 - p), quantile(p)] with p = percentile / 100 (100: min and max), with 0.
std::pair<float, float> PercentileRange(const Distribution& d, double percentile);

// The [lo, hi] (bin edges of d's histogram, 0 included) whose 256-level grid has the least
// expected squared error on d; min and max if d has no histogram.
std::pair<float, float> MseRange(const Distribution& d);

// The expected squared error per value of a 256-level grid over [lo, hi] on d (what MseRange
// minimises), for tests and reports.
double GridError(const Distribution& d, double lo, double hi);

}  // namespace frost::convert
