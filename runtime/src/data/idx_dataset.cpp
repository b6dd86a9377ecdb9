// MNIST-style IDX files (gzip-compressed or plain): images 0x00000803 (uint8 N x H x W),
// labels 0x00000801 (uint8 N).
#include <zlib.h>

#include <algorithm>

#include "data/datasets.hpp"

namespace frost::data {
namespace {

// Reads a whole file through zlib, which passes plain files through unchanged.
Status ReadMaybeGzip(const std::string& path, std::vector<uint8_t>* out) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return Status::Error("cannot open IDX file '" + path + "'");
  out->clear();
  uint8_t chunk[1 << 16];
  int n;
  while ((n = gzread(f, chunk, sizeof chunk)) > 0) out->insert(out->end(), chunk, chunk + n);
  int err = 0;
  const char* msg = gzerror(f, &err);
  bool failed = n < 0 || (err != Z_OK && err != Z_BUF_ERROR);
  std::string reason = failed ? msg : "";
  gzclose(f);
  if (failed) return Status::Error("IDX file '" + path + "' is corrupt: " + reason);
  return Status::Ok();
}

uint32_t BigEndian32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

// Checks the magic number and dimension count, returns the dims and the payload offset.
Status ParseIdxHeader(const std::vector<uint8_t>& bytes, const std::string& path, int ndims,
                      std::vector<uint32_t>* dims, size_t* payload) {
  if (bytes.size() < 4) return Status::Error("IDX file '" + path + "' is truncated (no header)");
  uint32_t magic = BigEndian32(bytes.data());
  if ((magic >> 8) != 0x08 || int(magic & 0xff) != ndims) {
    char buf[16];
    snprintf(buf, sizeof buf, "0x%08x", magic);
    return Status::Error("IDX file '" + path + "': magic " + buf + ", expected unsigned bytes with " +
                         std::to_string(ndims) + " dimensions (" +
                         (ndims == 3 ? "images" : "labels") + ")");
  }
  size_t header = 4 + 4 * size_t(ndims);
  if (bytes.size() < header) return Status::Error("IDX file '" + path + "' is truncated (header)");
  size_t total = 1;
  dims->clear();
  for (int d = 0; d < ndims; ++d) {
    dims->push_back(BigEndian32(bytes.data() + 4 + 4 * d));
    total *= dims->back();
  }
  if (bytes.size() - header < total) {
    return Status::Error("IDX file '" + path + "' is truncated: " + std::to_string(total) +
                         " bytes of data expected, " + std::to_string(bytes.size() - header) +
                         " present");
  }
  *payload = header;
  return Status::Ok();
}

class IdxDataset : public Dataset {
 public:
  IdxDataset(const InputSpec& input, std::string path, std::vector<uint8_t> images,
             size_t offset, int height, int width, std::vector<int> labels)
      : input_(input), path_(std::move(path)), images_(std::move(images)), offset_(offset),
        height_(height), width_(width), labels_(std::move(labels)) {}
  size_t size() const override { return labels_.size(); }
  int label(size_t i) const override { return labels_[i]; }
  Status Get(size_t i, float* out) const override {
    io::Image image;
    image.width = width_;
    image.height = height_;
    image.channels = input_.layout.channels;
    const uint8_t* grey = images_.data() + offset_ + i * size_t(height_) * width_;
    image.pixels.resize(size_t(height_) * width_ * image.channels);
    for (size_t p = 0; p < size_t(height_) * width_; ++p) {
      for (int c = 0; c < image.channels; ++c) image.pixels[p * image.channels + c] = grey[p];
    }
    return io::PreprocessImage(image, input_.preprocessing, input_.layout, Describe(i), out);
  }
  std::string Describe(size_t i) const override { return path_ + "[" + std::to_string(i) + "]"; }
  size_t sample_elements() const override { return input_.layout.elements(); }

 private:
  InputSpec input_;
  std::string path_;
  std::vector<uint8_t> images_;
  size_t offset_;
  int height_, width_;
  std::vector<int> labels_;
};

}  // namespace

Status OpenIdx(const std::string& images_path, const std::string& labels_path,
               const InputSpec& input, std::unique_ptr<Dataset>* out) {
  std::vector<uint8_t> images, labels;
  if (auto s = ReadMaybeGzip(images_path, &images); !s) return s;
  if (auto s = ReadMaybeGzip(labels_path, &labels); !s) return s;
  std::vector<uint32_t> image_dims, label_dims;
  size_t image_offset, label_offset;
  if (auto s = ParseIdxHeader(images, images_path, 3, &image_dims, &image_offset); !s) return s;
  if (auto s = ParseIdxHeader(labels, labels_path, 1, &label_dims, &label_offset); !s) return s;
  if (image_dims[0] != label_dims[0]) {
    return Status::Error("IDX files disagree: '" + images_path + "' has " +
                         std::to_string(image_dims[0]) + " images, '" + labels_path + "' has " +
                         std::to_string(label_dims[0]) + " labels");
  }
  std::vector<int> label_values(labels.begin() + label_offset,
                                labels.begin() + label_offset + label_dims[0]);
  int max_label = label_values.empty() ? 0 : *std::max_element(label_values.begin(), label_values.end());
  if (input.layout.channels != 1 && input.layout.channels != 3) {
    return Status::Error("IDX images are grey; the model input has " +
                         std::to_string(input.layout.channels) + " channels");
  }
  auto dataset = std::make_unique<IdxDataset>(input, images_path, std::move(images), image_offset,
                                              int(image_dims[1]), int(image_dims[2]),
                                              std::move(label_values));
  std::string lower = images_path;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::vector<std::string> names;
  if (lower.find("fashion") != std::string::npos && max_label < 10) {
    names = FashionMnistClassNames();
  } else {
    for (int c = 0; c <= max_label; ++c) names.push_back(std::to_string(c));
  }
  dataset->set_class_names(std::move(names));
  *out = std::move(dataset);
  return Status::Ok();
}

}  // namespace frost::data
