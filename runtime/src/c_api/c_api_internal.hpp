// Shared by the C API's files: the handles behind the opaque C types, the thread-local error
// message, and Guard, which turns a C++ body (Status or exception) into a C status code.
#pragma once

#include <memory>
#include <new>
#include <string>

#include "frost/finetune.hpp"
#include "frost/frost.h"
#include "frost/frost.hpp"

struct frost_model {
  std::shared_ptr<const frost::Model> model;
  std::string feature_tensor;  // cached: Model::feature_tensor() returns a temporary
};

struct frost_session {
  std::shared_ptr<const frost::Model> model;  // keeps the model alive after frost_model_free
  std::unique_ptr<frost::Session> session;
};

struct frost_finetuner {
  std::shared_ptr<const frost::Model> backbone;
  std::unique_ptr<frost::FineTuner> tuner;
};

namespace frost::c_api {

// Records `message` as this thread's last error and returns `code`.
int Fail(int code, const std::string& message);
// Clears the last error and returns FROST_OK.
int Ok();
// FROST_OK for an ok status, else Fail(code, its message).
int FromStatus(const Status& status, int code = FROST_ERR_FAILED);
// Sets the message for a call that returns a pointer; always returns nullptr.
std::nullptr_t FailNull(int code, const std::string& message);
void ClearError();

// Runs `body` (returning a C status), mapping any exception to an error status: no exception
// ever crosses the C boundary.
template <typename Body>
int Guard(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(FROST_ERR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return Fail(FROST_ERR_FAILED, std::string("internal error: ") + e.what());
  } catch (...) {
    return Fail(FROST_ERR_FAILED, "internal error (unknown exception)");
  }
}

// Guard for calls returning a pointer: nullptr on any exception.
template <typename Body>
auto GuardPtr(Body&& body) noexcept -> decltype(body()) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return FailNull(FROST_ERR_OUT_OF_MEMORY, "out of memory");
  } catch (...) {
    return FailNull(FROST_ERR_FAILED, "internal error");
  }
}

// "<function>: <what> is NULL" as FROST_ERR_INVALID_ARGUMENT.
int NullArgument(const char* function, const char* what);

// Floats one sample of the model's input 0 has (its shape without the batch dimension).
inline size_t InputSampleElements(const Model& model) {
  if (model.inputs().empty()) return 0;
  size_t n = 1;
  const auto& shape = model.inputs()[0].shape;
  for (size_t d = 1; d < shape.size(); ++d) n *= shape[d] > 0 ? size_t(shape[d]) : 0;
  return n;
}

}  // namespace frost::c_api
