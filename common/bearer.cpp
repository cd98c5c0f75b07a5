#include "common/bearer.h"

#include "common/headers.h"

#include <cctype>

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

namespace {

// RFC 9110 §5.6.2 tchar.
bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

std::vector<std::string> challenge_schemes(std::string_view value) {
  std::vector<std::string> out;
  bool element_start = true;  // at the start of a list element: a new challenge or an auth-param
  std::size_t i = 0;
  while (i < value.size()) {
    const char c = value[i];
    if (c == ',') {
      element_start = true;
      ++i;
    } else if (c == ' ' || c == '\t') {
      ++i;
    } else if (c == '"') {  // a quoted string, backslash escapes included
      for (++i; i < value.size() && value[i] != '"'; ++i)
        if (value[i] == '\\') ++i;
      ++i;
      element_start = false;
    } else if (element_start && is_tchar(c)) {
      const std::size_t start = i;
      while (i < value.size() && is_tchar(value[i])) ++i;
      std::size_t next = i;
      while (next < value.size() && (value[next] == ' ' || value[next] == '\t')) ++next;
      // "name=" is an auth-param of the challenge before; a token alone or before a space is a scheme.
      if (next >= value.size() || value[next] != '=') out.emplace_back(value.substr(start, i - start));
      element_start = false;
    } else {
      element_start = false;
      ++i;
    }
  }
  return out;
}

std::string scheme_to_answer(const std::vector<std::string>& fields, std::string_view wanted) {
  std::vector<std::string> schemes;
  for (const auto& field : fields)
    for (auto& s : challenge_schemes(field)) schemes.push_back(std::move(s));
  for (const auto& s : schemes)
    if (iequals(s, wanted)) return std::string(wanted);
  return schemes.empty() ? "" : schemes.front();
}

}  // namespace tc
