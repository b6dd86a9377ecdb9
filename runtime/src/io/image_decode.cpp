// Decoding: JPEG with libjpeg-turbo (jpeg_decode.cpp, PIL's decoder), everything else with
// stb_image (its implementation comes from Debian's libstb.so), and the channel
// conversions documented in frost/io/image.hpp.
#include <stb/stb_image.h>

#include <memory>

#include "frost/io/image.hpp"
#include "io/jpeg_decode.hpp"
#include "io/read_file.hpp"

namespace frost::io {
namespace {

// PIL's convert("L"): ITU-R 601-2 luma in 16-bit fixed point, rounded.
uint8_t Luma(const uint8_t* rgb) {
  return static_cast<uint8_t>((rgb[0] * 19595 + rgb[1] * 38470 + rgb[2] * 7471 + 0x8000) >> 16);
}

// Converts stb's 1..4 interleaved channels (grey, grey+alpha, RGB, RGBA) to 1 or 3.
void ConvertChannels(const uint8_t* src, int src_channels, size_t pixels, int channels,
                     uint8_t* dst) {
  for (size_t i = 0; i < pixels; ++i) {
    const uint8_t* p = src + i * src_channels;
    const bool colour = src_channels >= 3;
    if (channels == 1) {
      dst[i] = colour ? Luma(p) : p[0];
    } else {
      dst[3 * i + 0] = p[0];
      dst[3 * i + 1] = colour ? p[1] : p[0];
      dst[3 * i + 2] = colour ? p[2] : p[0];
    }
  }
}

}  // namespace

Status DecodeImageFromMemory(const void* bytes, size_t size, const std::string& name, int channels,
                             Image* out) {
  if (channels != 1 && channels != 3) {
    return Status::Error(name + ": cannot decode to " + std::to_string(channels) +
                         " channels (1 or 3)");
  }
  if (size == 0) return Status::Error(name + ": empty file");
  if (size > static_cast<size_t>(INT32_MAX)) return Status::Error(name + ": file too large");
  if (LooksLikeJpeg(bytes, size)) {
    Image native;
    if (Status s = DecodeJpeg(bytes, size, name, &native); !s) return s;
    if (native.channels == channels) {
      *out = std::move(native);
      return Status::Ok();
    }
    const size_t pixels = static_cast<size_t>(native.width) * native.height;
    out->width = native.width;
    out->height = native.height;
    out->channels = channels;
    out->pixels.resize(pixels * channels);
    ConvertChannels(native.pixels.data(), native.channels, pixels, channels, out->pixels.data());
    return Status::Ok();
  }
  int width = 0, height = 0, src_channels = 0;
  std::unique_ptr<uint8_t, void (*)(void*)> decoded(
      stbi_load_from_memory(static_cast<const stbi_uc*>(bytes), static_cast<int>(size), &width,
                            &height, &src_channels, 0),
      stbi_image_free);
  if (!decoded) {
    const char* reason = stbi_failure_reason();
    return Status::Error(name + ": cannot decode image (" +
                         std::string(reason ? reason : "unknown reason") +
                         "); PNG, JPEG, BMP, GIF, TGA, PSD and PNM are supported");
  }
  if (width <= 0 || height <= 0 || src_channels < 1 || src_channels > 4) {
    return Status::Error(name + ": decoded image has no pixels");
  }
  out->width = width;
  out->height = height;
  out->channels = channels;
  const size_t pixels = static_cast<size_t>(width) * height;
  out->pixels.resize(pixels * channels);
  ConvertChannels(decoded.get(), src_channels, pixels, channels, out->pixels.data());
  return Status::Ok();
}

Status DecodeImage(const std::string& path, int channels, Image* out) {
  std::vector<uint8_t> bytes;
  if (Status s = ReadWholeFile(path, &bytes); !s) return s;
  return DecodeImageFromMemory(bytes.data(), bytes.size(), path, channels, out);
}

}  // namespace frost::io
