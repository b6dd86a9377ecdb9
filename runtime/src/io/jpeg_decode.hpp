// JPEG through libjpeg-turbo (internal; DecodeImage dispatches here).
#pragma once

#include "frost/io/image.hpp"

namespace frost::io {

bool LooksLikeJpeg(const void* bytes, size_t size);
// Decodes to the file's own channels: 1 for a grey JPEG, 3 (RGB) for a colour one.
Status DecodeJpeg(const void* bytes, size_t size, const std::string& name, Image* out);

}  // namespace frost::io
