// The one place that talks to XNNPACK's library-level API: initialisation, status mapping
// and an owning handle for operators.
#pragma once

#include <xnnpack.h>

#include "frost/frost.hpp"

namespace frost {

// Initialises XNNPACK once per process (thread-safe); later calls return the first result.
Status XnnInitialize();

// Maps an xnn_status to a Status; `what` names the operation (e.g. "op 3 'conv1' setup").
Status XnnStatus(xnn_status status, const std::string& what);

// True for the statuses XNNPACK returns when it does not support the parameters it was given
// (as opposed to running out of memory): the caller then uses the reference kernel instead.
bool XnnRejected(xnn_status status);

// Owns an xnn_operator_t.
class XnnOperator {
 public:
  XnnOperator() = default;
  XnnOperator(const XnnOperator&) = delete;
  XnnOperator& operator=(const XnnOperator&) = delete;
  XnnOperator(XnnOperator&& other) noexcept : op_(other.op_) { other.op_ = nullptr; }
  XnnOperator& operator=(XnnOperator&& other) noexcept {
    if (this != &other) {
      reset();
      op_ = other.op_;
      other.op_ = nullptr;
    }
    return *this;
  }
  ~XnnOperator() { reset(); }
  void reset() {
    if (op_) xnn_delete_operator(op_);
    op_ = nullptr;
  }
  xnn_operator_t get() const { return op_; }
  xnn_operator_t* put() {
    reset();
    return &op_;
  }
  explicit operator bool() const { return op_ != nullptr; }

 private:
  xnn_operator_t op_ = nullptr;
};

}  // namespace frost
