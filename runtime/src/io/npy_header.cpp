#include "io/npy_header.hpp"

#include <cctype>
#include <limits>

namespace frost::io {
namespace {

// A tiny recursive-descent reader for the subset of Python literals NumPy writes:
// a dict of quoted keys whose values are a quoted string, True/False, or a tuple of ints.
class DictReader {
 public:
  DictReader(const std::string& text, const std::string& name) : text_(text), name_(name) {}

  Status Read(NpyHeaderFields* out) {
    bool have_descr = false, have_order = false, have_shape = false;
    if (!Consume('{')) return Error("expected '{'");
    while (true) {
      if (Consume('}')) break;
      std::string key;
      if (Status s = ReadString(&key); !s) return s;
      if (!Consume(':')) return Error("expected ':' after '" + key + "'");
      if (key == "descr") {
        SkipSpace();
        if (pos_ < text_.size() && text_[pos_] == '[') {
          return Status::Error(name_ + ": structured dtypes are not supported");
        }
        if (Status s = ReadString(&out->descr); !s) return s;
        have_descr = true;
      } else if (key == "fortran_order") {
        if (Status s = ReadBool(&out->fortran_order); !s) return s;
        have_order = true;
      } else if (key == "shape") {
        if (Status s = ReadShape(&out->shape); !s) return s;
        have_shape = true;
      } else {
        return Error("unexpected key '" + key + "'");
      }
      if (!Consume(',')) {
        if (Consume('}')) break;
        return Error("expected ',' or '}'");
      }
    }
    if (!have_descr || !have_order || !have_shape) {
      return Error(std::string("missing key '") +
                   (!have_descr   ? "descr"
                    : !have_order ? "fortran_order"
                                  : "shape") +
                   "'");
    }
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text after the dict");
    return Status::Ok();
  }

 private:
  Status Error(const std::string& what) const {
    return Status::Error(name_ + ": malformed .npy header (" + what + " at character " +
                         std::to_string(pos_) + ")");
  }

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  Status ReadString(std::string* out) {
    SkipSpace();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
      return Error("expected a quoted string");
    }
    const char quote = text_[pos_++];
    const size_t end = text_.find(quote, pos_);
    if (end == std::string::npos) return Error("unterminated string");
    *out = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return Status::Ok();
  }

  Status ReadBool(bool* out) {
    SkipSpace();
    if (text_.compare(pos_, 4, "True") == 0) {
      pos_ += 4;
      *out = true;
    } else if (text_.compare(pos_, 5, "False") == 0) {
      pos_ += 5;
      *out = false;
    } else {
      return Error("expected True or False");
    }
    return Status::Ok();
  }

  Status ReadShape(std::vector<int64_t>* out) {
    out->clear();
    if (!Consume('(')) return Error("expected '(' for the shape");
    while (!Consume(')')) {
      SkipSpace();
      if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
        return Error("expected a non-negative integer in the shape");
      }
      int64_t value = 0;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
        if (value > (std::numeric_limits<int64_t>::max() - 9) / 10) {
          return Error("dimension too large");
        }
        value = value * 10 + (text_[pos_++] - '0');
      }
      if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2 long suffix
      out->push_back(value);
      if (!Consume(',')) {
        if (Consume(')')) break;
        return Error("expected ',' or ')' in the shape");
      }
    }
    return Status::Ok();
  }

  const std::string& text_;
  const std::string& name_;
  size_t pos_ = 0;
};

}  // namespace

Status ParseNpyHeaderDict(const std::string& header, const std::string& name,
                          NpyHeaderFields* out) {
  return DictReader(header, name).Read(out);
}

}  // namespace frost::io
