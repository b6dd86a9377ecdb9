#include "frost/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

namespace frost::io {
namespace {

constexpr size_t kBufferBytes = 1 << 16;

std::string SystemError(int err) { return std::strerror(err); }

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// A name no other writer (thread or process) picks: pid + per-process counter.
std::string TempNameFor(const std::string& path, int attempt) {
  static std::atomic<unsigned> counter{0};
  return path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(attempt);
}

Status WriteAll(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Error("cannot write " + path + ": " + SystemError(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

AtomicFile::AtomicFile(AtomicFile&& other) noexcept { *this = std::move(other); }

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    Abandon();
    path_ = std::move(other.path_);
    temp_path_ = std::move(other.temp_path_);
    fd_ = std::exchange(other.fd_, -1);
    bytes_written_ = std::exchange(other.bytes_written_, 0);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

AtomicFile::~AtomicFile() { Abandon(); }

Status AtomicFile::Open(const std::string& path, AtomicFile* out) {
  if (path.empty()) return Status::Error("cannot write a file with an empty name");
  AtomicFile file;
  file.path_ = path;
  // O_EXCL with mode 0666 lets the kernel apply the umask, as for any new file; a name
  // clash (left over from a killed writer) just moves on to the next name.
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string temp = TempNameFor(path, attempt);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      file.fd_ = fd;
      file.temp_path_ = std::move(temp);
      file.buffer_.reserve(kBufferBytes);
      *out = std::move(file);
      return Status::Ok();
    }
    if (errno != EEXIST) {
      return Status::Error("cannot create " + path + " (temporary file " + temp +
                           "): " + SystemError(errno));
    }
  }
  return Status::Error("cannot create a temporary file next to " + path);
}

Status AtomicFile::Flush() {
  Status s = WriteAll(fd_, buffer_.data(), buffer_.size(), path_);
  buffer_.clear();
  return s;
}

Status AtomicFile::Write(const void* data, size_t size) {
  if (fd_ < 0) return Status::Error("cannot write " + path_ + ": the file is not open");
  const char* bytes = static_cast<const char*>(data);
  bytes_written_ += size;
  if (buffer_.size() + size <= kBufferBytes) {
    buffer_.insert(buffer_.end(), bytes, bytes + size);
    return Status::Ok();
  }
  Status s = Flush();
  if (s && size >= kBufferBytes)
    s = WriteAll(fd_, bytes, size, path_);
  else if (s)
    buffer_.insert(buffer_.end(), bytes, bytes + size);
  if (!s) Abandon();
  return s;
}

Status AtomicFile::Sync() {
  if (fd_ < 0) return Status::Error("cannot write " + path_ + ": the file is not open");
  Status s = Flush();
  if (s && ::fsync(fd_) != 0) {
    s = Status::Error("cannot write " + path_ + " to disk (fsync): " + SystemError(errno));
  }
  if (!s) Abandon();
  return s;
}

Status AtomicFile::Commit() {
  if (fd_ < 0) return Status::Error("cannot commit " + path_ + ": the file is not open");
  Status s = Flush();
  if (s && ::fsync(fd_) != 0) {
    s = Status::Error("cannot write " + path_ + " to disk (fsync): " + SystemError(errno));
  }
  if (!s) {
    Abandon();
    return s;
  }
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) {
    s = Status::Error("cannot write " + path_ + " (close): " + SystemError(errno));
  } else if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    s = Status::Error("cannot move " + temp_path_ + " to " + path_ + ": " + SystemError(errno));
  }
  if (!s) {
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
    return s;
  }
  temp_path_.clear();
  // Make the rename itself durable; a directory that cannot be opened for fsync (some
  // file systems) does not make the write fail: the file is complete either way.
  const int dir = ::open(DirectoryOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

void AtomicFile::Abandon() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  if (!temp_path_.empty()) {
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
  }
  buffer_.clear();
}

Status WriteFileAtomically(const std::string& path, const void* data, size_t size) {
  AtomicFile file;
  if (Status s = AtomicFile::Open(path, &file); !s) return s;
  if (Status s = file.Write(data, size); !s) return s;
  return file.Commit();
}

}  // namespace frost::io
