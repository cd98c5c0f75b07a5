// The template functions: a table of name -> (argument count range, implementation). Arguments
// arrive evaluated (JSON values); an implementation returns a value or a message (the caller adds
// the location). String arguments that are not strings are used as their JSON text.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/template/template.h"

namespace tc::tmpl {

struct FunctionResult {
  json value;
  std::string error;  // non-empty: the call failed
};

struct Function {
  std::string name;
  std::size_t min_args = 0;
  std::size_t max_args = 0;
  std::string signature;  // for docs and messages, e.g. "random(n)"
  std::function<FunctionResult(const std::vector<json>& args, const TemplateContext& ctx)> call;
  bool reads_clock = false;  // its value depends on when it is called (now)
};

const std::vector<Function>& functions();
const Function* find_function(const std::string& name);

}  // namespace tc::tmpl
