// Named graph passes, one per file (passes/<name>.cpp), run in the order of PassList(), then
// (after --quantize int8, if asked for) those of FinalPassList(). Each returns a one-line summary
// of what it changed ("" when nothing), which the converter collects into ConvertReport::log.
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
// The passes that run on the graph as quantization left it: they must know which ops are int8.
const std::vector<Pass>& FinalPassList();

// Runs every pass of PassList() in order; each non-empty summary becomes "name: summary" in
// `log`. RunFinalPasses: the same for FinalPassList().
Status RunPasses(Graph& graph, const ConvertOptions& options, std::vector<std::string>* log);
Status RunFinalPasses(Graph& graph, const ConvertOptions& options, std::vector<std::string>* log);

}  // namespace frost::convert
