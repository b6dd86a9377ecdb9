#include "xnn_util.hpp"

#include <mutex>

namespace frost {

Status XnnInitialize() {
  static std::once_flag once;
  static xnn_status status = xnn_status_success;
  std::call_once(once, [] { status = xnn_initialize(/*allocator=*/nullptr); });
  return XnnStatus(status, "xnn_initialize");
}

Status XnnStatus(xnn_status status, const std::string& what) {
  const char* text = nullptr;
  switch (status) {
    case xnn_status_success:
      return Status::Ok();
    case xnn_status_uninitialized:
      text = "XNNPACK is not initialised";
      break;
    case xnn_status_invalid_parameter:
      text = "invalid parameter";
      break;
    case xnn_status_invalid_state:
      text = "invalid state";
      break;
    case xnn_status_unsupported_parameter:
      text = "unsupported parameter";
      break;
    case xnn_status_unsupported_hardware:
      text = "unsupported hardware (CPU lacks SSE2?)";
      break;
    case xnn_status_out_of_memory:
      text = "out of memory";
      break;
  }
  if (text == nullptr) return Status::Error(what + ": XNNPACK status " + std::to_string(status));
  return Status::Error(what + ": XNNPACK: " + text);
}

bool XnnRejected(xnn_status status) {
  return status == xnn_status_invalid_parameter || status == xnn_status_unsupported_parameter ||
         status == xnn_status_unsupported_hardware;
}

}  // namespace frost
