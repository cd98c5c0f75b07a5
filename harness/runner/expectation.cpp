#include "harness/runner/expectation.h"

#include <map>
#include <mutex>

#include "common/encoding.h"
#include "common/json_text.h"

namespace tc {

// Defined one per file (expect_<kind>.cpp); each registers its validator and its evaluator.
void register_expect_status();
void register_expect_headers();
void register_expect_json();
void register_expect_jwt();
void register_expect_audit();
void register_expect_elapsed();
void register_expect_received();
void register_expect_hops();
void register_expect_cookies();

namespace {
std::mutex registry_mu;
std::map<std::string, ExpectationEvaluation>& registry() {
  static std::map<std::string, ExpectationEvaluation> m;
  return m;
}
}  // namespace

void register_expectation_evaluator(const std::string& name, Evaluator evaluator, Spelling spelling, Timing timing) {
  std::lock_guard lock(registry_mu);
  registry()[name] = ExpectationEvaluation{std::move(evaluator), spelling, timing};
}

const ExpectationEvaluation* find_expectation_evaluation(const std::string& name) {
  std::lock_guard lock(registry_mu);
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : &it->second;
}

void register_builtin_expectations() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_expect_status();
    register_expect_headers();
    register_expect_json();
    register_expect_jwt();
    register_expect_audit();
    register_expect_elapsed();
    register_expect_received();
    register_expect_hops();
    register_expect_cookies();
  });
}

Outcome passed_outcome(std::string kind, std::string description, std::string expected, std::string actual) {
  return {Outcome::Status::passed, std::move(kind), std::move(description), std::move(expected), std::move(actual), {}};
}

Outcome failed_outcome(std::string kind, std::string description, std::string expected, std::string actual) {
  return {Outcome::Status::failed, std::move(kind), std::move(description), std::move(expected), std::move(actual), {}};
}

Outcome skipped_outcome(std::string kind, std::string description, std::string reason) {
  return {Outcome::Status::skipped, std::move(kind), std::move(description), {}, {}, std::move(reason)};
}

std::string brief(const json& value, std::size_t limit) {
  std::string s = json_text_head(value, limit);
  if (s.size() > limit) s.replace(limit, std::string::npos, "…");
  return s;
}

std::string as_json_string(std::string_view text) {
  std::string out;
  if (is_utf8(text))
    JsonWriter(out).value(text);
  else
    JsonWriter(out).value(escape_non_utf8(text));
  return out;
}

bool is_template(const json& node) {
  return node.is_string() && node.get_ref<const std::string&>().find("{{") != std::string::npos;
}

}  // namespace tc
