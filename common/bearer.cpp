#include "common/bearer.h"

#include "common/headers.h"

namespace tc {

std::optional<std::string> credential_of(std::string_view authorization, std::string_view scheme) {
  const std::string value = trim(authorization);
  if (value.size() <= scheme.size() || !iequals(std::string_view(value).substr(0, scheme.size()), scheme) ||
      value[scheme.size()] != ' ')
    return std::nullopt;
  std::string credential = trim(std::string_view(value).substr(scheme.size() + 1));
  if (credential.empty()) return std::nullopt;
  return credential;
}

std::string challenge(std::string_view scheme, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out(scheme);
  const char* separator = " ";
  for (const auto& [name, value] : params) {
    out += separator;
    out += name + "=\"";
    for (char c : std::string_view(value).substr(0, 200))
      out += (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) ? '\'' : c;
    out += '"';
    separator = ", ";
  }
  return out;
}

}  // namespace tc
