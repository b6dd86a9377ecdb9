// What the .frost file records besides the graph: preprocessing, labels, provenance.
#pragma once

#include <string>
#include <vector>

#include "frost/convert.hpp"
#include "ir.hpp"
#include "writer.hpp"

namespace frost::convert {

// Preprocessing from the options with frost's defaults (scale 1/255; ImageNet mean/std for
// a 3-channel image input, mean 0 / std 1 for another channel count, none for a non-image
// input; a single --mean/--std value applies to every channel), labels from options.labels_path
// (one per line; their number must equal the first output's size per sample), source = the input
// file's name, producer = "frost-convert <version>". Notes about defaults go to `log`.
Status BuildMetadata(const ConvertOptions& options, const Graph& graph, FileMetadata* meta,
                     std::vector<std::string>* log);

}  // namespace frost::convert
