#include "stubs/http_server.h"

#include "common/encoding.h"

namespace tc::stub {

namespace {

std::multimap<std::string, std::string> decode_pairs(std::string_view text) {
  std::multimap<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view pair = text.substr(start, end - start);
    if (!pair.empty()) {
      std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos)
        out.emplace(url_decode(pair), "");
      else
        out.emplace(url_decode(pair.substr(0, eq)), url_decode(pair.substr(eq + 1)));
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

void Request::set_target(std::string_view raw) {
  target = std::string(raw);
  const std::size_t q = raw.find('?');
  path = percent_decode(raw.substr(0, q));  // unlike a form, a path keeps its '+'
  query.clear();
  if (q != std::string_view::npos) query = decode_pairs(raw.substr(q + 1));
}

std::optional<std::string> Request::query_param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::multimap<std::string, std::string> Request::form() const { return decode_pairs(body); }

}  // namespace tc::stub
