#include "frost/io/image.hpp"

#include <doctest/doctest.h>
#include <stb/stb_image_write.h>

#include <cmath>

#include "test_util.hpp"

using frost::Preprocessing;
using frost::io::Image;
using frost::io::ImageInputLayout;
using frost::testing::ScratchDir;
using frost::testing::WriteBytes;

namespace {

// Writes a PNG with `channels` interleaved 8-bit channels (1 grey, 2 grey+alpha, 3, 4).
std::string WritePng(const ScratchDir& dir, const std::string& name, int w, int h, int channels,
                     const std::vector<uint8_t>& pixels) {
  const std::string path = dir.File(name);
  REQUIRE(pixels.size() == static_cast<size_t>(w * h * channels));
  REQUIRE(stbi_write_png(path.c_str(), w, h, channels, pixels.data(), w * channels) != 0);
  return path;
}

Image MakeImage(int w, int h, int channels, std::vector<uint8_t> pixels) {
  Image image;
  image.width = w;
  image.height = h;
  image.channels = channels;
  image.pixels = std::move(pixels);
  return image;
}

// Identity preprocessing: the output is the resized pixel value itself.
Preprocessing Raw() {
  Preprocessing p;
  p.scale = 1.0f;
  p.mean = {};
  p.std = {};
  return p;
}

std::vector<float> Run(const Image& image, const Preprocessing& p, ImageInputLayout layout) {
  std::vector<float> out(layout.elements(), -1.0f);
  const frost::Status s = frost::io::PreprocessImage(image, p, layout, "img.png", out.data());
  INFO(s.message());
  REQUIRE(s.ok());
  return out;
}

}  // namespace

TEST_CASE("image: PNG decoding with channel conversion") {
  ScratchDir dir("image_decode");
  // 2x1 RGBA: red half transparent, (10, 20, 30) opaque.
  const std::string rgba = WritePng(dir, "rgba.png", 2, 1, 4, {255, 0, 0, 128, 10, 20, 30, 255});
  Image image;
  REQUIRE(frost::io::DecodeImage(rgba, 3, &image));
  CHECK(image.width == 2);
  CHECK(image.height == 1);
  CHECK(image.channels == 3);
  CHECK(image.pixels == std::vector<uint8_t>{255, 0, 0, 10, 20, 30});  // alpha dropped
  // To grey: PIL's L = (19595 R + 38470 G + 7471 B + 32768) >> 16.
  REQUIRE(frost::io::DecodeImage(rgba, 1, &image));
  CHECK(image.channels == 1);
  CHECK(image.pixels == std::vector<uint8_t>{76, 18});  // 76.24 -> 76; 18.04 -> 18

  const std::string grey = WritePng(dir, "grey.png", 1, 2, 1, {7, 200});
  REQUIRE(frost::io::DecodeImage(grey, 3, &image));
  CHECK(image.pixels == std::vector<uint8_t>{7, 7, 7, 200, 200, 200});
  REQUIRE(frost::io::DecodeImage(grey, 1, &image));
  CHECK(image.pixels == std::vector<uint8_t>{7, 200});
  const std::string grey_alpha = WritePng(dir, "ga.png", 1, 1, 2, {99, 0});
  REQUIRE(frost::io::DecodeImage(grey_alpha, 3, &image));
  CHECK(image.pixels == std::vector<uint8_t>{99, 99, 99});
}

TEST_CASE("image: JPEG decoding") {
  ScratchDir dir("image_jpeg");
  std::vector<uint8_t> pixels(16 * 16 * 3);
  for (size_t i = 0; i < pixels.size(); i += 3) {
    pixels[i] = 200;
    pixels[i + 1] = 100;
    pixels[i + 2] = 50;
  }
  const std::string path = dir.File("flat.jpg");
  REQUIRE(stbi_write_jpg(path.c_str(), 16, 16, 3, pixels.data(), 100) != 0);
  Image image;
  REQUIRE(frost::io::DecodeImage(path, 3, &image));
  CHECK(image.width == 16);
  CHECK(image.height == 16);
  for (size_t i = 0; i < image.pixels.size(); ++i) {
    CHECK(std::abs(static_cast<int>(image.pixels[i]) - static_cast<int>(pixels[i])) <= 3);
  }
}

TEST_CASE("image: undecodable and missing files are errors naming the file") {
  ScratchDir dir("image_errors");
  WriteBytes(dir.File("text.png"), "this is not an image");
  Image image;
  frost::Status s = frost::io::DecodeImage(dir.File("text.png"), 3, &image);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("text.png: cannot decode image") != std::string::npos);
  WriteBytes(dir.File("empty.jpg"), "");
  s = frost::io::DecodeImage(dir.File("empty.jpg"), 3, &image);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("empty.jpg") != std::string::npos);
  s = frost::io::DecodeImage(dir.File("nope.jpg"), 3, &image);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("nope.jpg") != std::string::npos);
  // A truncated PNG.
  const std::string png = WritePng(dir, "ok.png", 8, 8, 3, std::vector<uint8_t>(192, 9));
  const std::string bytes = frost::testing::ReadText(png);
  WriteBytes(dir.File("cut.png"), bytes.substr(0, bytes.size() / 2));
  s = frost::io::DecodeImage(dir.File("cut.png"), 3, &image);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("cut.png") != std::string::npos);
}

TEST_CASE("image: bilinear resize by hand") {
  // Enlarging 2 -> 4: [a, 3/4 a + 1/4 b, 1/4 a + 3/4 b, b].
  Image row = MakeImage(2, 1, 1, {0, 100});
  frost::io::FloatImage up = frost::io::ResizeBilinear(row, 4, 1, 0, 0, 4, 1);
  CHECK(up.pixels == std::vector<float>{0, 25, 75, 100});
  // Shrinking 4 -> 2 is antialiased: the triangle is twice as wide, so output 0 (centre 1.0)
  // weighs inputs 0, 1, 2 by 3/7, 3/7, 1/7; plain bilinear would give [35, 175].
  Image four = MakeImage(4, 1, 1, {0, 70, 140, 210});
  frost::io::FloatImage down = frost::io::ResizeBilinear(four, 2, 1, 0, 0, 2, 1);
  REQUIRE(down.pixels.size() == 2);
  CHECK(down.pixels[0] == doctest::Approx(50.0));
  CHECK(down.pixels[1] == doctest::Approx(160.0));
  // Only a window of the result: the same values.
  frost::io::FloatImage second = frost::io::ResizeBilinear(four, 2, 1, 1, 0, 1, 1);
  CHECK(second.pixels[0] == doctest::Approx(160.0));
  // Same size copies exactly.
  Image rgb = MakeImage(2, 2, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  frost::io::FloatImage same = frost::io::ResizeBilinear(rgb, 2, 2, 0, 0, 2, 2);
  CHECK(same.pixels == std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  // Shrinking a constant image keeps it constant (weights are normalised).
  Image flat = MakeImage(37, 23, 3, std::vector<uint8_t>(37 * 23 * 3, 77));
  frost::io::FloatImage small = frost::io::ResizeBilinear(flat, 5, 4, 0, 0, 5, 4);
  for (float v : small.pixels) CHECK(v == doctest::Approx(77.0));
}

TEST_CASE("image: whole-image resize (crop 1) ignores the aspect ratio") {
  // 4x2 grey -> 2x2: each row shrinks 4 -> 2 as above, rows stay.
  Image image = MakeImage(4, 2, 1, {0, 70, 140, 210, 7, 7, 7, 7});
  const ImageInputLayout layout{false, 1, 2, 2};
  const std::vector<float> out = Run(image, Raw(), layout);
  CHECK(out[0] == doctest::Approx(50.0));
  CHECK(out[1] == doctest::Approx(160.0));
  CHECK(out[2] == doctest::Approx(7.0));
  CHECK(out[3] == doctest::Approx(7.0));
}

TEST_CASE("image: centre crop keeps the aspect ratio and rounds half to even") {
  // 8 wide x 4 high, value = 10 * y + x. Model 2x2, crop 0.5: cover 4x4, so the shorter
  // side (4) needs no resizing, the image stays 8x4, and the crop starts at x 3, y 1.
  std::vector<uint8_t> pixels;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 8; ++x) pixels.push_back(10 * y + x);
  Preprocessing p = Raw();
  p.crop_fraction = 0.5f;
  CHECK(Run(MakeImage(8, 4, 1, pixels), p, {false, 1, 2, 2}) == std::vector<float>{13, 14, 23, 24});
  // 7 wide: (7 - 2) / 2 = 2.5 rounds to 2, as Python's round() in torchvision's CenterCrop.
  pixels.clear();
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 7; ++x) pixels.push_back(10 * y + x);
  CHECK(Run(MakeImage(7, 4, 1, pixels), p, {false, 1, 2, 2}) == std::vector<float>{12, 13, 22, 23});
  // Portrait 4 wide x 6 high: width is the shorter side, the crop starts at y 2.
  pixels.clear();
  for (int y = 0; y < 6; ++y)
    for (int x = 0; x < 4; ++x) pixels.push_back(10 * y + x);
  CHECK(Run(MakeImage(4, 6, 1, pixels), p, {false, 1, 2, 2}) == std::vector<float>{21, 22, 31, 32});
  // Shrinking then cropping: 8x8 -> cover 4x4 (crop 0.5 of 2x2), centre 2x2 of the 4x4.
  Image big = MakeImage(8, 8, 1, std::vector<uint8_t>(64, 0));
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) big.pixels[y * 8 + x] = 8 * x;
  const std::vector<float> out = Run(big, p, {false, 1, 2, 2});
  // Full 8 -> 4 resize of a row 0, 8, .., 56, columns 1 and 2 of the result. Column 1:
  // centre 3, taps x 1..4 with weights 1/8, 3/8, 3/8, 1/8 -> 8 * 2.5 = 20; column 2: 36.
  CHECK(out[0] == doctest::Approx(20.0));
  CHECK(out[1] == doctest::Approx(36.0));
  CHECK(out[2] == doctest::Approx(20.0));
}

TEST_CASE("image: normalisation, channel order and layouts") {
  Image image = MakeImage(1, 2, 3, {10, 20, 30, 40, 50, 60});  // two pixels, one per row
  Preprocessing p;
  p.scale = 0.5f;
  p.mean = {1, 2, 3};
  p.std = {2, 4, 8};
  // NCHW: channel planes [R0 R1][G0 G1][B0 B1], value = (pixel * 0.5 - mean) / std.
  CHECK(Run(image, p, {false, 3, 2, 1}) == std::vector<float>{2, 9.5f, 2, 5.75f, 1.5f, 3.375f});
  // BGR: channel 0 is blue, and mean[0] / std[0] apply to it.
  p.bgr = true;
  CHECK(Run(image, p, {false, 3, 2, 1}) == std::vector<float>{7, 14.5f, 2, 5.75f, 0.25f, 2.125f});
  // NHWC interleaves the same values.
  p.bgr = false;
  CHECK(Run(image, p, {true, 3, 2, 1}) == std::vector<float>{2, 2, 1.5f, 9.5f, 5.75f, 3.375f});
  // One mean / std value applies to every channel; empty means none.
  p.mean = {5};
  p.std = {};
  CHECK(Run(image, p, {false, 3, 2, 1}) == std::vector<float>{0, 15, 5, 20, 10, 25});
  // The default preprocessing: ImageNet statistics on pixel / 255.
  Preprocessing imagenet;
  imagenet.mean = {0.485f, 0.456f, 0.406f};
  imagenet.std = {0.229f, 0.224f, 0.225f};
  const std::vector<float> out = Run(MakeImage(1, 1, 3, {255, 0, 128}), imagenet, {false, 3, 1, 1});
  CHECK(out[0] == doctest::Approx((1.0 - 0.485) / 0.229).epsilon(1e-6));
  CHECK(out[1] == doctest::Approx((0.0 - 0.456) / 0.224).epsilon(1e-6));
  CHECK(out[2] == doctest::Approx((128 / 255.0 - 0.406) / 0.225).epsilon(1e-6));
}

TEST_CASE("image: a grey model takes grey images") {
  ScratchDir dir("image_grey_model");
  const std::string path = WritePng(dir, "rgb.png", 1, 1, 3, {255, 0, 0});
  Preprocessing p = Raw();
  p.scale = 2.0f;
  std::vector<float> out(1);
  REQUIRE(frost::io::LoadImageAsInput(path, p, {false, 1, 1, 1}, out.data()));
  CHECK(out[0] == 152.0f);  // luma 76, times 2
}

TEST_CASE("image: input layouts from model shapes") {
  ImageInputLayout layout;
  REQUIRE(frost::io::ImageInputLayoutFromShape({1, 3, 224, 200}, "x", &layout));
  CHECK_FALSE(layout.nhwc);
  CHECK(layout.channels == 3);
  CHECK(layout.height == 224);
  CHECK(layout.width == 200);
  REQUIRE(frost::io::ImageInputLayoutFromShape({1, 32, 30, 3}, "x", &layout));
  CHECK(layout.nhwc);
  CHECK(layout.height == 32);
  CHECK(layout.width == 30);
  REQUIRE(frost::io::ImageInputLayoutFromShape({8, 1, 28, 28}, "x", &layout));
  CHECK(layout.channels == 1);
  for (const std::vector<int64_t>& bad :
       std::vector<std::vector<int64_t>>{{1, 1000}, {1, 4, 8, 8}, {1, 3, 0, 8}, {3, 32, 32}}) {
    const frost::Status s = frost::io::ImageInputLayoutFromShape(bad, "input.1", &layout);
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find("'input.1'") != std::string::npos);
  }
}

TEST_CASE("image: preprocessing errors name the image") {
  Image image = MakeImage(2, 2, 3, std::vector<uint8_t>(12, 1));
  std::vector<float> out(12);
  Preprocessing p = Raw();
  p.mean = {1, 2};
  frost::Status s = frost::io::PreprocessImage(image, p, {false, 3, 2, 2}, "cat.jpg", out.data());
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("cat.jpg: the model's preprocessing has 2 mean values") == 0);
  p = Raw();
  p.std = {1, 0, 1};
  CHECK_FALSE(frost::io::PreprocessImage(image, p, {false, 3, 2, 2}, "cat.jpg", out.data()).ok());
  p = Raw();
  p.crop_fraction = 1.5f;
  s = frost::io::PreprocessImage(image, p, {false, 3, 2, 2}, "cat.jpg", out.data());
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("crop fraction") != std::string::npos);
  p.crop_fraction = 0.0f;
  CHECK_FALSE(frost::io::PreprocessImage(image, p, {false, 3, 2, 2}, "cat.jpg", out.data()).ok());
  s = frost::io::PreprocessImage(image, Raw(), {false, 1, 2, 2}, "cat.jpg", out.data());
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("3 channel(s), the model input 1") != std::string::npos);
}
