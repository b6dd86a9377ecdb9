// Images and labels as .npy: images N x C x H x W floats (already preprocessed, in the
// model's input layout) or N x H x W [x C] uint8 pixels (preprocessed here); labels N ints.
#include <algorithm>
#include <cmath>

#include "data/datasets.hpp"
#include "frost/io/npy.hpp"

namespace frost::data {
namespace {

class NpyDataset : public Dataset {
 public:
  NpyDataset(const InputSpec& input, std::string path, io::NpyArray images, bool pixels,
             std::vector<int> labels)
      : input_(input), path_(std::move(path)), images_(std::move(images)), pixels_(pixels),
        labels_(std::move(labels)) {}
  size_t size() const override { return labels_.size(); }
  int label(size_t i) const override { return labels_[i]; }
  Status Get(size_t i, float* out) const override {
    size_t per = images_.elements() / labels_.size();
    const float* src = images_.data.data() + i * per;
    if (!pixels_) {
      std::copy(src, src + per, out);
      return Status::Ok();
    }
    io::Image image;
    image.height = int(images_.shape[1]);
    image.width = int(images_.shape[2]);
    int stored_channels = images_.shape.size() == 4 ? int(images_.shape[3]) : 1;
    image.channels = input_.layout.channels;
    image.pixels.resize(size_t(image.height) * image.width * image.channels);
    for (size_t p = 0; p < size_t(image.height) * image.width; ++p) {
      for (int c = 0; c < image.channels; ++c) {
        // grey -> RGB repeats the value; RGB -> grey uses PIL's luma like decoded images
        float v;
        if (stored_channels == image.channels) {
          v = src[p * stored_channels + c];
        } else if (stored_channels == 1) {
          v = src[p];
        } else {
          const float* rgb = src + p * stored_channels;
          v = (19595.f * rgb[0] + 38470.f * rgb[1] + 7471.f * rgb[2]) / 65536.f;
        }
        image.pixels[p * image.channels + c] = uint8_t(std::clamp(std::lround(v), 0L, 255L));
      }
    }
    return io::PreprocessImage(image, input_.preprocessing, input_.layout, Describe(i), out);
  }
  std::string Describe(size_t i) const override { return path_ + "[" + std::to_string(i) + "]"; }
  size_t sample_elements() const override { return input_.layout.elements(); }

 private:
  InputSpec input_;
  std::string path_;
  io::NpyArray images_;
  bool pixels_;
  std::vector<int> labels_;
};

}  // namespace

Status OpenNpy(const std::string& images_path, const std::string& labels_path,
               const InputSpec& input, std::unique_ptr<Dataset>* out) {
  io::NpyArray images, labels;
  if (auto s = io::ReadNpy(images_path, &images); !s) return s;
  if (auto s = io::ReadNpy(labels_path, &labels); !s) return s;
  if (labels.shape.size() != 1) {
    return Status::Error("labels '" + labels_path + "' must be 1-D, got shape " +
                         io::ShapeToString(labels.shape));
  }
  size_t n = size_t(labels.shape[0]);
  if (images.shape.empty() || size_t(images.shape[0]) != n || n == 0) {
    return Status::Error("images '" + images_path + "' (shape " + io::ShapeToString(images.shape) +
                         ") and labels '" + labels_path + "' (" + std::to_string(n) +
                         " labels) disagree on the number of samples");
  }
  bool pixels = images.source_type == io::NpyType::kUInt8;
  const auto& l = input.layout;
  if (pixels) {
    bool ok = images.shape.size() == 3 ||
              (images.shape.size() == 4 && (images.shape[3] == 1 || images.shape[3] == 3));
    if (!ok) {
      return Status::Error("uint8 images '" + images_path + "' must be N x H x W or N x H x W x C " +
                           "(C 1 or 3), got " + io::ShapeToString(images.shape));
    }
  } else if (images.elements() != n * l.elements()) {
    return Status::Error("float images '" + images_path + "' have shape " +
                         io::ShapeToString(images.shape) + "; the model takes " +
                         std::to_string(l.elements()) + " floats per sample (" +
                         std::to_string(l.channels) + " x " + std::to_string(l.height) + " x " +
                         std::to_string(l.width) + ")");
  }
  std::vector<int> label_values(n);
  int max_label = 0;
  for (size_t i = 0; i < n; ++i) {
    float v = labels.data[i];
    if (v < 0 || v != std::floor(v) || v > 1e6f) {
      return Status::Error("label " + std::to_string(i) + " in '" + labels_path +
                           "' is not a class index: " + std::to_string(v));
    }
    label_values[i] = int(v);
    max_label = std::max(max_label, label_values[i]);
  }
  auto dataset = std::make_unique<NpyDataset>(input, images_path, std::move(images), pixels,
                                              std::move(label_values));
  std::vector<std::string> names;
  for (int c = 0; c <= max_label; ++c) names.push_back(std::to_string(c));
  dataset->set_class_names(std::move(names));
  *out = std::move(dataset);
  return Status::Ok();
}

}  // namespace frost::data
