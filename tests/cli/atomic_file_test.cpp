#include "frost/io/atomic_file.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>

#include "test_util.hpp"

using frost::io::AtomicFile;
using frost::testing::ReadText;
using frost::testing::ScratchDir;
using frost::testing::WriteBytes;

TEST_CASE("atomic file: replaces the target only on commit, leaving no temporary file") {
  ScratchDir dir("atomic_commit");
  const std::string path = dir.File("out.bin");
  WriteBytes(path, "old");
  {
    AtomicFile file;
    REQUIRE(AtomicFile::Open(path, &file));
    CHECK(file.temp_path() != path);
    CHECK(std::filesystem::path(file.temp_path()).parent_path() ==
          std::filesystem::path(path).parent_path());
    REQUIRE(file.Write("new ", 4));
    std::string big(200000, 'x');  // larger than the write buffer
    REQUIRE(file.Write(big.data(), big.size()));
    CHECK(ReadText(path) == "old");  // nothing visible before Commit
    REQUIRE(file.Commit());
    CHECK(file.bytes_written() == 200004);
  }
  const std::string content = ReadText(path);
  CHECK(content.size() == 200004);
  CHECK(content.substr(0, 5) == "new x");
  CHECK(dir.Entries() == std::vector<std::string>{"out.bin"});
}

TEST_CASE("atomic file: an abandoned write leaves the old file whole") {
  ScratchDir dir("atomic_abandon");
  const std::string path = dir.File("out.bin");
  WriteBytes(path, "old");
  {
    AtomicFile file;
    REQUIRE(AtomicFile::Open(path, &file));
    REQUIRE(file.Write("partial", 7));
    CHECK(dir.Entries().size() == 2);  // target + temporary
  }                                    // destroyed without Commit: as if the writer failed half way
  CHECK(ReadText(path) == "old");
  CHECK(dir.Entries() == std::vector<std::string>{"out.bin"});

  AtomicFile moved;
  {
    AtomicFile file;
    REQUIRE(AtomicFile::Open(path, &file));
    moved = std::move(file);
  }
  CHECK(moved.is_open());
  REQUIRE(moved.Write("moved", 5));
  REQUIRE(moved.Commit());
  CHECK(ReadText(path) == "moved");
  CHECK_FALSE(moved.Commit().ok());  // a second commit is an error, not a crash
}

TEST_CASE("atomic file: permissions are those of a plain new file") {
  ScratchDir dir("atomic_mode");
  const mode_t old_mask = umask(022);
  REQUIRE(frost::io::WriteFileAtomically(dir.File("f"), "abc", 3));
  umask(old_mask);
  struct stat st;
  REQUIRE(stat(dir.File("f").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
  CHECK(ReadText(dir.File("f")) == "abc");
}

TEST_CASE("atomic file: errors name the path") {
  ScratchDir dir("atomic_errors");
  frost::Status s = frost::io::WriteFileAtomically(dir.File("missing_dir/f"), "abc", 3);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("missing_dir/f") != std::string::npos);
  // The target is a directory: the rename fails, the temporary file is removed.
  std::filesystem::create_directory(dir.File("a_dir"));
  WriteBytes(dir.File("a_dir/inside"), "x");
  s = frost::io::WriteFileAtomically(dir.File("a_dir"), "abc", 3);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("a_dir") != std::string::npos);
  CHECK(dir.Entries() == std::vector<std::string>{"a_dir"});
  CHECK_FALSE(frost::io::WriteFileAtomically("", "abc", 3).ok());
}
