#include "common/status.h"

#include "common/exit_codes.h"

namespace tc {

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage:
    case ErrorKind::input: return kExitInput;
    case ErrorKind::environment: return kExitEnvironment;
    case ErrorKind::internal: return kExitInternal;
  }
  return kExitInternal;
}

std::string Where::to_string() const {
  std::string out;
  auto add = [&out](const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out += ": ";
    out += part;
  };
  if (!file.empty()) add(line > 0 ? file + ":" + std::to_string(line) : file);
  add(pointer);
  if (!component.empty()) add("component '" + component + "'");
  if (!flag.empty()) add("flag " + flag);
  return out;
}

std::string Error::to_string() const {
  std::string w = where.to_string();
  return w.empty() ? message : w + ": " + message;
}

}  // namespace tc
