// JPEG decoding with libjpeg-turbo, the decoder PIL uses, with PIL's settings (integer
// slow DCT, fancy upsampling): frost's pixels are then the very pixels torchvision
// pipelines see, so accuracies match to the image. (stb_image's JPEG decoder differs by
// up to 3 levels per pixel, enough to move CIFAR-10 top-1 by 0.05 points.)
#include <csetjmp>
#include <cstddef>
#include <cstdio>

#include <jpeglib.h>  // needs size_t and FILE declared first

#include "io/jpeg_decode.hpp"

namespace frost::io {
namespace {

struct ErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void OnError(j_common_ptr info) {
  auto* err = reinterpret_cast<ErrorManager*>(info->err);
  info->err->format_message(info, err->message);
  std::longjmp(err->jump, 1);
}

void OnMessage(j_common_ptr, int) {}  // warnings are not worth a line on stderr

}  // namespace

bool LooksLikeJpeg(const void* bytes, size_t size) {
  const auto* b = static_cast<const uint8_t*>(bytes);
  return size >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
}

Status DecodeJpeg(const void* bytes, size_t size, const std::string& name, Image* out) {
  jpeg_decompress_struct info;
  ErrorManager err;
  info.err = jpeg_std_error(&err.base);
  err.base.error_exit = OnError;
  err.base.emit_message = OnMessage;
  // Everything the longjmp may skip over is plain data owned by `info` or `out`.
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&info);
    return Status::Error(name + ": cannot decode JPEG (" + err.message + ")");
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, static_cast<const unsigned char*>(bytes), static_cast<unsigned long>(size));
  jpeg_read_header(&info, TRUE);
  if (info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) {
    jpeg_destroy_decompress(&info);
    return Status::Error(name + ": CMYK JPEGs are not supported; convert the image to RGB");
  }
  const int channels = info.jpeg_color_space == JCS_GRAYSCALE ? 1 : 3;
  info.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  info.dct_method = JDCT_ISLOW;
  info.do_fancy_upsampling = TRUE;
  jpeg_start_decompress(&info);
  out->width = int(info.output_width);
  out->height = int(info.output_height);
  out->channels = channels;
  size_t row_bytes = size_t(info.output_width) * size_t(info.output_components);
  out->pixels.assign(row_bytes * info.output_height, 0);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = out->pixels.data() + size_t(info.output_scanline) * row_bytes;
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return Status::Ok();
}

}  // namespace frost::io
