#include "harness/report/allure.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "common/json_text.h"
#include "common/redact.h"
#include "harness/report/run_record.h"

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
  const std::string prefix = "< " + lower(header) + ":";
  for (const auto& step : result.steps) {
    std::size_t pos = 0;
    const std::string& t = step.transcript;
    while (pos < t.size()) {
      std::size_t end = t.find('\n', pos);
      if (end == std::string::npos) end = t.size();
      const std::string line = t.substr(pos, end - pos);
      if (lower(line.substr(0, prefix.size())) == prefix) {
        std::string v = line.substr(prefix.size());
        v.erase(0, v.find_first_not_of(' '));
        if (!v.empty()) tenants.insert(v);
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
  std::ofstream out(fs::path(options.results_dir) / "categories.json");
  out << categories.dump(2) << "\n";
  if (!out) return environment_error("", "cannot write " + options.results_dir + "/categories.json");
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
  std::vector<std::pair<std::string, std::string>> files;  // attachment file name, content
  // Text from a record is redacted already and written as it is; any other text is redacted here.
  auto attach = [&](const std::string& name, const std::string& text, bool redacted = false) {
    const std::string source = uuid + "-" + std::to_string(files.size()) + "-attachment.txt";
    files.emplace_back(source, redacted ? text : redact.apply(text));
    return json{{"name", name}, {"source", source}, {"type", "text/plain"}};
  };

  // Every text of a step from its record (run_record.h), redacted there; the result only says
  // what happened (ran, broken, failed). A step that did not pass keeps its transcript and evidence
  // on itself, where a reader of the failure looks; the passed steps' texts go, in order, into one
  // attachment of the case (a file per passed step would cost more than the step's request).
  std::string passed_texts;
  auto keep_passed = [&passed_texts](const std::string& heading, const std::string& text) {
    passed_texts += "── " + heading + "\n" + text + (text.empty() || text.back() != '\n' ? "\n\n" : "\n");
  };
  json steps = json::array();
  for (std::size_t i = 0; i < result.steps.size(); ++i) {
    const StepResult& step = result.steps[i];
    const StepRecord& record = c.steps[i];
    const bool passed = step.ran && !step.broken() && !step.failed();
    std::string title = record.name;
    if (!record.method.empty()) title += " — " + record.method + " " + record.url;
    if (passed && !record.transcript.empty()) keep_passed(title + ": transcript", record.transcript);
    json children = json::array();
    for (const auto& o : record.outcomes) {
      json child{{"name", o.kind + (o.description.empty() ? "" : " " + o.description)},
                 {"status", o.status},
                 {"stage", "finished"},
                 {"start", record.started_ms},
                 {"stop", record.finished_ms},
                 {"steps", json::array()},
                 {"attachments", json::array()},
                 {"parameters", json::array({{{"name", "expected"}, {"value", o.expected}},
                                             {{"name", "actual"}, {"value", o.actual}}})}};
      if (o.status == "failed") child["statusDetails"] = {{"message", "expected " + o.expected + ", actual " + o.actual}};
      if (o.status == "skipped") child["statusDetails"] = {{"message", o.reason}};
      if (!o.evidence.empty()) {  // whole, not the short `actual` of the message
        const std::string what = o.kind == "audit" ? "audit record" : o.kind + " evidence";
        if (passed) keep_passed(title + ": " + what + (o.description.empty() ? "" : " (" + o.description + ")"), o.evidence);
        else child["attachments"].push_back(attach(what, o.evidence, true));
      }
      children.push_back(std::move(child));
    }
    const char* status = !step.ran ? "skipped" : step.broken() ? "broken" : step.failed() ? "failed" : "passed";
    json node{{"name", title},                {"status", status},         {"stage", "finished"},
              {"start", record.started_ms},    {"stop", record.finished_ms}, {"steps", std::move(children)},
              {"attachments", json::array()}, {"parameters", json::array()}};
    if (record.status) node["parameters"].push_back({{"name", "status"}, {"value", std::to_string(record.status)}});
    if (!record.correlation_id.empty())
      node["parameters"].push_back({{"name", "correlation id"}, {"value", record.correlation_id}});
    std::string lines;
    for (const auto& l : step.failure_lines()) lines += l + "\n";
    if (!lines.empty()) node["statusDetails"] = {{"message", redact.apply(lines)}};
    if (!step.ran)
      node["statusDetails"] = {{"message", redact.apply(step.skipped ? "skipped: " + *step.skipped : "not run: an earlier step failed")}};
    if (!passed && !record.transcript.empty()) node["attachments"].push_back(attach("transcript", record.transcript, true));
    steps.push_back(std::move(node));
  }

  const std::string full_name = sc.suite_name + "." + sc.test_name;
  const std::string status = c.outcome == "error" ? "broken" : c.outcome;  // Allure's word for it
  std::string name = s.name;
  json parameters = json::array();
  if (sc.row.is_object()) {
    std::string label;
    for (const auto& key : s.matrix_keys) {
      if (!sc.row.contains(key)) continue;
      const std::string v = redact.apply(value_text(sc.row[key]));
      parameters.push_back({{"name", key}, {"value", v}});
      label += (label.empty() ? "" : ", ") + key + "=" + v;
    }
    name += " [" + label + "]";
  }
  json labels = json::array();
  auto label = [&labels](const std::string& n, const std::string& v) { labels.push_back({{"name", n}, {"value", v}}); };
  label("suite", sc.suite_name);
  label("feature", fs::path(s.file).parent_path().filename().string());
  label("story", s.name);
  for (const auto& t : s.tags) label("tag", t);
  const bool invariant = std::any_of(s.requirements.begin(), s.requirements.end(),
                                     [](const std::string& r) { return !r.empty() && r[0] == 'I'; });
  label("severity", invariant ? "critical" : "normal");
  for (const auto& t : served_tenants(result, options_.tenant_header)) label("tenant", redact.apply(t));
  label("framework", "tenantcheck");

  json links = json::array();
  for (const auto& id : s.requirements) {
    std::string anchor = lower(id);
    for (const auto& c : options_.clauses)
      if (c.id == id) anchor = heading_anchor(c.id + " \xE2\x80\x94 " + c.title);
    links.push_back({{"name", id}, {"url", options_.contract_url + "#" + anchor}, {"type", "requirement"}});
  }

  json doc{{"uuid", uuid},
           {"historyId", fnv_hex(full_name)},
           {"testCaseId", fnv_hex(full_name)},
           {"name", name},  // the scenario's own words: not redacted ("a bare Bearer challenge" is no token)
           {"fullName", full_name},
           {"description", s.description},
           {"status", status},
           {"stage", "finished"},
           {"start", result.started_ms},
           {"stop", result.finished_ms},
           {"labels", std::move(labels)},
           {"links", std::move(links)},
           {"parameters", std::move(parameters)},
           {"steps", std::move(steps)},
           {"attachments", json::array()}};
  if (!passed_texts.empty()) doc["attachments"].push_back(attach("passed steps: transcripts and evidence", passed_texts, true));
  if (result.skipped) {
    doc["statusDetails"] = {{"message", c.skip_reason}};
  } else if (result.failed()) {
    std::string message;  // the record's failure lines, the case's environment error among them
    for (const auto& l : c.failures) message += l + "\n";
    doc["statusDetails"] = {{"message", message}, {"trace", redact.apply(result.failure_message())}};
    if (options_.log_tails)
      for (const auto& [component, tail] : options_.log_tails())
        if (!tail.empty()) doc["attachments"].push_back(attach("log tail: " + component, tail));
  }

  std::lock_guard lock(mu_);
  bool written = true;  // an attachment lost is a result lost: said, as for the result itself
  for (const auto& [source, text] : files) {
    std::ofstream file(dir / source);
    file << text;
    file.close();  // the bytes leave the stream's buffer here: a full disk shows now
    written = !file.fail() && written;
  }
  std::ofstream out(dir / (uuid + "-result.json"));
  out << json_text(doc) << "\n";
  out.close();
  if ((out.fail() || !written) && !error_) error_ = environment_error("", "cannot write Allure results into " + options_.results_dir);
}

Result<Unit> write_allure_environment(const std::string& results_dir, const std::map<std::string, std::string>& properties) {
  std::ofstream out(fs::path(results_dir) / "environment.properties");
  for (const auto& [k, v] : properties) out << k << "=" << global_redactor().apply(v) << "\n";
  if (!out) return environment_error("", "cannot write " + results_dir + "/environment.properties");
  return Unit{};
}

std::optional<Error> AllureWriter::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

}  // namespace tc
