#include "harness/report/run_record.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json_text.h"
#include "common/redact.h"
#include "common/strict.h"

namespace tc {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OutcomeRecord, status, kind, description, expected, actual, reason,
                                                evidence)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(StepRecord, name, file, line, ran, method, url, correlation_id, status,
                                                elapsed_ms, started_ms, finished_ms, error, transcript, outcomes)

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* const kFormat = "tenantcheck-results/1";

json redacted(const json& v) {
  if (v.is_string()) return global_redactor().apply(v.get<std::string>());
  if (!v.is_structured()) return v;
  json out = v;
  for (auto& item : out) item = redacted(item);
  return out;
}

json to_json(const CaseRecord& c) {
  json steps = json::array();
  for (const auto& st : c.steps) steps.push_back(st);
  return json{{"suite", c.suite},         {"test", c.test},
              {"scenario", c.scenario},   {"file", c.file},
              {"line", c.line},           {"tags", c.tags},
              {"requirements", c.requirements}, {"row", c.row},
              {"outcome", c.outcome},     {"failures", c.failures},
              {"skip_reason", c.skip_reason}, {"output", c.output},
              {"started_ms", c.started_ms}, {"finished_ms", c.finished_ms},
              {"after_deadline", c.after_deadline}, {"steps", std::move(steps)}};
}

std::string outcome_status(const Outcome& o) {
  return o.failed() ? "failed" : o.status == Outcome::Status::skipped ? "skipped" : "passed";
}

}  // namespace

StepRecord make_step_record(const StepResult& step) {
  const Redactor& redact = global_redactor();
  StepRecord r;
  r.name = redact.apply(step.name);
  r.file = step.loc.file;
  r.line = step.loc.line;
  r.ran = step.ran;
  r.method = redact.apply(step.method);
  r.url = redact.apply(step.url);
  r.correlation_id = redact.apply(step.correlation_id);  // a step may take it from the environment
  r.status = step.status;
  r.elapsed_ms = step.elapsed_ms;
  r.started_ms = step.started_ms;
  r.finished_ms = step.finished_ms;
  if (step.error) r.error = redact.apply(step.error->to_string());
  r.transcript = redact.apply(step.transcript);
  for (const auto& o : step.outcomes)
    r.outcomes.push_back(OutcomeRecord{outcome_status(o), o.kind, redact.apply(o.description), redact.apply(o.expected),
                                       redact.apply(o.actual), redact.apply(o.reason), redact.apply(o.evidence)});
  return r;
}

std::map<std::string, int> RunRecord::counts() const {
  std::map<std::string, int> n{{"passed", 0}, {"failed", 0}, {"error", 0}, {"skipped", 0}};
  for (const auto& c : cases) ++n[c.outcome];
  return n;
}

bool RunRecord::failing() const {
  for (const auto& c : cases)
    if (c.failing()) return true;
  return false;
}

std::string RunRecord::summary_line() const {
  auto n = counts();
  std::string line = std::to_string(n["passed"]) + " passed, " + std::to_string(n["failed"] + n["error"]) + " failed";
  if (n["skipped"]) line += ", " + std::to_string(n["skipped"]) + " skipped";
  return line;
}

std::string case_outcome(const ScenarioResult& r) {
  if (r.skipped) return "skipped";
  if (r.environment_error) return "error";
  return r.failed() ? "failed" : "passed";
}

std::string worse_outcome(const std::string& a, const std::string& b) {
  auto rank = [](const std::string& o) { return o == "failed" || o == "error" ? 2 : o == "passed" ? 1 : 0; };
  const std::string& worse = rank(b) > rank(a) ? b : a;
  return worse == "error" ? "failed" : worse;
}

CaseRecord make_case_record(const ScenarioCase& sc, const ScenarioResult& result) {
  const Redactor& redact = global_redactor();
  const Scenario& s = *sc.scenario;
  CaseRecord c;
  c.suite = sc.suite_name;
  c.test = sc.test_name;
  c.scenario = s.name;
  c.file = s.file;
  c.line = s.loc.line;
  c.tags = s.tags;
  c.requirements = s.requirements;
  c.row = redacted(sc.row);
  c.outcome = case_outcome(result);
  c.skip_reason = result.skipped ? redact.apply(*result.skipped) : "";
  c.after_deadline = result.after_deadline;
  c.started_ms = result.started_ms;
  c.finished_ms = result.finished_ms;
  // The case's error first, unless a step's own error says it (a component found dead after a
  // step failed is no step's error).
  const bool a_step_says_it = std::any_of(result.steps.begin(), result.steps.end(),
                                          [](const StepResult& step) { return step.error.has_value(); });
  if (result.environment_error && !a_step_says_it)
    c.failures.push_back(redact.apply(result.environment_error->to_string()));
  for (const auto& step : result.steps) {
    c.steps.push_back(make_step_record(step));
    for (const auto& line : step.failure_lines()) c.failures.push_back(redact.apply(line));
    if (step.skipped)
      c.output += "--- step '" + step.name + "' (" + step.loc.file + ":" + std::to_string(step.loc.line) +
                  ") skipped: " + *step.skipped + "\n";
    if (!step.ran) continue;
    c.output += "--- step '" + step.name + "' (" + step.loc.file + ":" + std::to_string(step.loc.line) + ")\n";
    if (!step.transcript.empty()) c.output += step.transcript + "\n";   // redacted when captured
  }
  return c;
}

void RunRecorder::on_scenario(const ScenarioCase& scenario, const ScenarioResult& result) {
  CaseRecord c = make_case_record(scenario, result);
  for (CaseSink* f : followers_) f->on_case(c, scenario, result);
  std::lock_guard lock(mu_);
  record_.cases.push_back(std::move(c));
}

RunRecord RunRecorder::record() const {
  std::lock_guard lock(mu_);
  return record_;
}

void RunRecorder::set_property(const std::string& name, const std::string& value) {
  const std::string safe = global_redactor().apply(value);
  std::lock_guard lock(mu_);
  record_.properties[name] = safe;
}

Result<Unit> write_run_record(const RunRecord& record, const std::string& reports_dir) {
  json doc{{"format", kFormat}, {"properties", record.properties}, {"summary", record.counts()}, {"cases", json::array()}};
  for (const auto& c : record.cases) doc["cases"].push_back(to_json(c));
  std::error_code ec;
  fs::create_directories(reports_dir, ec);
  const fs::path path = fs::path(reports_dir) / "results.json";
  std::ofstream out(path);
  out << json_text(doc, 2) << "\n";
  if (!out) return environment_error("", "cannot write " + path.string());
  return Unit{};
}

Result<RunRecord> read_run_record(const std::string& path) {
  std::error_code ec;
  // A folder, or a path that names no .json file, is a reports folder.
  const bool folder = fs::is_directory(path, ec) || fs::path(path).extension() != ".json";
  Document doc;
  doc.file = folder ? (fs::path(path) / "results.json").string() : path;
  std::ifstream in(doc.file);
  if (!in) return input_error(doc.where(""), "cannot read the run's results (results.json of a tenantcheck run)");
  try {
    doc.value = json::parse(in);   // JSON with no line numbers: messages name the file and the pointer
  } catch (const json::parse_error& e) {
    return input_error(doc.where(""), std::string("not JSON: ") + e.what());
  }
  if (!doc.value.is_object() || doc.value.value("format", std::string()) != kFormat)
    return input_error(doc.where(""), std::string("not a tenantcheck results file (\"format\": \"") + kFormat + "\")");
  return read_strictly([&] {
    const StrictReader r(doc);
    RunRecord record;
    if (doc.value.contains("properties")) record.properties = r.string_map(doc.value["properties"], "/properties");
    const json& cases = doc.value.contains("cases") ? doc.value["cases"] : json();
    r.array(cases, "/cases");
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const std::string p = pointer_join("/cases", i);
      const json& n = cases[i];
      r.map(n, p);
      // Field by field, in this order: the first one missing or mistyped is the error.
      auto field = [&](const char* key) -> const json& {
        if (!n.contains(key)) r.missing(p, key);
        return n[key];
      };
      auto text = [&](const char* key) { return r.string(field(key), pointer_join(p, key)); };
      auto number = [&](const char* key) { return r.integer(field(key), pointer_join(p, key)); };
      auto texts = [&](const char* key) { return r.strings(field(key), pointer_join(p, key)); };
      CaseRecord c;
      c.suite = text("suite");
      c.test = text("test");
      c.scenario = text("scenario");
      c.file = text("file");
      c.line = static_cast<int>(number("line"));
      c.tags = texts("tags");
      c.requirements = texts("requirements");
      c.outcome = text("outcome");
      c.failures = texts("failures");
      c.skip_reason = text("skip_reason");
      c.output = text("output");
      c.started_ms = number("started_ms");
      c.finished_ms = number("finished_ms");
      c.after_deadline = r.boolean(field("after_deadline"), pointer_join(p, "after_deadline"));
      if (auto steps = n.find("steps"); steps != n.end()) {  // absent in records of older runs
        try {
          steps->get_to(c.steps);
        } catch (const json::exception& e) {
          r.fail(pointer_join(p, "steps"), std::string("'steps' is not a list of steps: ") + e.what());
        }
      }
      c.row = n.value("row", json());
      r.one_of(c.outcome, pointer_join(p, "outcome"), {"passed", "failed", "error", "skipped"});
      record.cases.push_back(std::move(c));
    }
    return record;
  });
}

RunRecord merge_run_records(const std::vector<RunRecord>& records) {
  RunRecord merged;
  for (const auto& r : records) {
    for (const auto& [k, v] : r.properties) {
      auto [it, fresh] = merged.properties.emplace(k, v);
      if (!fresh && k == "started" && v < it->second) it->second = v;  // ISO times: the earliest start
    }
    merged.cases.insert(merged.cases.end(), r.cases.begin(), r.cases.end());
  }
  merged.properties.erase("shard");  // one shard's "K/N" is not the merge's
  merged.properties["shards"] = std::to_string(records.size());
  return merged;
}

}  // namespace tc
