#include "harness/cli/project_paths.h"

#include <filesystem>

#include "common/headers.h"

namespace fs = std::filesystem;

namespace tc::cli {

std::string project_home() {
  std::error_code ec;
  if (fs::is_directory("scenarios", ec)) return fs::current_path(ec).string();
  return TC_DEFAULT_HOME;
}

std::vector<std::string> scenario_paths_or_default(const std::vector<std::string>& given) {
  if (!given.empty()) return given;
  return {(fs::path(project_home()) / "scenarios").string()};
}

std::string path_or_default(const std::string& given, const std::string& relative) {
  if (!given.empty()) return given;
  return (fs::path(project_home()) / relative).string();
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = trim(text.substr(start, end - start));
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

}  // namespace tc::cli
