// The scenario model: what the loader produces from YAML/JSON files and the runner executes.
// Plain data; every node keeps its location (file, line, JSON pointer) for messages. Strings marked
// "template" may hold {{ … }} and are rendered at run time (harness/template/template.h).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/document.h"

namespace tc {

struct Loc {
  std::string file;
  int line = 0;
  std::string pointer;
  Where where() const { return Where{file, line, pointer, {}, {}}; }
};

inline Loc loc_of(const Document& doc, const std::string& pointer) { return Loc{doc.file, doc.line_of(pointer), pointer}; }

using NameValues = std::vector<std::pair<std::string, std::string>>;  // templates, order kept

struct RequestSpec {
  std::string method = "GET";               // template
  std::string url;                          // template
  NameValues headers;
  NameValues query;
  std::optional<json> json_body;            // strings inside are templates
  NameValues form;                          // application/x-www-form-urlencoded
  std::optional<std::string> body;          // raw body template
  std::optional<long> timeout_ms;
  bool follow_redirects = false;
  NameValues hosts;                         // host name -> base URL it is reached at (no DNS)
  std::string source_address;               // template: the local IP address to send from ("" the system's)
  Loc loc;
};

struct CaptureSpec {
  enum class Source { json, header, jwt_claim, regex, cookie };
  std::string name;
  Source source = Source::json;
  std::string expr;   // json: pointer; header: name; jwt_claim: claim name; regex: pattern (group 1, else 0); cookie: name
  std::string from;   // jwt_claim and regex: "body" (default), "json:/pointer" or "header:Name";
                      // cookie: the host whose jar is read (empty: the host of the step's final URL)
  std::optional<int> hop;  // the response of that redirect hop (0: the first); none: the final one
  Loc loc;
};

// One expectation; `kind` names a registered expectation kind (runner/expectation.h) that read
// `spec` strictly at load time.
struct ExpectationSpec {
  std::string kind;   // status | headers | json | jwt | audit | elapsed_ms | …
  json spec;
  Loc loc;
};

// A step's repeat count: a whole number 1..kMaxRepeat. repeat_rule() begins every refusal of one.
inline constexpr int kMaxRepeat = 1000;
inline bool is_repeat_count(long long n) { return n >= 1 && n <= kMaxRepeat; }
inline std::string repeat_rule() { return "repeat is a whole number from 1 to " + std::to_string(kMaxRepeat); }

struct StepSpec {
  std::string name;
  json vars = json::object();               // name -> template, rendered before the request
  RequestSpec request;
  std::vector<CaptureSpec> captures;
  std::vector<ExpectationSpec> expectations;
  bool cleanup = false;                     // runs even when an earlier step failed
  std::vector<std::string> requires_caps;   // capabilities this step needs, else it is skipped (the others run)
  // How many times the step is sent, one after another: null (once), an integer 1..kMaxRepeat, or
  // a template rendered before the first send ("{{fx.limits.standard}}").
  json repeat;
  std::string included_from;                // the step file it came from, if any
  // What run_step renders while the step's answer is awaited: its captures' templates (all or none)
  // and each expectation's spec (one flag each, in order). The rest waits for the answer: a template
  // that uses one of the step's captures or reads the clock (loader/steps.h: rendered_ahead). Set by
  // the loader once the step's templates are final; whoever changes them after sets it again. A step
  // built otherwise has none (or one that does not fit its expectations), and run_step works it out.
  struct Ahead {
    bool captures = false;
    std::vector<bool> specs;
  };
  std::optional<Ahead> ahead;
  Loc loc;
};

struct Scenario {
  std::string file;                         // path as loaded
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  std::vector<std::string> requirements;    // contract clause ids (docs/contract.md)
  std::vector<std::string> requires_caps;   // capabilities the topology must offer
  std::map<std::string, bool> switches;     // profile switches.NAME -> the value the scenario is for
  json vars = json::object();               // scenario-level templates (the file's vars merged in)
  std::vector<json> matrix;                 // rows (objects); empty: one run without row
  std::vector<std::string> matrix_keys;     // the rows' keys in file order (case names join values so)
  std::string not_applicable;               // why it has no case here: its matrix ranges over an empty
                                            // list of the profile (one case, skipped with this reason)
  std::vector<StepSpec> steps;
  Loc loc;
};

// One GoogleTest test: a scenario, or one matrix row of it.
struct ScenarioCase {
  const Scenario* scenario = nullptr;
  json row;                                 // null without matrix
  std::string suite_name;                   // filter-safe, from the file (docs/scenario-format.md)
  std::string test_name;                    // filter-safe, from the scenario name, "/row" suffix
};

}  // namespace tc
