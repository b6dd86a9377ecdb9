// Labelled data sets for evaluation and fine-tuning.
//
//   DIR                       image folder: DIR/<class>/<file>.png|jpg; class names (sorted)
//                             become the labels
//   idx:IMAGES.gz,LABELS.gz   MNIST / Fashion-MNIST IDX files (gzip or plain)
//   npy:IMAGES.npy,LABELS.npy images N x C x H x W (float, already preprocessed) or
//                             N x H x W (x C) uint8 pixels; labels N integers
//
// Samples are decoded and preprocessed on demand (Get), so a large image folder is
// never held in memory whole.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "frost/frost.hpp"
#include "frost/io/image.hpp"

namespace frost::data {

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual size_t size() const = 0;
  virtual int label(size_t i) const = 0;
  // Writes sample i, preprocessed for the model, as C x H x W floats into `out`.
  virtual Status Get(size_t i, float* out) const = 0;
  // Where sample i came from (file name, or "IMAGES.gz[i]"), for messages.
  virtual std::string Describe(size_t i) const = 0;
  // Floats one sample has (the model input's C x H x W).
  virtual size_t sample_elements() const = 0;
  const std::vector<std::string>& class_names() const { return class_names_; }
  size_t num_classes() const { return class_names_.size(); }
  void set_class_names(std::vector<std::string> names) { class_names_ = std::move(names); }

 protected:
  std::vector<std::string> class_names_;
};

// What the model wants: its input layout and the preprocessing recorded with it.
struct InputSpec {
  io::ImageInputLayout layout;
  Preprocessing preprocessing;
};

// The InputSpec of a model's first input.
Status InputSpecOf(const Model& model, InputSpec* out);

// Opens `spec` (see above). Errors name the file and what is wrong.
Status Open(const std::string& spec, const InputSpec& input, std::unique_ptr<Dataset>* out);

// A view of some samples of `base`, in the order given.
std::unique_ptr<Dataset> Select(std::shared_ptr<const Dataset> base, std::vector<size_t> indices);
// Only the samples of `classes`, relabelled 0..k-1 in the order listed; an error names a
// class index out of range.
Status FilterClasses(std::shared_ptr<const Dataset> base, const std::vector<int>& classes,
                     std::unique_ptr<Dataset>* out);

// Per class, the samples after the first `skip` and at most `count` of them, in data set order
// ("the first 10 images of each class": skip 0, count 10; "all but the first 500": skip 500).
std::unique_ptr<Dataset> PerClassRange(std::shared_ptr<const Dataset> base, size_t skip,
                                       size_t count = SIZE_MAX);

// Class names a Fashion-MNIST / MNIST IDX set gets when its file name says which it is.
std::vector<std::string> FashionMnistClassNames();

}  // namespace frost::data
