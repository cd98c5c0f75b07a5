#include "harness/loader/variables.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>

#include "common/redact.h"
#include "harness/template/expression.h"
#include "harness/template/template.h"

namespace tc::loader {
namespace {

// Where a node is: its file, its JSON pointer and the line of the nearest node above it whose line
// is known; the node's own line is looked up only when a message names it.
struct At {
  const std::string* file;
  std::string pointer;
  int line;
};

At at(const Loc& loc) { return At{&loc.file, loc.pointer, loc.line}; }
At child(const At& parent, const std::string& token) {
  return At{parent.file, pointer_join(parent.pointer, token), parent.line};
}
At child(const Loc& loc, const std::string& token) { return child(at(loc), token); }

class Checker {
 public:
  Checker(const VariableRules& rules, const DocumentCache& cache) : rules_(rules), cache_(cache) {}

  // Checks every string (and key) of `node`, found at `where` in its file. A member or element
  // without a template has nothing to check: its location is not built.
  void check(const json& node, const At& where, const std::set<std::string>& defined) const {
    if (node.is_string()) {
      check_text(node.get_ref<const std::string&>(), where, defined);
    } else if (node.is_object()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (!tmpl::has_template(it.key()) && !holds_template(*it)) continue;
        const At key = child(where, it.key());
        check_text(it.key(), key, defined);
        check(*it, key, defined);
      }
    } else if (node.is_array()) {
      for (std::size_t i = 0; i < node.size(); ++i)
        if (holds_template(node[i])) check(node[i], child(where, std::to_string(i)), defined);
    }
  }

  void check_text(const std::string& text, const At& where, const std::set<std::string>& defined) const {
    if (!tmpl::has_template(text)) return;  // nothing to check, and no line to look up
    const Loc loc = loc_of(where);
    auto paths = template_paths(text, loc);
    if (!paths) reject(paths.error());
    for (const auto& path : *paths) {
      std::string top = path.substr(0, path.find('.'));
      auto fail = [&](const std::string& why) { reject(input_error(loc.where(), why + " in \"" + text + "\"")); };
      if (top == "contract") {
        if (rules_.contract && !contract_has(path)) fail("unknown contract value '" + path + "' (not in the profile)");
      } else if (top == "env") {
        if (path.find('.') == std::string::npos || path.find('.', 4) != std::string::npos)
          fail("'" + path + "': environment variables are written env.NAME");
        const char* value = std::getenv(path.substr(4).c_str());
        if (rules_.check_env && !value)
          fail("undefined variable '" + path + "' (environment variable " + path.substr(4) + " is not set)");
        // Masked from the start of the run, not only from the first scenario that reads it.
        if (value) global_redactor().add_secret(value);
      } else if (!defined.count(top) && !builtin_variables().count(top) && !rules_.builtins.count(top) &&
                 !rules_.endpoints.empty() &&
                 !rules_.endpoints.count(top)) {
        fail("undefined variable '" + top + "'");
      }
    }
  }

  // The node's Loc, its line looked up in the document it came from.
  Loc loc_of(const At& where) const {
    for (const auto& [key, doc] : cache_)
      if (doc.file == *where.file) return Loc{*where.file, doc.line_of(where.pointer), where.pointer};
    return Loc{*where.file, where.line, where.pointer};
  }

 private:
  bool contract_has(const std::string& path) const {
    const json* node = rules_.contract;
    std::size_t pos = path.find('.');
    while (pos != std::string::npos && node) {
      std::size_t next = path.find('.', pos + 1);
      std::string seg = path.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
      if (node->is_object()) {
        auto it = node->find(seg);
        node = it == node->end() ? nullptr : &*it;
      } else if (node->is_array() && !seg.empty() && seg.find_first_not_of("0123456789") == std::string::npos &&
                 seg.size() < 9 && std::stoul(seg) < node->size()) {
        node = &(*node)[std::stoul(seg)];
      } else {
        node = nullptr;
      }
      pos = next;
    }
    return node != nullptr;
  }

  const VariableRules& rules_;
  const DocumentCache& cache_;
};

// Finds a cycle among the variables of one block (a value naming a sibling depends on it).
void check_cycles(const Checker& c, const json& block, const At& where) {
  const Loc loc = c.loc_of(where);
  std::map<std::string, std::vector<std::string>> deps;
  for (const auto& [name, value] : block.items()) {
    auto vars = template_variables(value, loc);
    if (!vars) reject(vars.error());
    for (const auto& v : *vars)
      if (block.contains(v)) deps[name].push_back(v);
  }
  std::map<std::string, int> state;  // 0 unvisited, 1 on the path, 2 done
  std::vector<std::string> path;
  std::function<void(const std::string&)> visit = [&](const std::string& n) {
    state[n] = 1;
    path.push_back(n);
    for (const auto& d : deps[n]) {
      if (state[d] == 1) {
        std::string cycle;
        for (auto it = std::find(path.begin(), path.end(), d); it != path.end(); ++it) cycle += *it + " -> ";
        reject(input_error(c.loc_of(child(where, d)).where(), "variables use each other: " + cycle + d));
      }
      if (state[d] == 0) visit(d);
    }
    path.pop_back();
    state[n] = 2;
  };
  for (const auto& [name, value] : block.items())
    if (state[name] == 0) visit(name);
}

// A vars block: its values see `defined` and their siblings (without cycles).
void check_block(const Checker& c, const json& block, const At& where, const std::set<std::string>& defined) {
  if (block.empty()) return;
  std::set<std::string> visible = defined;
  for (const auto& [k, v] : block.items()) visible.insert(k);
  c.check(block, where, visible);
  check_cycles(c, block, where);
}

std::set<std::string> keys_of(const json& obj) {
  std::set<std::string> out;
  if (obj.is_object())
    for (const auto& [k, v] : obj.items()) out.insert(k);
  return out;
}

}  // namespace

const std::set<std::string>& builtin_variables() {
  static const std::set<std::string> names{"run_id", "correlation_id", "env", "contract", "endpoints"};
  return names;
}

void check_variables(const Scenario& s, const json& file_vars, const Loc& file_vars_loc, const VariableRules& rules,
                     const DocumentCache& cache) {
  Checker c(rules, cache);
  std::set<std::string> defined;
  check_block(c, file_vars, at(file_vars_loc), defined);
  for (const auto& k : keys_of(file_vars)) defined.insert(k);
  if (!s.matrix.empty())
    for (const auto& k : keys_of(s.matrix.front())) defined.insert(k);
  check_block(c, s.vars, child(s.loc, "vars"), defined);
  for (const auto& k : keys_of(s.vars)) defined.insert(k);
  for (const auto& step : s.steps) {
    // Included steps carry their step file's locations; their pointers are relative to that file.
    if (!step.repeat.is_null()) c.check(step.repeat, child(step.loc, "repeat"), defined);  // before the step's vars
    check_block(c, step.vars, child(step.loc, "vars"), defined);
    std::set<std::string> in_step = defined;
    for (const auto& k : keys_of(step.vars)) in_step.insert(k);
    c.check(json(step.name), child(step.loc, "name"), in_step);  // rendered before the request
    const RequestSpec& r = step.request;
    c.check(json(r.method), child(r.loc, "method"), in_step);
    c.check(json(r.url), child(r.loc, "url"), in_step);
    for (auto [key, list] : {std::pair{"headers", &r.headers}, std::pair{"query", &r.query}, std::pair{"form", &r.form},
                             std::pair{"hosts", &r.hosts}}) {
      const At base = child(r.loc, key);
      for (const auto& [name, value] : *list) {
        c.check(json(name), base, in_step);
        c.check(json(value), child(base, name), in_step);
      }
    }
    if (r.json_body) c.check(*r.json_body, child(r.loc, "json"), in_step);
    if (r.body) c.check(json(*r.body), child(r.loc, "body"), in_step);
    if (!r.source_address.empty()) c.check(json(r.source_address), child(r.loc, "source_address"), in_step);
    for (const auto& cap : step.captures) {
      c.check(json(cap.expr), at(cap.loc), in_step);
      c.check(json(cap.from), at(cap.loc), in_step);
    }
    for (const auto& e : step.expectations) c.check(e.spec, at(e.loc), in_step);
    for (const auto& cap : step.captures) defined.insert(cap.name);
  }
}

bool is_identifier(const std::string& name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

void check_identifier(const StrictReader& r, const std::string& name, const std::string& pointer,
                      const std::string& what) {
  if (!is_identifier(name))
    r.fail(pointer, what + " '" + name + "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
  if (builtin_variables().count(name)) r.fail(pointer, what + " '" + name + "' would hide the built-in variable of that name");
}

json read_vars(const StrictReader& r, const json& node, const std::string& pointer) {
  r.map(node, pointer);
  for (const auto& [name, value] : node.items()) check_identifier(r, name, pointer_join(pointer, name), "variable");
  return node;
}

}  // namespace tc::loader
