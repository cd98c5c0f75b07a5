// expect: headers — name (any letter case) -> a string (all values joined with ", " equal it), one
// of {equals, matches (regex search in the joined values), contains (one value equals), not_contains
// (no value equals), present, absent, count}, or a list of those. The same checks serve every kind
// that checks a header list (received: what a backend's echo says it received).
#include <algorithm>
#include <regex>

#include "harness/runner/expectation.h"

namespace tc {

namespace {
constexpr const char* kHeadersKind = "headers";
const std::vector<std::string> kOps = {"equals", "matches", "contains", "not_contains", "present", "absent", "count"};

Result<Unit> validate_check(const json& check, const Document& doc, const std::string& p) {
  if (check.is_string() || check.is_number()) return Unit{};
  if (check.is_array() && !check.empty()) {
    for (std::size_t i = 0; i < check.size(); ++i)
      if (check[i].is_array()) return spec_error(doc, pointer_join(p, i), "a list of header checks holds checks, not lists");
      else if (auto r = validate_check(check[i], doc, pointer_join(p, i)); !r) return r;
    return Unit{};
  }
  if (!check.is_object() || check.size() != 1)
    return spec_error(doc, p, "a header check is a string, an object with one of equals, matches, contains, not_contains, present, absent, count, or a list of those");
  const std::string op = check.begin().key();
  const json& arg = check.begin().value();
  const std::string ap = pointer_join(p, op);
  if (std::find(kOps.begin(), kOps.end(), op) == kOps.end())
    return spec_error(doc, ap, "unknown header check '" + op + "' (equals, matches, contains, not_contains, present, absent, count)");
  if (is_template(arg)) return Unit{};
  if ((op == "equals" || op == "contains" || op == "not_contains") && !arg.is_string() && !arg.is_number())
    return spec_error(doc, ap, op + " takes a string");
  if (op == "matches") {
    if (!arg.is_string()) return spec_error(doc, ap, "matches takes a regular expression");
    try { std::regex re(arg.get<std::string>()); } catch (const std::regex_error& e) {
      return spec_error(doc, ap, std::string("invalid regular expression: ") + e.what());
    }
  }
  if ((op == "present" || op == "absent") && !arg.is_boolean()) return spec_error(doc, ap, op + " takes true or false");
  if (op == "count" && !(arg.is_number_integer() && arg.get<long long>() >= 0))
    return spec_error(doc, ap, "count takes a non-negative integer");
  return Unit{};
}

std::string text_of(const json& n) { return n.is_string() ? n.get<std::string>() : n.dump(); }
std::string quote(const std::string& s) { return json(s).dump(); }

Outcome check_one(const std::string& kind, const std::string& name, const json& check, const Headers& headers) {
  auto values = headers.all(name);
  std::string joined;
  for (const auto& v : values) joined += (joined.empty() ? "" : ", ") + v;
  const std::string actual = values.empty() ? "(absent)" : quote(joined);
  auto verdict = [&](bool ok, const std::string& op, const std::string& expected, const std::string& act) {
    return ok ? passed_outcome(kind, name + " " + op, expected, act) : failed_outcome(kind, name + " " + op, expected, act);
  };
  if (!check.is_object()) {
    std::string want = text_of(check);
    return verdict(!values.empty() && joined == want, "equals", quote(want), actual);
  }
  if (check.size() != 1) return failed_outcome(kind, name, "one check", "spec rendered to " + brief(check));
  const std::string op = check.begin().key();
  const json& arg = check.begin().value();
  if (op == "equals") return verdict(!values.empty() && joined == text_of(arg), op, quote(text_of(arg)), actual);
  if (op == "contains" || op == "not_contains") {
    std::string want = text_of(arg);
    bool found = std::find(values.begin(), values.end(), want) != values.end();
    return verdict(found == (op == "contains"), op, (op == "contains" ? "a value " : "no value ") + quote(want), actual);
  }
  if (op == "matches") {
    try {
      std::regex re(text_of(arg));
      return verdict(!values.empty() && std::regex_search(joined, re), op, "/" + text_of(arg) + "/", actual);
    } catch (const std::regex_error& e) {
      return failed_outcome(kind, name + " matches", "a valid regular expression", text_of(arg));
    }
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

Result<Unit> validate_header_checks(const json& spec, const Document& doc, const std::string& pointer) {
  if (!spec.is_object() || spec.empty()) return spec_error(doc, pointer, "expected a map of header name to check");
  for (const auto& [name, check] : spec.items())
    if (auto r = validate_check(check, doc, pointer_join(pointer, name)); !r) return r;
  return Unit{};
}

std::vector<Outcome> check_headers(const std::string& kind, const json& spec, const Headers& headers) {
  std::vector<Outcome> out;
  if (!spec.is_object()) return {failed_outcome(kind, "", "a map of header checks", brief(spec))};
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
  register_expectation_kind({kHeadersKind, validate_header_checks});
  register_expectation_evaluator(kHeadersKind, evaluate);
}

}  // namespace tc
