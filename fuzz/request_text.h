// A fuzz input read as an HTTP/1.1 request in text ("METHOD TARGET\nName: value\n...\n\nbody"), so
// that the seed corpus is readable and libFuzzer's mutations stay close to real requests. Lenient:
// any bytes give some Request (a missing target is "/", a header line without ':' is skipped).
#pragma once
#include <string_view>

#include "stubs/http_server.h"

namespace tc::fuzz {

inline std::string_view next_line(std::string_view& rest) {
  const std::size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

inline stub::Request request_from_text(std::string_view text) {
  stub::Request r;
  std::string_view rest = text;
  std::string_view first = next_line(rest);
  const std::size_t sp = first.find(' ');
  r.method = std::string(first.substr(0, sp));
  std::string_view target = sp == std::string_view::npos ? std::string_view("/") : first.substr(sp + 1);
  if (const std::size_t v = target.find(' '); v != std::string_view::npos) target = target.substr(0, v);
  r.set_target(target);
  while (!rest.empty()) {
    std::string_view line = next_line(rest);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    r.headers.add(std::string(line.substr(0, colon)), std::string(value));
  }
  r.body = std::string(rest);
  r.remote = "127.0.0.1";
  return r;
}

}  // namespace tc::fuzz
