// The concrete data sets behind frost::data::Open (internal).
#pragma once

#include "frost/data.hpp"

namespace frost::data {

Status OpenImageFolder(const std::string& dir, const InputSpec& input,
                       std::unique_ptr<Dataset>* out);
Status OpenIdx(const std::string& images_path, const std::string& labels_path,
               const InputSpec& input, std::unique_ptr<Dataset>* out);
Status OpenNpy(const std::string& images_path, const std::string& labels_path,
               const InputSpec& input, std::unique_ptr<Dataset>* out);

}  // namespace frost::data
