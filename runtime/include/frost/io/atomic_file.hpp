// Writing a file so that a crash or a kill at any moment leaves either the old file or the
// new one whole, never a mix: the bytes go to a temporary file in the same directory (so the
// final rename stays on one file system), which is fsync'ed and then renamed over the target.
//
//   frost::io::AtomicFile file;
//   if (auto s = frost::io::AtomicFile::Open("out.npy", &file); !s) return s;
//   if (auto s = file.Write(header.data(), header.size()); !s) return s;
//   if (auto s = file.Write(data, bytes); !s) return s;
//   return file.Commit();   // without Commit, the destructor removes the temporary file
//
// Every writer of user-visible files (npy, .frost, trained heads) should go through this.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "frost/frost.hpp"

namespace frost::io {

class AtomicFile {
 public:
  AtomicFile() = default;
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();  // removes the temporary file unless Commit() succeeded

  // Creates a temporary file next to `path` (same directory), with the permissions a plain
  // new file would get (0666 minus the umask).
  static Status Open(const std::string& path, AtomicFile* out);

  // Appends bytes (buffered); an error names the target and the system's reason.
  Status Write(const void* data, size_t size);
  // Flushes and fsyncs the temporary file without renaming it, so that it can be read back
  // at temp_path() (e.g. verified) before Commit(). After an error the file is abandoned.
  Status Sync();
  // Flushes, fsyncs, renames the temporary file over the target and fsyncs the directory.
  // After an error the temporary file is gone and the target is untouched.
  Status Commit();
  // Removes the temporary file now (what the destructor does when Commit was not reached).
  void Abandon();

  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }
  size_t bytes_written() const { return bytes_written_; }

 private:
  Status Flush();

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  size_t bytes_written_ = 0;
  std::vector<char> buffer_;
};

// The common case: the whole content is in memory.
Status WriteFileAtomically(const std::string& path, const void* data, size_t size);

}  // namespace frost::io
