// expect: json — a list of checks on the JSON body, each at `pointer` (default the root) with one of
// equals, length, contains (an element subset-matches), not_contains, type, matches (regex search in
// a string), absent, subset (common/json_match.h), each (a list of checks every element of an array
// passes, their pointers read from the element).
#include <algorithm>

#include "common/json_match.h"
#include "common/pattern.h"
#include "harness/runner/expectation.h"

namespace tc {

namespace {
constexpr const char* kKind = "json";
const std::vector<std::string> kOps = {"equals", "length", "contains", "not_contains", "type", "matches", "absent", "subset", "each"};
// The keys a check may have: one operation, and where it reads.
const std::vector<std::string> kCheckKeys = [] {
  std::vector<std::string> keys = kOps;
  keys.push_back("pointer");
  return keys;
}();
const std::vector<std::string> kTypes = {"null", "boolean", "integer", "number", "string", "array", "object"};

void read_check(const json& check, const StrictReader& r, const std::string& p);

void read(const json& spec, const StrictReader& r, const std::string& pointer) {
  r.array(spec, pointer, true);
  for (std::size_t i = 0; i < spec.size(); ++i) read_check(spec[i], r, pointer_join(pointer, i));
}

void read_check(const json& check, const StrictReader& r, const std::string& p) {
  r.object(check, p, kCheckKeys);
  std::string op;
  for (const auto& [key, arg] : check.items()) {
    const std::string kp = pointer_join(p, key);
    if (key == "pointer") {
      const std::string& s = r.string(arg, kp);
      if (!s.empty() && s[0] != '/' && !is_template(arg)) r.fail(kp, "a JSON pointer starts with '/'");
      continue;
    }
    if (!op.empty()) r.fail(kp, "a json check has one of " + op + " or " + key + ", not both");
    op = key;
    if (is_template(arg)) continue;
    if (key == "length" && !(arg.is_number_integer() && arg.get<long long>() >= 0))
      r.fail(kp, "length takes a non-negative integer");
    if (key == "type" && arg.is_array()) {  // one of several types
      if (arg.empty()) r.fail(kp, "type takes a type or a non-empty list of types");
      for (std::size_t i = 0; i < arg.size(); ++i)
        if (!is_template(arg[i])) r.one_of(r.string(arg[i], pointer_join(kp, i)), pointer_join(kp, i), kTypes);
    } else if (key == "type") {
      r.one_of(r.string(arg, kp), kp, kTypes);
    }
    if (key == "absent" && !r.boolean(arg, kp)) r.fail(kp, "absent takes true (a value that must be there: type, or equals)");
    if (key == "matches") r.regex(arg, kp);
    if (key == "each") read(arg, r, kp);  // the checks every element passes
  }
  if (op.empty()) r.fail(p, "a json check needs one of equals, length, contains, not_contains, type, matches, absent, subset, each");
}

// The brief text of each node the checks of one expectation read: several checks often read one
// node (a list's length, then what it contains).
class Briefs {
 public:
  const std::string& of(const json& node) {
    for (const auto& [at, text] : seen_)
      if (at == &node) return text;
    return seen_.emplace_back(&node, brief(node)).second;
  }

 private:
  std::vector<std::pair<const json*, std::string>> seen_;
};

Outcome check_one(const json& check, const json& body, Briefs& briefs) {
  std::string pointer = check.value("pointer", std::string());
  std::string op, where = pointer.empty() ? "(root)" : pointer;
  static const json kNone;
  const json* arg_at = &kNone;  // the check's argument, read where the spec holds it
  for (auto it = check.begin(); it != check.end(); ++it)
    if (it.key() != "pointer") op = it.key(), arg_at = &*it;
  const json& arg = *arg_at;
  const std::string desc = where + " " + op;
  const json* node = find_pointer(body, pointer);
  const std::string actual = node ? briefs.of(*node) : "(absent)";
  auto verdict = [&](bool ok, std::string expected, std::string act) {
    return ok ? passed_outcome(kKind, desc, std::move(expected), std::move(act))
              : failed_outcome(kKind, desc, std::move(expected), std::move(act));
  };
  if (op == "absent") {
    bool want_absent = arg.is_boolean() && arg.get<bool>();
    return verdict(want_absent == (node == nullptr), want_absent ? "(absent)" : "present", actual);
  }
  if (op == "equals") return verdict(node && *node == arg, brief(arg), actual);
  if (op == "subset") {
    if (!node) return verdict(false, brief(arg), actual);
    auto mismatch = subset_mismatch(arg, *node, pointer);
    return verdict(!mismatch, brief(arg), mismatch ? *mismatch + " in " + actual : actual);
  }
  if (op == "type") {
    const json types = arg.is_array() ? arg : json::array({arg});
    std::string wanted;
    bool ok = false;
    for (const auto& t : types) {
      const std::string name = t.is_string() ? t.get<std::string>() : brief(t);
      wanted += (wanted.empty() ? "" : " or ") + name;
      ok = ok || (node && is_of_type(*node, name));
    }
    return verdict(ok, wanted, node ? json_type_name(*node) + " " + actual : actual);
  }
  if (op == "length") {
    bool sized = node && (node->is_array() || node->is_object() || node->is_string());
    std::size_t n = !sized ? 0 : node->is_string() ? node->get_ref<const std::string&>().size() : node->size();
    bool ok = sized && arg.is_number_integer() && static_cast<long long>(n) == arg.get<long long>();
    return verdict(ok, "length " + brief(arg), sized ? "length " + std::to_string(n) + " " + actual : actual);
  }
  if (op == "contains" || op == "not_contains") {
    bool is_array = node && node->is_array();
    bool found = is_array && std::any_of(node->begin(), node->end(), [&](const json& e) { return !subset_mismatch(arg, e); });
    if (op == "contains") return verdict(found, "an element matching " + brief(arg), actual);
    return verdict(is_array && !found, "an array with no element matching " + brief(arg), actual);
  }
  if (op == "each") {
    if (!node || !node->is_array()) return verdict(false, "an array", actual);
    if (!arg.is_array()) return verdict(false, "a list of checks", brief(arg));
    std::string first;  // the first element that fails a check, and how
    for (std::size_t i = 0; i < node->size() && first.empty(); ++i) {
      Briefs of_element;  // one element's nodes: the memo stays as short as the list of checks
      for (const auto& inner : arg) {
        const Outcome o = check_one(inner, (*node)[i], of_element);
        if (!o.failed()) continue;
        first = "element " + std::to_string(i) + ": " + o.description + ": expected " + o.expected + ", actual " + o.actual;
        break;
      }
    }
    return verdict(first.empty(), "every element passing " + brief(arg), first.empty() ? std::to_string(node->size()) + " element(s)" : first);
  }
  if (op == "matches") {
    std::string pattern = arg.is_string() ? arg.get<std::string>() : brief(arg);
    auto re = compiled_regex(pattern);
    if (!re) return verdict(false, "a valid regular expression", pattern);
    bool ok = node && node->is_string() && std::regex_search(node->get_ref<const std::string&>(), **re);
    return verdict(ok, "a string matching /" + pattern + "/", actual);
  }
  return failed_outcome(kKind, desc, "a json check", "spec rendered to " + brief(check));
}

std::vector<Outcome> evaluate(const StepContext& c) {
  if (!c.spec.is_array()) return {failed_outcome(kKind, "", "a list of checks", brief(c.spec))};
  const json& body = c.response.body_json();
  std::vector<Outcome> out;
  out.reserve(c.spec.size());
  Briefs briefs;
  for (const auto& check : c.spec) {
    if (body.is_discarded()) {
      std::string head = c.response.body.substr(0, 120);
      out.push_back(failed_outcome(kKind, check.value("pointer", std::string("(root)")), "a JSON body",
                                   c.response.body.empty() ? "(empty body)" : "not JSON: " + as_json_string(head)));
      continue;
    }
    out.push_back(check_one(check, body, briefs));
  }
  return out;
}
}  // namespace

void register_expect_json() {
  register_expectation_kind({kKind, read});
  register_expectation_evaluator(kKind, evaluate);
}

}  // namespace tc
