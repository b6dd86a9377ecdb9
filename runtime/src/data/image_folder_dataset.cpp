// An image folder: DIR/<class>/<file>.png|jpg|jpeg, classes in sorted order.
#include <algorithm>
#include <filesystem>

#include "data/datasets.hpp"

namespace frost::data {
namespace {

bool IsImageFile(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

class ImageFolderDataset : public Dataset {
 public:
  ImageFolderDataset(const InputSpec& input, std::vector<std::string> names,
                     std::vector<std::string> files, std::vector<int> labels)
      : input_(input), files_(std::move(files)), labels_(std::move(labels)) {
    class_names_ = std::move(names);
  }
  size_t size() const override { return files_.size(); }
  int label(size_t i) const override { return labels_[i]; }
  Status Get(size_t i, float* out) const override {
    return io::LoadImageAsInput(files_[i], input_.preprocessing, input_.layout, out);
  }
  std::string Describe(size_t i) const override { return files_[i]; }
  size_t sample_elements() const override { return input_.layout.elements(); }

 private:
  InputSpec input_;
  std::vector<std::string> files_;
  std::vector<int> labels_;
};

}  // namespace

Status OpenImageFolder(const std::string& dir, const InputSpec& input,
                       std::unique_ptr<Dataset>* out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  if (ec) return Status::Error("cannot list data folder '" + dir + "': " + ec.message());
  std::sort(names.begin(), names.end());
  std::vector<std::string> files;
  std::vector<int> labels;
  for (size_t c = 0; c < names.size(); ++c) {
    std::vector<std::string> class_files;
    for (const auto& entry : fs::directory_iterator(fs::path(dir) / names[c], ec)) {
      if (entry.is_regular_file() && IsImageFile(entry.path())) {
        class_files.push_back(entry.path().string());
      }
    }
    if (ec) return Status::Error("cannot list '" + (fs::path(dir) / names[c]).string() + "': " + ec.message());
    std::sort(class_files.begin(), class_files.end());
    for (auto& f : class_files) {
      files.push_back(std::move(f));
      labels.push_back(static_cast<int>(c));
    }
  }
  if (names.size() < 2) {
    return Status::Error("data folder '" + dir + "' needs at least two class subfolders (" +
                         "DIR/<class>/<image>), found " + std::to_string(names.size()));
  }
  if (files.empty()) return Status::Error("data folder '" + dir + "' holds no .png/.jpg images");
  *out = std::make_unique<ImageFolderDataset>(input, std::move(names), std::move(files),
                                              std::move(labels));
  return Status::Ok();
}

}  // namespace frost::data
