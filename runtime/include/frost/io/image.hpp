// Images to model inputs: decode (PNG, JPEG, and the other formats stb_image reads: BMP,
// GIF, TGA, PSD, PNM), convert to the model's channels, resize/crop and normalise as the
// model's recorded Preprocessing says, and write the model's float input.
//
// The steps follow torchvision's PIL pipeline, so frost agrees with how models are
// usually evaluated:
//  - colour to grey: ITU-R 601 luma in PIL's fixed point, L = (19595 R + 38470 G + 7471 B
//    + 32768) >> 16 (PIL's convert("L")); grey to RGB repeats the value; alpha is dropped.
//  - resize: frost's own separable bilinear (triangle) filter whose support widens by the
//    shrink factor, so shrinking is antialiased: the algorithm of PIL's
//    Image.resize(BILINEAR) (torchvision's Resize on PIL images), computed in float
//    without PIL's intermediate rounding to 8 bits. Same-size "resizes" copy.
//  - crop_fraction 1: the whole image is resized to the input's H x W (aspect not kept).
//    crop_fraction < 1: scaled (aspect kept) so it covers floor(H / crop) x floor(W / crop)
//    (for square inputs: shorter side to floor(size / crop), longer side truncated as
//    torchvision's Resize(int) does), then the centre H x W is cut out, offsets rounded
//    half-to-even like torchvision's CenterCrop.
//  - value = pixel (0..255) * scale, then (value - mean[c]) / std[c], c counted in the
//    model's channel order (for BGR models mean[0] is the blue mean). mean/std may hold
//    one value (all channels) or one per channel, or be empty (0 and 1).
// JPEG decoding is stb_image's, which may differ from libjpeg's by about 1 in 255 per
// pixel (different IDCT and colour-conversion rounding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "frost/frost.hpp"

namespace frost::io {

// 8-bit pixels, row-major, channels interleaved.
struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;  // 1 (grey) or 3 (RGB)
  std::vector<uint8_t> pixels;
};

// Decodes to `channels` (1 or 3) channels, converting as described above.
Status DecodeImage(const std::string& path, int channels, Image* out);
Status DecodeImageFromMemory(const void* bytes, size_t size, const std::string& name, int channels,
                             Image* out);

// Float pixels (still in 0..255), row-major, channels interleaved.
struct FloatImage {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<float> pixels;
};

// Resizes `in` to out_width x out_height with the antialiased bilinear filter above and
// returns the window [x0, x0 + window_width) x [y0, y0 + window_height) of the result
// (the whole result when the window is the full size); only the window is computed.
FloatImage ResizeBilinear(const Image& in, int out_width, int out_height, int x0, int y0,
                          int window_width, int window_height);

// How an image model input is laid out.
struct ImageInputLayout {
  bool nhwc = false;  // [N, H, W, C] (TensorFlow-style exports) instead of [N, C, H, W]
  int channels = 0;
  int height = 0;
  int width = 0;
  size_t elements() const { return static_cast<size_t>(channels) * height * width; }
};

// Reads the layout from a model input shape: [N, C, H, W] with C 1 or 3, otherwise
// [N, H, W, C] with C 1 or 3; an error names `input_name` and the shape.
Status ImageInputLayoutFromShape(const std::vector<int64_t>& shape, const std::string& input_name,
                                 ImageInputLayout* out);

// Resizes, crops and normalises `image` (whose channels must equal layout.channels) into
// `out` (layout.elements() floats, one sample). `name` names the image in errors.
Status PreprocessImage(const Image& image, const Preprocessing& preprocessing,
                       const ImageInputLayout& layout, const std::string& name, float* out);

// DecodeImage + PreprocessImage.
Status LoadImageAsInput(const std::string& path, const Preprocessing& preprocessing,
                        const ImageInputLayout& layout, float* out);

}  // namespace frost::io
