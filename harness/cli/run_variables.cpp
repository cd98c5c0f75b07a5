#include "harness/cli/run_variables.h"

#include <regex>

#include "common/redact.h"

namespace tc::cli {

namespace {

Result<Unit> check_name(const std::string& name, const std::string& flag, const std::set<std::string>& taken) {
  static const std::regex identifier("[A-Za-z_][A-Za-z0-9_]*");
  if (!std::regex_match(name, identifier))
    return usage_error(flag, "'" + name + "' is not a variable name ([A-Za-z_][A-Za-z0-9_]*)");
  if (taken.count(name))
    return usage_error(flag, "'" + name + "' is already a variable of every run (a built-in or a component name)");
  return Unit{};
}

}  // namespace

void RunVariables::add_options(CLI::App* command) {
  command->add_option("--var", vars, "NAME=VALUE: a variable {{NAME}} of every scenario, shown as given (repeatable)")
      ->allow_extra_args(false);
  command->add_option("--vars", files, "A YAML or JSON map of such variables (repeatable)")->allow_extra_args(false);
  command->add_option("--secret", secrets, "NAME=VALUE: like --var, but «redacted» in every output (repeatable)")
      ->allow_extra_args(false);
}

std::vector<std::string> RunVariables::as_flags() const {
  std::vector<std::string> out;
  for (const auto& f : files) out.insert(out.end(), {"--vars", f});
  for (const auto& v : vars) out.insert(out.end(), {"--var", v});
  for (const auto& s : secrets) out.insert(out.end(), {"--secret", s});
  return out;
}

Result<json> RunVariables::resolve(const std::set<std::string>& taken) const {
  json out = json::object();
  for (const auto& file : files) {
    auto doc = load_document(file);
    if (!doc) return doc.error();
    if (!doc->value.is_object()) return input_error(doc->where(""), "a variables file is a map of names to values");
    for (const auto& [name, value] : doc->value.items()) {
      if (auto ok = check_name(name, "--vars", taken); !ok) {
        Error e = ok.error();
        e.kind = ErrorKind::input;
        e.where = doc->where(pointer_join("", name));
        return e;
      }
      out[name] = value;
    }
  }
  for (const auto* list : {&vars, &secrets}) {
    const std::string flag = list == &vars ? "--var" : "--secret";
    for (const auto& entry : *list) {
      const auto eq = entry.find('=');
      if (eq == std::string::npos)  // a secret's text is not echoed
        return usage_error(flag, (list == &vars ? "'" + entry + "'" : std::string("a value")) + " is not NAME=VALUE");
      const std::string name = entry.substr(0, eq), value = entry.substr(eq + 1);
      if (auto ok = check_name(name, flag, taken); !ok) return ok.error();
      if (list == &secrets) global_redactor().add_secret(value);
      out[name] = value;
    }
  }
  return out;
}

}  // namespace tc::cli
