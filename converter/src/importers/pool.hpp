// MaxPool and AveragePool share their validation and shape rule.
#pragma once

#include "importer.hpp"

namespace frost::convert {

// Infers a 2-D pool's output and resolves its padding (see ResolveWindow). End padding
// that ceil_mode added is also recorded in attribute "ceil_extra" ([bottom, right]): for
// an AveragePool with count_include_pad it must not count (explicit_pool_padding), and
// fold_pads leaves such pools alone.
Status InferPool(Graph& g, Node& n);

}  // namespace frost::convert
