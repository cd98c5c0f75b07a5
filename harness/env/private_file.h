// A secret handed to a child process as a file only this user can read (mode 0600, created in the
// temporary folder with a random name) and removed when dropped: never in argv, never in a report.
#pragma once
#include <memory>
#include <string>

#include "common/status.h"

namespace tc {

class PrivateFile {
 public:
  // An environment error when the temporary folder cannot take the file.
  static Result<std::unique_ptr<PrivateFile>> write(const std::string& content);
  ~PrivateFile();
  PrivateFile(const PrivateFile&) = delete;
  PrivateFile& operator=(const PrivateFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  explicit PrivateFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace tc
