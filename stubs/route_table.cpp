#include "stubs/route_table.h"

#include "common/encoding.h"

namespace tc::stub {
namespace {

// The '/'-separated segments of a path, one at a time, without copying: "" yields one empty segment,
// "/a/" yields "", "a", "".
class Segments {
 public:
  explicit Segments(std::string_view path) : rest_(path) {}
  // The next segment, or nullopt after the last.
  std::optional<std::string_view> next() {
    if (done_) return std::nullopt;
    const auto slash = rest_.find('/');
    if (slash == std::string_view::npos) {
      done_ = true;
      return rest_;
    }
    auto segment = rest_.substr(0, slash);
    rest_.remove_prefix(slash + 1);
    return segment;
  }

 private:
  std::string_view rest_;
  bool done_ = false;
};

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::string_view param_name(std::string_view segment) { return segment.substr(1, segment.size() - 2); }

}  // namespace

std::optional<PathParams> fit_path(const std::string& templ, const std::string& path) {
  Segments t(templ), p(path);
  PathParams params;
  while (true) {
    auto ts = t.next();
    auto ps = p.next();
    if (!ts || !ps) {
      if (ts || ps) return std::nullopt;  // one has more segments than the other
      return params;
    }
    if (is_param(*ts)) {
      if (ps->empty()) return std::nullopt;
      params[std::string(param_name(*ts))] = std::string(*ps);
    } else if (*ts != *ps) {
      return std::nullopt;
    }
  }
}

std::string fill_path(const std::string& templ, const PathParams& params) {
  std::string out;
  out.reserve(templ.size());
  bool first = true;
  Segments t(templ);
  while (auto segment = t.next()) {
    if (!first) out += '/';
    first = false;
    if (is_param(*segment)) {
      auto it = params.find(std::string(param_name(*segment)));
      if (it == params.end()) out += *segment;
      else out += url_encode(it->second);
    } else {
      out += *segment;
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
