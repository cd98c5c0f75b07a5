#include "harness/report/run_record.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json_text.h"
#include "common/redact.h"
#include "common/strict.h"
#include "harness/report/report_file.h"

namespace tc {

namespace {

// The fields of a check's and of a step's record in results.json, in its order: the one list that
// writing and reading both go through.
template <class Record, class Visit>
void outcome_fields(Record& o, Visit&& field) {
  field("status", o.status);
  field("kind", o.kind);
  field("description", o.description);
  field("expected", o.expected);
  field("actual", o.actual);
  field("reason", o.reason);
  field("evidence", o.evidence);
}

template <class Record, class Visit>
void step_fields(Record& s, Visit&& field) {
  field("name", s.name);
  field("file", s.file);
  field("line", s.line);
  field("ran", s.ran);
  field("method", s.method);
  field("url", s.url);
  field("correlation_id", s.correlation_id);
  field("status", s.status);
  field("elapsed_ms", s.elapsed_ms);
  field("started_ms", s.started_ms);
  field("finished_ms", s.finished_ms);
  field("error", s.error);
  field("transcript", s.transcript);
  field("outcomes", s.outcomes);
}

}  // namespace

// Read field by field; a field missing keeps its default (records of older runs), one of another
// type is a json::type_error.
void from_json(const nlohmann::json& j, OutcomeRecord& o) {
  outcome_fields(o, [&j](const char* key, auto& v) { v = j.value(key, v); });
}
void from_json(const nlohmann::json& j, StepRecord& s) {
  step_fields(s, [&j](const char* key, auto& v) { v = j.value(key, v); });
}

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

}  // namespace

void redact_again(RunRecord& record) {
  const Redactor& redact = global_redactor();
  const auto text = [&redact](std::string& s) { s = redact.apply(s); };
  for (auto& [name, value] : record.properties) text(value);
  for (auto& c : record.cases) {
    for (auto& f : c.failures) text(f);
    text(c.skip_reason);
    text(c.output);
    c.row = redacted(c.row);
    for (auto& s : c.steps)
      step_fields(s, [&text](const char*, auto& v) {
        using Value = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<Value, std::string>) {
          text(v);
        } else if constexpr (std::is_same_v<Value, std::vector<OutcomeRecord>>) {
          for (auto& o : v) outcome_fields(o, [&text](const char*, std::string& t) { text(t); });
        }
      });
  }
}

namespace {

void write_step(JsonWriter& w, const StepRecord& step) {
  w.begin_object();
  step_fields(step, [&w](const char* key, const auto& v) {
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::vector<OutcomeRecord>>) {
      w.key(key).begin_array();
      for (const auto& o : v) {
        w.begin_object();
        outcome_fields(o, [&w](const char* k, const std::string& text) { w.field(k, text); });
        w.end_object();
      }
      w.end_array();
    } else {
      w.field(key, v);
    }
  });
  w.end_object();
}

// In the order read_run_record reads them.
void write_case(JsonWriter& w, const CaseRecord& c) {
  w.begin_object();
  w.field("suite", c.suite).field("test", c.test).field("scenario", c.scenario).field("file", c.file);
  w.field("line", c.line).field("tags", c.tags).field("requirements", c.requirements);
  w.field("outcome", c.outcome).field("failures", c.failures).field("skip_reason", c.skip_reason);
  w.field("output", c.output).field("started_ms", c.started_ms).field("finished_ms", c.finished_ms);
  w.field("after_deadline", c.after_deadline);
  w.key("steps").begin_array();
  for (const auto& st : c.steps) write_step(w, st);
  w.end_array();
  w.field("row", c.row);
  w.end_object();
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
  // Redacted when captured: again only when a secret was learnt since (an environment value that
  // an expectation of the step read, say).
  r.transcript = step.transcript_redacted_at == redact.generation() ? step.transcript : redact.apply(step.transcript);
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
    // The output from the step's record: redacted as the record is, a secret learnt since included.
    const StepRecord& r = c.steps.emplace_back(make_step_record(step));
    for (const auto& line : step.failure_lines()) c.failures.push_back(redact.apply(line));
    const std::string heading = "--- step '" + r.name + "' (" + r.file + ":" + std::to_string(r.line) + ")";
    if (step.skipped) c.output += heading + " skipped: " + redact.apply(*step.skipped) + "\n";
    if (!step.ran) continue;
    c.output += heading + "\n";
    if (!r.transcript.empty()) c.output += r.transcript + "\n";
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
  // Written as it is produced: a run of many steps would otherwise be built as a JSON value first,
  // every text copied into it, and then written.
  std::string text;
  JsonWriter w(text, 2);
  w.begin_object().field("format", kFormat);
  w.key("properties").begin_object();
  for (const auto& [name, value] : record.properties) w.field(name, value);
  w.end_object();
  w.key("summary").begin_object();
  for (const auto& [outcome, n] : record.counts()) w.field(outcome, n);
  w.end_object();
  w.key("cases").begin_array();
  for (const auto& c : record.cases) write_case(w, c);
  w.end_array().end_object();
  text += '\n';
  std::error_code ec;
  fs::create_directories(reports_dir, ec);
  return write_report_file(fs::path(reports_dir) / "results.json", text);
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
