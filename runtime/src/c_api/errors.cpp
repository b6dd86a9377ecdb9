// The C API's error reporting: one message per thread, status names, the version.
#include <cstring>

#include "c_api/c_api_internal.hpp"

namespace frost::c_api {
namespace {

thread_local std::string last_error;
// Set when the message itself could not be stored (no memory for it).
thread_local const char* last_error_fallback = nullptr;

}  // namespace

void ClearError() {
  last_error.clear();  // keeps the capacity, cannot throw
  last_error_fallback = nullptr;
}

int Fail(int code, const std::string& message) {
  try {
    last_error = message;
    last_error_fallback = nullptr;
  } catch (...) {
    last_error.clear();
    last_error_fallback = "out of memory (while recording an error)";
  }
  return code;
}

int Ok() {
  ClearError();
  return FROST_OK;
}

int FromStatus(const Status& status, int code) {
  return status.ok() ? Ok() : Fail(code, status.message());
}

std::nullptr_t FailNull(int code, const std::string& message) {
  Fail(code, message);
  return nullptr;
}

int NullArgument(const char* function, const char* what) {
  try {
    return Fail(FROST_ERR_INVALID_ARGUMENT, std::string(function) + ": " + what + " is NULL");
  } catch (...) {
    return Fail(FROST_ERR_INVALID_ARGUMENT, "a required argument is NULL");
  }
}

}  // namespace frost::c_api

extern "C" {

const char* frost_last_error(void) {
  using namespace frost::c_api;
  return last_error_fallback ? last_error_fallback : last_error.c_str();
}

const char* frost_status_name(int status) {
  switch (status) {
    case FROST_OK: return "ok";
    case FROST_ERR_INVALID_ARGUMENT: return "invalid argument";
    case FROST_ERR_FAILED: return "failed";
    case FROST_ERR_STATE: return "call out of order";
    case FROST_ERR_DIVERGED: return "training diverged";
    case FROST_ERR_OUT_OF_MEMORY: return "out of memory";
  }
  return "unknown status";
}

const char* frost_version(void) { return frost::Version(); }

}  // extern "C"
