// Templates: "{{ expr }}" in scenario strings. expr is a variable path (gateway, contract.status.ok,
// pkce.verifier, env.NAME, a capture, a matrix value) or a function call (uuid(), random(16),
// now(-60), sha256(x), base64url(x), pkce(), basic_credentials(user, pass), the crafted tokens …), with string
// and number literals as arguments. A string that is exactly one "{{ expr }}" keeps the value's
// JSON type (so `status: "{{contract.status.ok}}"` is the number 200); elsewhere values are spliced
// as text. An undefined variable or a bad call is an input error at the template's location.
#pragma once
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "harness/model/scenario.h"

namespace tc {

// Variables visible to a template: layers searched innermost first. `env.NAME` reads the process
// environment (and registers the value as a secret with the global redactor).
class Scope {
 public:
  Scope() = default;
  explicit Scope(const Scope* parent) : parent_(parent) {}
  void set(const std::string& name, json value);
  // `name` reads `value` itself, not a copy: `value` must outlive this scope (a run's profile views).
  void refer(const std::string& name, const json& value);
  // The value at a dotted path ("contract.status.ok"), nullptr when undefined.
  const json* lookup(const std::string& dotted) const;
  // The same, its segments given ({"contract", "status", "ok"}).
  const json* lookup(const std::vector<std::string>& path) const;
  bool defines(const std::string& top_name) const;

 private:
  // A variable of this layer: its value held here (set) or another's read (refer). A layer holds
  // few, so they are searched in order. A value set keeps its place when it is set again.
  struct Variable {
    std::string name;
    std::unique_ptr<json> held;
    const json* value = nullptr;
  };
  Variable* find(std::string_view name);
  const Variable* find(std::string_view name) const;
  template <class Segments>
  const json* lookup_segments(const Segments& segments) const;

  const Scope* parent_ = nullptr;
  std::vector<Variable> vars_;
  mutable std::map<std::string, json, std::less<>> env_cache_;
};

// Hooks a function may need beyond its arguments (fetching a JWKS for token_hs256_public).
struct TemplateContext {
  std::function<Result<json>(const std::string& url)> fetch_json;
};

Result<json> render(const json& node, const Scope& scope, const Loc& loc, const TemplateContext& ctx = {});
Result<std::string> render_text(const std::string& text, const Scope& scope, const Loc& loc,
                                const TemplateContext& ctx = {});
// The same for a text at `tokens` below `loc`'s pointer ({"headers", name}): the pointer is joined
// only when an error names it.
Result<std::string> render_text(const std::string& text, const Scope& scope, const Loc& loc,
                                std::initializer_list<std::string_view> tokens, const TemplateContext& ctx);

// Whether any string of `node`, a key included, holds a template: when none does, rendering it
// gives it back unchanged.
bool holds_template(const json& node);

// The first segment of every variable a template uses (function names excluded), for the loader's
// undefined-variable check; a syntax error in the template is an input error at `loc`.
Result<std::vector<std::string>> template_variables(const std::string& text, const Loc& loc);
// The same over every string of a JSON value.
Result<std::vector<std::string>> template_variables(const json& node, const Loc& loc);

// Every variable path a template uses in full ("contract.status.ok", "pk.verifier"); the loader checks
// contract paths against the profile with it. Unknown functions and wrong argument counts are input
// errors here too, so they surface at load time.
Result<std::vector<std::string>> template_paths(const std::string& text, const Loc& loc);
Result<std::vector<std::string>> template_paths(const json& node, const Loc& loc);

// (A string literal means text, not a JSON value.)
inline Result<std::vector<std::string>> template_variables(const char* text, const Loc& loc) {
  return template_variables(std::string(text), loc);
}
inline Result<std::vector<std::string>> template_paths(const char* text, const Loc& loc) {
  return template_paths(std::string(text), loc);
}

// Whether a template of `node` (a key included) calls a function that reads the clock (now), at any
// depth of its arguments; a template that does not parse says yes (its error is told when it is
// rendered).
bool template_reads_clock(const json& node);

// Names of the template functions, for docs and the schema.
std::vector<std::string> template_function_names();

}  // namespace tc
