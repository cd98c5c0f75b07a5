#include "stubs/route_table.h"

#include "common/encoding.h"

namespace tc::stub {
namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::optional<PathParams> fit_path(const std::string& templ, const std::string& path) {
  auto t = segments(templ);
  auto p = segments(path);
  if (t.size() != p.size()) return std::nullopt;
  PathParams params;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (is_param(t[i])) {
      if (p[i].empty()) return std::nullopt;
      params[t[i].substr(1, t[i].size() - 2)] = p[i];
    } else if (t[i] != p[i]) {
      return std::nullopt;
    }
  }
  return params;
}

std::string fill_path(const std::string& templ, const PathParams& params) {
  std::string out;
  bool first = true;
  for (const auto& segment : segments(templ)) {
    if (!first) out += '/';
    first = false;
    if (is_param(segment)) {
      auto it = params.find(segment.substr(1, segment.size() - 2));
      out += it == params.end() ? segment : url_encode(it->second);
    } else {
      out += segment;
    }
  }
  return out;
}

std::vector<std::string> params_in_order(const std::string& templ, const PathParams& params) {
  std::vector<std::string> values;
  for (std::size_t at = templ.find('{'); at != std::string::npos; at = templ.find('{', at + 1)) {
    const auto end = templ.find('}', at);
    if (end == std::string::npos) break;
    if (auto it = params.find(templ.substr(at + 1, end - at - 1)); it != params.end()) values.push_back(it->second);
  }
  return values;
}

}  // namespace tc::stub
