// expect: headers — name (any letter case) -> a string (all values joined with ", " equal it) or one
// of {equals, matches (regex search in the joined values), contains (one value equals), present,
// absent, count}.
#include <algorithm>
#include <regex>

#include "harness/runner/expectation.h"

namespace tc {

namespace {
constexpr const char* kKind = "headers";
const std::vector<std::string> kOps = {"equals", "matches", "contains", "present", "absent", "count"};

Result<Unit> validate_check(const json& check, const Document& doc, const std::string& p) {
  if (check.is_string() || check.is_number()) return Unit{};
  if (!check.is_object() || check.size() != 1)
    return spec_error(doc, p, "a header check is a string or an object with one of equals, matches, contains, present, absent, count");
  const std::string op = check.begin().key();
  const json& arg = check.begin().value();
  const std::string ap = pointer_join(p, op);
  if (std::find(kOps.begin(), kOps.end(), op) == kOps.end())
    return spec_error(doc, ap, "unknown header check '" + op + "' (equals, matches, contains, present, absent, count)");
  if (is_template(arg)) return Unit{};
  if ((op == "equals" || op == "contains") && !arg.is_string() && !arg.is_number())
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

Result<Unit> validate(const json& spec, const Document& doc, const std::string& pointer) {
  if (!spec.is_object() || spec.empty()) return spec_error(doc, pointer, "headers must be a map of header name to check");
  for (const auto& [name, check] : spec.items())
    if (auto r = validate_check(check, doc, pointer_join(pointer, name)); !r) return r;
  return Unit{};
}

std::string text_of(const json& n) { return n.is_string() ? n.get<std::string>() : n.dump(); }
std::string quote(const std::string& s) { return json(s).dump(); }

Outcome check_one(const std::string& name, const json& check, const Headers& headers) {
  auto values = headers.all(name);
  std::string joined;
  for (const auto& v : values) joined += (joined.empty() ? "" : ", ") + v;
  const std::string actual = values.empty() ? "(absent)" : quote(joined);
  auto verdict = [&](bool ok, const std::string& op, const std::string& expected, const std::string& act) {
    return ok ? passed_outcome(kKind, name + " " + op, expected, act) : failed_outcome(kKind, name + " " + op, expected, act);
  };
  if (!check.is_object()) {
    std::string want = text_of(check);
    return verdict(!values.empty() && joined == want, "equals", quote(want), actual);
  }
  if (check.size() != 1) return failed_outcome(kKind, name, "one check", "spec rendered to " + brief(check));
  const std::string op = check.begin().key();
  const json& arg = check.begin().value();
  if (op == "equals") return verdict(!values.empty() && joined == text_of(arg), op, quote(text_of(arg)), actual);
  if (op == "contains") {
    std::string want = text_of(arg);
    bool ok = std::find(values.begin(), values.end(), want) != values.end();
    return verdict(ok, op, "a value " + quote(want), actual);
  }
  if (op == "matches") {
    try {
      std::regex re(text_of(arg));
      return verdict(!values.empty() && std::regex_search(joined, re), op, "/" + text_of(arg) + "/", actual);
    } catch (const std::regex_error& e) {
      return failed_outcome(kKind, name + " matches", "a valid regular expression", text_of(arg));
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
  return failed_outcome(kKind, name, "a header check", "spec rendered to " + brief(check));
}

std::vector<Outcome> evaluate(const StepContext& c) {
  std::vector<Outcome> out;
  if (!c.spec.is_object()) return {failed_outcome(kKind, "", "a map of header checks", brief(c.spec))};
  for (const auto& [name, check] : c.spec.items()) out.push_back(check_one(name, check, c.response.headers));
  return out;
}
}  // namespace

void register_expect_headers() {
  register_expectation_kind({kKind, validate});
  register_expectation_evaluator(kKind, evaluate);
}

}  // namespace tc
