#include "harness/report/allure.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "common/headers.h"
#include "common/json_text.h"
#include "common/redact.h"
#include "harness/report/run_record.h"
#include "harness/report/report_file.h"

namespace tc {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string new_uuid() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock(mu);
  const std::uint64_t a = rng(), b = rng();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string fnv_hex(const std::string& text) {  // a stable id from a name
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Tenants the responses were served in: the tenant header's values on "< Name: value" lines.
std::set<std::string> served_tenants(const ScenarioResult& result, const std::string& header) {
  std::set<std::string> tenants;
  if (header.empty()) return tenants;
  const std::string prefix = "< " + header + ":";
  for (const auto& step : result.steps) {
    const std::string_view t = step.transcript;
    for (std::size_t pos = 0; pos < t.size();) {
      std::size_t end = t.find('\n', pos);
      if (end == std::string_view::npos) end = t.size();
      const std::string_view line = t.substr(pos, end - pos);
      if (line.size() >= prefix.size() && iequals(line.substr(0, prefix.size()), prefix)) {
        std::string_view v = line.substr(prefix.size());
        v.remove_prefix(std::min(v.find_first_not_of(' '), v.size()));
        if (!v.empty()) tenants.emplace(v);
      }
      pos = end + 1;
    }
  }
  return tenants;
}

}  // namespace

std::string heading_anchor(const std::string& heading) {
  std::string out;
  for (unsigned char c : heading) {
    if (std::isalnum(c) || c == '-' || c == '_') out += static_cast<char>(std::tolower(c));
    else if (c == ' ') out += '-';
    else if (c >= 0x80) continue;  // the em dash and other non-ASCII punctuation vanish
  }
  return out;
}

Result<AllureWriter> AllureWriter::open(AllureOptions options) {
  std::error_code ec;
  fs::remove_all(options.results_dir, ec);
  fs::create_directories(options.results_dir, ec);
  if (ec) return environment_error("", "cannot create " + options.results_dir + ": " + ec.message());
  // Allure's categories: a failed result is a contract violation, a broken one an environment error.
  const json categories = json::array(
      {{{"name", "Contract violations"}, {"matchedStatuses", {"failed"}}},
       {{"name", "Environment errors"}, {"matchedStatuses", {"broken"}}}});
  if (auto w = write_report_file(fs::path(options.results_dir) / "categories.json", categories.dump(2) + "\n"); !w)
    return w.error();
  return AllureWriter(std::move(options));
}

void AllureWriter::on_scenario(const ScenarioCase& sc, const ScenarioResult& result) {
  on_case(make_case_record(sc, result), sc, result);
}

void AllureWriter::on_case(const CaseRecord& c, const ScenarioCase& sc, const ScenarioResult& result) {
  const Redactor& redact = global_redactor();
  const Scenario& s = *sc.scenario;
  const std::string uuid = new_uuid();
  const fs::path dir(options_.results_dir);
  const std::string full_name = sc.suite_name + "." + sc.test_name;
  const std::string status = c.outcome == "error" ? "broken" : c.outcome;  // Allure's word for it
  std::vector<std::pair<std::string, std::string>> files;  // attachment file name, content
  // The result is written as it is built (a case of many steps would otherwise be built as a JSON
  // value first, every text copied into it).
  std::string text;
  JsonWriter w(text);
  // Text from a record is redacted already and written as it is; any other text is redacted here.
  auto attach = [&](const std::string& name, const std::string& content, bool redacted = false) {
    const std::string source = uuid + "-" + std::to_string(files.size()) + "-attachment.txt";
    files.emplace_back(source, redacted ? content : redact.apply(content));
    w.begin_object().field("name", name).field("source", source).field("type", "text/plain").end_object();
  };
  auto name_value = [&w](const std::string& name, const std::string& value) {
    w.begin_object().field("name", name).field("value", value).end_object();
  };
  auto status_message = [&w](const std::string& message) {
    w.key("statusDetails").begin_object().field("message", message).end_object();
  };

  std::string name = s.name;
  std::vector<std::pair<std::string, std::string>> parameters;
  if (sc.row.is_object()) {
    std::string label;
    for (const auto& key : s.matrix_keys) {
      if (!sc.row.contains(key)) continue;
      const std::string v = redact.apply(value_text(sc.row[key]));
      parameters.emplace_back(key, v);
      label += (label.empty() ? "" : ", ") + key + "=" + v;
    }
    name += " [" + label + "]";
  }
  w.begin_object().field("uuid", uuid).field("historyId", fnv_hex(full_name)).field("testCaseId", fnv_hex(full_name));
  w.field("name", name);  // the scenario's own words: not redacted ("a bare Bearer challenge" is no token)
  w.field("fullName", full_name).field("description", s.description).field("status", status).field("stage", "finished");
  w.field("start", result.started_ms).field("stop", result.finished_ms);

  w.key("labels").begin_array();
  name_value("suite", sc.suite_name);
  name_value("feature", fs::path(s.file).parent_path().filename().string());
  name_value("story", s.name);
  for (const auto& t : s.tags) name_value("tag", t);
  const bool invariant = std::any_of(s.requirements.begin(), s.requirements.end(),
                                     [](const std::string& r) { return !r.empty() && r[0] == 'I'; });
  name_value("severity", invariant ? "critical" : "normal");
  for (const auto& t : served_tenants(result, options_.tenant_header)) name_value("tenant", redact.apply(t));
  name_value("framework", "tenantcheck");
  w.end_array();

  w.key("links").begin_array();
  for (const auto& id : s.requirements) {
    std::string anchor = lower(id);
    for (const auto& clause : options_.clauses)
      if (clause.id == id) anchor = heading_anchor(clause.id + " \xE2\x80\x94 " + clause.title);
    w.begin_object().field("name", id).field("url", options_.contract_url + "#" + anchor).field("type", "requirement");
    w.end_object();
  }
  w.end_array();

  w.key("parameters").begin_array();
  for (const auto& [key, value] : parameters) name_value(key, value);
  w.end_array();

  // Every text of a step from its record (run_record.h), redacted there; the result only says
  // what happened (ran, broken, failed). A step that did not pass keeps its transcript and evidence
  // on itself, where a reader of the failure looks; the passed steps' texts go, in order, into one
  // attachment of the case (a file per passed step would cost more than the step's request).
  std::string passed_texts;
  auto keep_passed = [&passed_texts](const std::string& heading, const std::string& content) {
    passed_texts += "── " + heading + "\n" + content + (content.empty() || content.back() != '\n' ? "\n\n" : "\n");
  };
  w.key("steps").begin_array();
  for (std::size_t i = 0; i < result.steps.size(); ++i) {
    const StepResult& step = result.steps[i];
    const StepRecord& record = c.steps[i];
    const bool passed = step.ran && !step.broken() && !step.failed();
    std::string title = record.name;
    if (!record.method.empty()) title += " — " + record.method + " " + record.url;
    if (passed && !record.transcript.empty()) keep_passed(title + ": transcript", record.transcript);
    const char* step_status = !step.ran ? "skipped" : step.broken() ? "broken" : step.failed() ? "failed" : "passed";
    w.begin_object().field("name", title).field("status", step_status).field("stage", "finished");
    w.field("start", record.started_ms).field("stop", record.finished_ms);
    w.key("steps").begin_array();
    for (const auto& o : record.outcomes) {
      w.begin_object().field("name", o.kind + (o.description.empty() ? "" : " " + o.description));
      w.field("status", o.status).field("stage", "finished").field("start", record.started_ms).field("stop", record.finished_ms);
      w.key("steps").begin_array().end_array();
      w.key("attachments").begin_array();
      if (!o.evidence.empty()) {  // whole, not the short `actual` of the message
        const std::string what = o.kind == "audit" ? "audit record" : o.kind + " evidence";
        if (passed) keep_passed(title + ": " + what + (o.description.empty() ? "" : " (" + o.description + ")"), o.evidence);
        else attach(what, o.evidence, true);
      }
      w.end_array();
      w.key("parameters").begin_array();
      name_value("expected", o.expected);
      name_value("actual", o.actual);
      w.end_array();
      if (o.status == "failed") status_message("expected " + o.expected + ", actual " + o.actual);
      if (o.status == "skipped") status_message(o.reason);
      w.end_object();
    }
    w.end_array();
    w.key("attachments").begin_array();
    if (!passed && !record.transcript.empty()) attach("transcript", record.transcript, true);
    w.end_array();
    w.key("parameters").begin_array();
    if (record.status) name_value("status", std::to_string(record.status));
    if (!record.correlation_id.empty()) name_value("correlation id", record.correlation_id);
    w.end_array();
    std::string lines;
    for (const auto& l : step.failure_lines()) lines += l + "\n";
    if (!step.ran) lines = step.skipped ? "skipped: " + *step.skipped : "not run: an earlier step failed";
    if (!lines.empty()) status_message(redact.apply(lines));
    w.end_object();
  }
  w.end_array();

  w.key("attachments").begin_array();
  if (!passed_texts.empty()) attach("passed steps: transcripts and evidence", passed_texts, true);
  if (!result.skipped && result.failed() && options_.log_tails)
    for (const auto& [component, tail] : options_.log_tails())
      if (!tail.empty()) attach("log tail: " + component, tail);
  w.end_array();
  if (result.skipped) {
    status_message(c.skip_reason);
  } else if (result.failed()) {
    std::string message;  // the record's failure lines, the case's environment error among them
    for (const auto& l : c.failures) message += l + "\n";
    w.key("statusDetails").begin_object().field("message", message).field("trace", redact.apply(result.failure_message()));
    w.end_object();
  }
  w.end_object();

  std::lock_guard lock(mu_);
  bool written = true;  // an attachment lost is a result lost: said, as for the result itself
  for (const auto& [source, text] : files) written = write_report_file(dir / source, text).ok() && written;
  written = write_report_file(dir / (uuid + "-result.json"), text + "\n").ok() && written;
  if (!written && !write_failed_) {
    write_failed_ = true;
    errors_.push_back(environment_error("", "cannot write Allure results into " + options_.results_dir));
  }
}

Result<Unit> write_allure_environment(const std::string& results_dir, const std::map<std::string, std::string>& properties) {
  std::string text;
  for (const auto& [k, v] : properties) text += k + "=" + global_redactor().apply(v) + "\n";
  return write_report_file(fs::path(results_dir) / "environment.properties", text);
}

std::vector<Error> AllureWriter::errors() const {
  std::lock_guard lock(mu_);
  return errors_;
}

void AllureWriter::redact_written_again() {
  auto lost = redact_files_in_place(options_.results_dir);
  std::lock_guard lock(mu_);
  for (auto& e : lost) errors_.push_back(std::move(e));
}

}  // namespace tc
