// LogSoftmax: y = x - log(sum(exp(x))) along an axis (see softmax.hpp for the opset rules).
#include "importers/softmax.hpp"

namespace frost::convert {

OpImporter LogSoftmaxImporter() { return MakeSoftmaxImporter("LogSoftmax"); }

}  // namespace frost::convert
