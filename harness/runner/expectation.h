// Expectation kinds, as the runner evaluates them. Each kind lives in its own file
// (expect_<kind>.cpp) and registers, under one name, its load-time validator with the loader
// (harness/loader/expectation_registry.h) and its evaluator here. A new kind plugs in at both
// places without touching the loader's or the runner's loop.
//
// An evaluator gets the spec already rendered with the step's scope, the response, and what it may
// need to look further (the scope, the environment, an HTTP client, the run's shared state); it
// returns one or more outcomes — every check is evaluated and reported, not just the first failure.
// A check that cannot be made in this environment is skipped with a reason, never passed.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "harness/env/environment.h"
#include "harness/loader/expectation_registry.h"
#include "harness/runner/results.h"
#include "harness/runner/run_context.h"
#include "harness/template/template.h"

namespace tc {

struct StepContext {
  const json& spec;                 // rendered
  const HttpResponse& response;
  const Scope& scope;               // the step's variables (contract, captures, correlation_id, …)
  const Environment& environment;
  RunContext& run;                  // requests an evaluator makes go through run.send
  std::string correlation_id;       // this step's X-Correlation-Id
  Loc loc;                          // the expectation's location
  const CookieJar* jar = nullptr;   // the case's cookie jar, as the request left it
};

using Evaluator = std::function<std::vector<Outcome>(const StepContext&)>;

// Which component's spellings (profile `components`) a kind's spec is rendered with: the one the
// step's request went to, or — for a list whose items each name a `component` (audit) — each item's.
enum class Spelling { answering_component, item_component };

// Whether a kind reads how long the answer took: a step that has one does nothing while its answer
// is awaited (run_step), so that the time is the exchange's alone.
enum class Timing { not_read, read };

// How a registered kind is evaluated, and what run_step needs to know of it (the loader keeps how
// it is read: harness/loader/expectation_registry.h).
struct ExpectationEvaluation {
  Evaluator evaluate;
  Spelling spelling = Spelling::answering_component;
  Timing timing = Timing::not_read;
};

void register_expectation_evaluator(const std::string& name, Evaluator evaluator,
                                    Spelling spelling = Spelling::answering_component, Timing timing = Timing::not_read);
// The kind registered as `name`, or nullptr. The pointer stays valid for the process (a kind
// registered again is replaced in place).
const ExpectationEvaluation* find_expectation_evaluation(const std::string& name);

// Registers every built-in kind with the loader and here (idempotent). Call before loading.
void register_builtin_expectations();

// Shorthands for evaluators.
Outcome passed_outcome(std::string kind, std::string description, std::string expected, std::string actual);
Outcome failed_outcome(std::string kind, std::string description, std::string expected, std::string actual);
Outcome skipped_outcome(std::string kind, std::string description, std::string reason);
// Compact JSON for messages, cut at `limit` characters.
std::string brief(const json& value, std::size_t limit = 300);
// `text` as a JSON string for a message; bytes that are not UTF-8 written as \xNN (a response's
// bytes are data: they never make a check throw).
std::string as_json_string(std::string_view text);

// The checks of `expect: headers` on any header list, for every kind that checks one (received).
void read_header_checks(const json& spec, const StrictReader& r, const std::string& pointer);
std::vector<Outcome> check_headers(const std::string& kind, const json& spec, const Headers& headers);

// A rendered value read as a whole number: an integer, or a string of 1–9 digits (what a template
// gives for a number written inside text); nullopt otherwise.
std::optional<long long> whole_number(const json& rendered);
// The codes a rendered `expect: status` admits (a whole number or a list of them), nullopt when it
// is none of these. The status check and the run's 429 retry read it.
std::optional<std::vector<long long>> status_codes(const json& rendered);

// For readers of specs: a string holding "{{" is a template, checked only after rendering.
bool is_template(const json& node);

}  // namespace tc
