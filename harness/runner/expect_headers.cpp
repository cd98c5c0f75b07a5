// expect: headers — name (any letter case) -> a string (all values joined with ", " equal it), one
// of {equals, matches (regex search in the joined values), contains (one value equals), not_contains
// (no value equals), has_tokens (the field's list elements include each element of the given list,
// letter case aside, as for field names and cache directives), present, absent, count}, or a list
// of those. The same checks serve every kind
// that checks a header list (received: what a backend's echo says it received).
#include <algorithm>

#include "common/headers.h"
#include "common/json_text.h"
#include "common/pattern.h"
#include "common/text.h"
#include "harness/runner/expectation.h"

namespace tc {

namespace {
constexpr const char* kHeadersKind = "headers";
const std::vector<std::string> kOps = {"equals", "matches", "contains", "not_contains", "has_tokens", "present", "absent", "count"};

void read_check(const json& check, const StrictReader& r, const std::string& p) {
  if (check.is_string() || check.is_number()) return;
  if (check.is_array() && !check.empty()) {
    for (std::size_t i = 0; i < check.size(); ++i) {
      if (check[i].is_array()) r.fail(pointer_join(p, i), "a list of header checks holds checks, not lists");
      read_check(check[i], r, pointer_join(p, i));
    }
    return;
  }
  if (!check.is_object() || check.size() != 1)
    r.fail(p, "a header check is a string, a map with one of equals, matches, contains, not_contains, has_tokens, "
              "present, absent, count, or a list of those");
  r.object(check, p, kOps);
  const std::string op = check.begin().key();
  const json& arg = check.begin().value();
  const std::string ap = pointer_join(p, op);
  if (is_template(arg)) return;
  if ((op == "equals" || op == "contains" || op == "not_contains") && !arg.is_string() && !arg.is_number())
    r.fail(ap, op + " takes a string");
  if (op == "has_tokens" && (!arg.is_string() || trim(arg.get<std::string>()).empty()))
    r.fail(ap, "has_tokens takes a non-empty list of tokens (\"a, b\")");
  if (op == "matches") r.regex(arg, ap);
  if (op == "present" || op == "absent") r.boolean(arg, ap);
  if (op == "count" && !(arg.is_number_integer() && arg.get<long long>() >= 0))
    r.fail(ap, "count takes a non-negative integer");
}

Outcome check_one(const std::string& kind, const std::string& name, const json& check, const Headers& headers) {
  auto values = headers.all(name);
  const std::string joined = join(values, ", ");
  const std::string actual = values.empty() ? "(absent)" : as_json_string(joined);
  auto verdict = [&](bool ok, const std::string& op, const std::string& expected, const std::string& act) {
    return ok ? passed_outcome(kind, name + " " + op, expected, act) : failed_outcome(kind, name + " " + op, expected, act);
  };
  if (!check.is_object()) {
    std::string want = value_text(check);
    return verdict(!values.empty() && joined == want, "equals", as_json_string(want), actual);
  }
  if (check.size() != 1) return failed_outcome(kind, name, "one check", "spec rendered to " + brief(check));
  const std::string op = check.begin().key();
  const json& arg = check.begin().value();
  if (op == "equals") return verdict(!values.empty() && joined == value_text(arg), op, as_json_string(value_text(arg)), actual);
  if (op == "contains" || op == "not_contains") {
    std::string want = value_text(arg);
    bool found = std::find(values.begin(), values.end(), want) != values.end();
    return verdict(found == (op == "contains"), op, (op == "contains" ? "a value " : "no value ") + as_json_string(want), actual);
  }
  if (op == "has_tokens") {
    // RFC 9110 §5.6.1: a list may be split over field lines, with any spacing around its commas.
    std::vector<std::string> have;
    for (const auto& v : values)
      for (const auto& e : split_comma_list(v)) have.push_back(to_lower(e));
    std::string lacking;
    for (const auto& want : split_comma_list(value_text(arg)))
      if (!want.empty() && std::find(have.begin(), have.end(), to_lower(want)) == have.end())
        lacking += (lacking.empty() ? "" : ", ") + want;
    return verdict(!values.empty() && lacking.empty(), op, "the tokens " + as_json_string(value_text(arg)),
                   actual + (lacking.empty() || values.empty() ? "" : ", without " + lacking));
  }
  if (op == "matches") {
    auto re = compiled_regex(value_text(arg));
    if (!re) return failed_outcome(kind, name + " matches", "a valid regular expression", value_text(arg));
    return verdict(!values.empty() && std::regex_search(joined, **re), op, "/" + value_text(arg) + "/", actual);
  }
  if (op == "present" || op == "absent") {
    bool want_present = (op == "present") == (arg.is_boolean() && arg.get<bool>());
    return verdict(want_present == !values.empty(), op, want_present ? "present" : "absent", actual);
  }
  if (op == "count" && arg.is_number_integer()) {
    auto n = arg.get<long long>();
    return verdict(static_cast<long long>(values.size()) == n, op, std::to_string(n) + " values",
                   std::to_string(values.size()) + " values" + (values.empty() ? "" : " " + actual));
  }
  return failed_outcome(kind, name, "a header check", "spec rendered to " + brief(check));
}

std::vector<Outcome> evaluate(const StepContext& c) { return check_headers(kHeadersKind, c.spec, c.response.headers); }
}  // namespace

void read_header_checks(const json& spec, const StrictReader& r, const std::string& pointer) {
  r.map(spec, pointer);
  if (spec.empty()) r.fail(pointer, "headers must be a map of header name to check");
  for (const auto& [name, check] : spec.items()) read_check(check, r, pointer_join(pointer, name));
}

std::vector<Outcome> check_headers(const std::string& kind, const json& spec, const Headers& headers) {
  if (!spec.is_object()) return {failed_outcome(kind, "", "a map of header checks", brief(spec))};
  std::vector<Outcome> out;
  out.reserve(spec.size());
  for (const auto& [name, check] : spec.items()) {
    if (!check.is_array()) {
      out.push_back(check_one(kind, name, check, headers));
      continue;
    }
    for (const auto& one : check) out.push_back(check_one(kind, name, one, headers));
  }
  return out;
}

void register_expect_headers() {
  register_expectation_kind({kHeadersKind, read_header_checks});
  register_expectation_evaluator(kHeadersKind, evaluate);
}

}  // namespace tc
