// Named graph passes, one per file (passes/<name>.cpp), run in the order of PassList().
// Each returns a one-line summary of what it changed ("" when nothing), which the
// converter collects into ConvertReport::log.
#pragma once

#include <string>
#include <vector>

#include "frost/convert.hpp"
#include "ir.hpp"

namespace frost::convert {

struct Pass {
  const char* name;
  Status (*run)(Graph& graph, const ConvertOptions& options, std::string* summary);
};

const std::vector<Pass>& PassList();

// Runs every pass in order; each non-empty summary becomes "name: summary" in `log`.
Status RunPasses(Graph& graph, const ConvertOptions& options, std::vector<std::string>* log);

}  // namespace frost::convert
