// From a decoded image to the model's float input: the geometry (resize, centre crop) and
// the normalisation documented in frost/io/image.hpp.
#include <algorithm>
#include <cmath>

#include "frost/io/image.hpp"
#include "frost/io/npy.hpp"

namespace frost::io {
namespace {

struct Geometry {
  int resized_width, resized_height;  // the whole image after resizing
  int x0, y0;                         // top-left of the input-sized window taken from it
};

Status ComputeGeometry(const Image& image, float crop_fraction, const ImageInputLayout& layout,
                       const std::string& name, Geometry* out) {
  if (!(crop_fraction > 0.0f && crop_fraction <= 1.0f)) {
    return Status::Error(name + ": the model's crop fraction " + std::to_string(crop_fraction) +
                         " is outside (0, 1]");
  }
  if (crop_fraction == 1.0f) {
    *out = {layout.width, layout.height, 0, 0};
    return Status::Ok();
  }
  // The small epsilon keeps e.g. 32 / (32/36 as float) = 35.99999 at 36.
  const int64_t cover_h = static_cast<int64_t>(std::floor(layout.height / crop_fraction + 1e-3));
  const int64_t cover_w = static_cast<int64_t>(std::floor(layout.width / crop_fraction + 1e-3));
  int64_t h, w;
  // Scale by whichever side needs more; the other side is truncated like torchvision's
  // Resize(int): int(size * long / short).
  if (cover_h * image.width >= cover_w * image.height) {
    h = cover_h;
    w = cover_h * image.width / image.height;
  } else {
    w = cover_w;
    h = cover_w * image.height / image.width;
  }
  h = std::max<int64_t>(h, layout.height);
  w = std::max<int64_t>(w, layout.width);
  if (h > (1 << 20) || w > (1 << 20)) {
    return Status::Error(name + ": resizing " + std::to_string(image.width) + "x" +
                         std::to_string(image.height) + " to cover the crop needs " +
                         std::to_string(w) + "x" + std::to_string(h) + " pixels");
  }
  // torchvision's CenterCrop: int(round((size - crop) / 2.0)), Python rounding half to even.
  out->resized_width = static_cast<int>(w);
  out->resized_height = static_cast<int>(h);
  out->x0 = static_cast<int>(std::nearbyint((w - layout.width) / 2.0));
  out->y0 = static_cast<int>(std::nearbyint((h - layout.height) / 2.0));
  return Status::Ok();
}

// mean/std hold 0, 1 or `channels` values; returns the value for channel c.
Status PerChannel(const std::vector<float>& values, const char* what, int channels, float fallback,
                  const std::string& name, std::vector<float>* out) {
  if (values.empty()) {
    out->assign(channels, fallback);
  } else if (values.size() == 1) {
    out->assign(channels, values[0]);
  } else if (values.size() == static_cast<size_t>(channels)) {
    *out = values;
  } else {
    return Status::Error(name + ": the model's preprocessing has " + std::to_string(values.size()) +
                         " " + what + " values but its input has " + std::to_string(channels) +
                         " channel(s)");
  }
  return Status::Ok();
}

}  // namespace

Status ImageInputLayoutFromShape(const std::vector<int64_t>& shape, const std::string& input_name,
                                 ImageInputLayout* out) {
  auto is_channels = [](int64_t c) { return c == 1 || c == 3; };
  const bool rank_ok = shape.size() == 4 && shape[1] > 0 && shape[2] > 0 && shape[3] > 0 &&
                       shape[1] < (1 << 16) && shape[2] < (1 << 16) && shape[3] < (1 << 16);
  if (rank_ok && is_channels(shape[1])) {
    *out = {false, static_cast<int>(shape[1]), static_cast<int>(shape[2]),
            static_cast<int>(shape[3])};
    return Status::Ok();
  }
  if (rank_ok && is_channels(shape[3])) {
    *out = {true, static_cast<int>(shape[3]), static_cast<int>(shape[1]),
            static_cast<int>(shape[2])};
    return Status::Ok();
  }
  return Status::Error("model input '" + input_name + "' has shape " + ShapeToString(shape) +
                       "; images need [N, C, H, W] or [N, H, W, C] with C = 1 or 3");
}

Status PreprocessImage(const Image& image, const Preprocessing& preprocessing,
                       const ImageInputLayout& layout, const std::string& name, float* out) {
  if (image.channels != layout.channels) {
    return Status::Error(name + ": image has " + std::to_string(image.channels) +
                         " channel(s), the model input " + std::to_string(layout.channels));
  }
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels) {
    return Status::Error(name + ": image has no pixels or an inconsistent size");
  }
  std::vector<float> mean, std_dev;
  if (Status s = PerChannel(preprocessing.mean, "mean", layout.channels, 0.0f, name, &mean); !s) {
    return s;
  }
  if (Status s = PerChannel(preprocessing.std, "std", layout.channels, 1.0f, name, &std_dev); !s) {
    return s;
  }
  for (float v : std_dev) {
    if (v == 0.0f || !std::isfinite(v)) {
      return Status::Error(name + ": the model's preprocessing has a std of " + std::to_string(v));
    }
  }
  Geometry g;
  if (Status s = ComputeGeometry(image, preprocessing.crop_fraction, layout, name, &g); !s) {
    return s;
  }
  const FloatImage resized = ResizeBilinear(image, g.resized_width, g.resized_height, g.x0, g.y0,
                                            layout.width, layout.height);
  const int channels = layout.channels;
  const size_t plane = static_cast<size_t>(layout.height) * layout.width;
  for (int c = 0; c < channels; ++c) {
    const int source = preprocessing.bgr && channels == 3 ? 2 - c : c;
    for (size_t i = 0; i < plane; ++i) {
      const float value =
          (resized.pixels[i * channels + source] * preprocessing.scale - mean[c]) / std_dev[c];
      out[layout.nhwc ? i * channels + c : c * plane + i] = value;
    }
  }
  return Status::Ok();
}

Status LoadImageAsInput(const std::string& path, const Preprocessing& preprocessing,
                        const ImageInputLayout& layout, float* out) {
  Image image;
  if (Status s = DecodeImage(path, layout.channels, &image); !s) return s;
  return PreprocessImage(image, preprocessing, layout, path, out);
}

}  // namespace frost::io
