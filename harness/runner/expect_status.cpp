// expect: status — an integer, a template that renders to one, or a list of them (any matches).
#include <algorithm>

#include "harness/runner/expectation.h"

namespace tc {

namespace {
constexpr const char* kKind = "status";

bool valid_code(const json& n) { return n.is_number_integer() && n.get<long long>() >= 100 && n.get<long long>() <= 599; }

void read(const json& spec, const StrictReader& r, const std::string& pointer) {
  auto one = [&](const json& n, const std::string& p) {
    if (!valid_code(n) && !is_template(n))
      r.fail(p, "status must be an HTTP status code (100-599) or a template, not " + brief(n));
  };
  if (!spec.is_array()) return one(spec, pointer);
  r.array(spec, pointer, true);
  for (std::size_t i = 0; i < spec.size(); ++i) one(spec[i], pointer_join(pointer, i));
}

std::vector<Outcome> evaluate(const StepContext& c) {
  const auto allowed = status_codes(c.spec);
  const std::string actual = std::to_string(c.response.status);
  if (!allowed) return {failed_outcome(kKind, "", "a status code", "spec rendered to " + brief(c.spec))};
  std::string expected;
  for (auto code : *allowed) expected += (expected.empty() ? "" : " or ") + std::to_string(code);
  bool match = std::find(allowed->begin(), allowed->end(), c.response.status) != allowed->end();
  return {match ? passed_outcome(kKind, "", expected, actual) : failed_outcome(kKind, "", expected, actual)};
}
}  // namespace

std::optional<long long> whole_number(const json& rendered) {
  if (rendered.is_number_integer()) return rendered.get<long long>();
  if (!rendered.is_string()) return std::nullopt;
  const std::string& s = rendered.get_ref<const std::string&>();
  if (s.empty() || s.size() >= 10 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(s);
}

std::optional<std::vector<long long>> status_codes(const json& rendered) {
  std::vector<long long> codes;
  auto add = [&](const json& n) {
    const auto code = whole_number(n);
    if (code) codes.push_back(*code);
    return code.has_value();
  };
  if (!(rendered.is_array() ? std::all_of(rendered.begin(), rendered.end(), add) : add(rendered))) return std::nullopt;
  return codes;
}

void register_expect_status() {
  register_expectation_kind({kKind, read});
  register_expectation_evaluator(kKind, evaluate);
}

}  // namespace tc
