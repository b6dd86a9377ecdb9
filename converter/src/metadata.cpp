#include "metadata.hpp"

#include <cmath>
#include <fstream>

namespace frost::convert {
namespace {

const std::vector<float> kImageNetMean = {0.485f, 0.456f, 0.406f};
const std::vector<float> kImageNetStd = {0.229f, 0.224f, 0.225f};

Status ReadLabels(const std::string& path, std::vector<std::string>* labels) {
  std::ifstream in(path);
  if (!in) return Status::Error("cannot read labels file " + path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    labels->push_back(line);
  }
  if (in.bad()) return Status::Error("error reading labels file " + path);
  while (!labels->empty() && labels->back().empty()) labels->pop_back();
  return Status::Ok();
}

Status ChannelValues(const std::string& what, std::optional<std::vector<float>> given,
                     const std::vector<float>& imagenet, float other, int64_t channels,
                     std::vector<float>* out) {
  if (given && given->size() == 1 && channels > 1) {
    given = std::vector<float>(channels, (*given)[0]);  // one value for every channel
  }
  if (given) {
    if (channels > 0 && static_cast<int64_t>(given->size()) != channels) {
      return Status::Error("--" + what + " has " + std::to_string(given->size()) +
                           " values but the model input has " + std::to_string(channels) +
                           " channels");
    }
    for (float v : *given) {
      if (!std::isfinite(v) || (what == "std" && v <= 0)) {
        return Status::Error("--" + what + " values must be finite" +
                             (what == "std" ? std::string(" and positive") : std::string()));
      }
    }
    *out = *given;
  } else if (channels == 3) {
    *out = imagenet;
  } else if (channels > 0) {
    out->assign(channels, other);
  }
  return Status::Ok();
}

}  // namespace

Status BuildMetadata(const ConvertOptions& options, const Graph& g, FileMetadata* meta,
                     std::vector<std::string>* log) {
  meta->scale = options.scale.value_or(1.0f / 255.0f);
  if (!std::isfinite(meta->scale) || meta->scale <= 0) {
    return Status::Error("--scale must be a positive number");
  }
  if (!(options.crop_fraction > 0 && options.crop_fraction <= 1)) {
    return Status::Error("the crop fraction must be in (0, 1]");
  }
  meta->crop_fraction = options.crop_fraction;
  meta->bgr = options.bgr;
  const Tensor* input = g.Find(g.inputs[0]);
  const int64_t channels = input && input->rank() == 4 ? input->shape[1] : 0;
  FROST_CONVERT_TRY(ChannelValues("mean", options.mean, kImageNetMean, 0.f, channels, &meta->mean));
  FROST_CONVERT_TRY(ChannelValues("std", options.std, kImageNetStd, 1.f, channels, &meta->std));
  if (channels > 0 && channels != 3 && (!options.mean || !options.std)) {
    log->push_back("preprocessing: the input has " + std::to_string(channels) +
                   " channels, so ImageNet's mean/std do not apply: using mean 0, std 1 "
                   "where --mean/--std were not given");
  }
  if (!options.labels_path.empty()) {
    FROST_CONVERT_TRY(ReadLabels(options.labels_path, &meta->labels));
    const Tensor* out = g.Find(g.outputs[0]);
    int64_t classes = 1;
    for (size_t i = 1; i < out->shape.size(); ++i) classes *= out->shape[i];
    if (static_cast<int64_t>(meta->labels.size()) != classes) {
      return Status::Error("labels file " + options.labels_path + " has " +
                           std::to_string(meta->labels.size()) + " labels but output '" +
                           g.outputs[0] + "' has " + std::to_string(classes) +
                           " values per sample");
    }
  }
  const size_t slash = options.input_path.find_last_of('/');
  meta->source =
      slash == std::string::npos ? options.input_path : options.input_path.substr(slash + 1);
  meta->producer = std::string("frost-convert ") + frost::Version();
  return Status::Ok();
}

}  // namespace frost::convert
