// frost bench: the measurement (bench.cpp) and its Markdown rendering (bench_report.cpp).
#pragma once

#include "model_facts.hpp"  // Json

namespace frost::cli {

// Prints the --json object of `frost bench` as Markdown tables (so both always agree).
void PrintBenchReport(const Json& result);

}  // namespace frost::cli
