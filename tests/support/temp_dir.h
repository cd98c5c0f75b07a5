// For tests: a fresh folder under the system's temp folder, removed with all it holds when this goes.
#pragma once
#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace tc::testing {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tc-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
      throw std::system_error(errno, std::generic_category(), "cannot make a scratch folder " + tmpl);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  // Writes `text` (its bytes as they are) to <path>/<name> and returns that file's path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = path / name;
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace tc::testing
