// expect: audit — a list; each entry asks one component's audit source (environment.h) for the
// records of a correlation id (default: this step's) and checks that a record subset-matching
// `present` appears before the source's deadline, or that none matching `absent` appears until it;
// a synchronous source (it records before it answers) is read once, its answer final either way.
// Sources: stub (GET <location><contract.paths.audit>?correlation_id=…), jsonl (a file of JSON
// lines), http (a URL template with {{correlation_id}}; a JSON array or {"records": […]}), none (the
// check is skipped, never passed).
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/json_match.h"
#include "harness/runner/expectation.h"

namespace tc {

namespace {
constexpr const char* kKind = "audit";
constexpr auto kFirstPoll = std::chrono::milliseconds(5);
constexpr auto kPollInterval = std::chrono::milliseconds(100);

void read_entry(const json& e, const StrictReader& r, const std::string& p) {
  r.object(e, p, {"component", "present", "absent", "correlation_id"}, {"component"});
  for (const char* key : {"component", "correlation_id"})
    if (e.contains(key)) r.string(e[key], pointer_join(p, key));
  for (const char* key : {"present", "absent"})
    if (e.contains(key)) r.map(e[key], pointer_join(p, key));
  if (e.contains("present") == e.contains("absent")) r.fail(p, "an audit check has one of present or absent");
}

void read(const json& spec, const StrictReader& r, const std::string& pointer) {
  r.array(spec, pointer, true);
  for (std::size_t i = 0; i < spec.size(); ++i) read_entry(spec[i], r, pointer_join(pointer, i));
}

std::vector<json> keep_correlated(const json& records, const std::string& cid) {
  std::vector<json> out;
  for (const auto& r : records) {
    auto it = r.is_object() ? r.find("correlation_id") : r.end();
    if (r.is_object() && (it == r.end() || *it == cid)) out.push_back(r);
  }
  return out;
}

// The records of `cid` now, or the reason they cannot be read.
Result<std::vector<json>> read_records(const StepContext& c, const Component& comp, const std::string& cid) {
  const AuditSourceSpec& src = comp.audit;
  if (src.kind == "jsonl") {
    std::ifstream in(src.location);
    std::vector<json> out;
    std::string line;
    while (in && std::getline(in, line)) {
      json r = json::parse(line, nullptr, false);
      if (!r.is_discarded() && r.is_object() && r.value("correlation_id", json()) == cid) out.push_back(std::move(r));
    }
    return out;
  }
  const json* path = c.scope.lookup("contract.paths.audit");
  if (src.kind == "stub" && (!path || !path->is_string())) return input_error({}, "the contract profile has no paths.audit");
  const std::string url = audit_query_url(src, src.kind == "stub" ? path->get<std::string>() : "", cid);
  HttpRequest req;
  req.url = url;
  req.timeout_ms = 5000;
  auto res = c.run.send(req);
  if (!res) {
    Error e = res.error();
    e.where.component = comp.name;
    return e;
  }
  if (res->status < 200 || res->status > 299)
    return input_error({}, "GET " + url + " answered " + std::to_string(res->status));
  json body = json::parse(res->body, nullptr, false);
  if (body.is_object() && body.contains("records")) body = body["records"];
  if (!body.is_array()) return input_error({}, "GET " + url + " did not answer a JSON array of records");
  return keep_correlated(body, cid);
}

const json* first_match(const std::vector<json>& records, const json& pattern) {
  for (const auto& r : records)
    if (!subset_mismatch(pattern, r)) return &r;
  return nullptr;
}

std::string describe(const std::vector<json>& records, const std::string& cid) {
  if (records.empty()) return "no record for correlation id " + cid;
  json events = json::array();
  for (const auto& r : records) events.push_back(r);
  return std::to_string(records.size()) + " record(s) for correlation id " + cid + ": " + brief(events, 600);
}

// Records whole, for reports: the short `actual` of a message line drops fields a reviewer reads.
template <class Records>
Outcome with_evidence(Outcome o, const Records& records) {
  o.evidence = json(records).dump(2, ' ', false, json::error_handler_t::replace);
  if (o.evidence.size() > kEvidenceLimit) o.evidence = o.evidence.substr(0, kEvidenceLimit) + "\n… (cut at 1 MiB)";
  return o;
}

Outcome check_entry(const StepContext& c, const json& entry) {
  const std::string name = entry.value("component", std::string());
  const bool want_present = entry.contains("present");
  const json pattern = want_present ? entry["present"] : entry.value("absent", json::object());
  const std::string desc = name + (want_present ? " present" : " absent");
  const std::string expected = (want_present ? "a record matching " : "no record matching ") + brief(pattern);
  auto it = c.environment.components.find(name);
  if (it == c.environment.components.end())
    return failed_outcome(kKind, desc, expected, "no component '" + name + "' in the topology");
  const Component& comp = it->second;
  if (comp.audit.kind.empty() || comp.audit.kind == "none")
    return skipped_outcome(kKind, desc, "component " + name + " has no audit source");
  const std::string cid = entry.value("correlation_id", c.correlation_id);

  // A synchronous source is read once: the step's response is in, so what it holds is final. A
  // lagging one is read until the deadline, the waits growing from kFirstPoll to kPollInterval and
  // cut so that the last read happens at the deadline, never after a sleep past it.
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(comp.audit.synchronous ? 0 : comp.audit.deadline_ms);
  auto pause = kFirstPoll;
  std::vector<json> last;
  std::optional<Error> last_error;
  for (;;) {
    auto records = read_records(c, comp, cid);
    if (records) {
      last_error.reset();
      last = std::move(*records);
      const json* hit = first_match(last, pattern);
      if (want_present && hit) return with_evidence(passed_outcome(kKind, desc, expected, brief(*hit)), *hit);
      if (!want_present && hit) return with_evidence(failed_outcome(kKind, desc, expected, brief(*hit)), *hit);
    } else {
      last_error = records.error();
    }
    const auto now = Clock::now();
    if (now >= deadline) break;
    std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - now));
    pause = std::min<std::chrono::milliseconds>(pause * 2, kPollInterval);
  }
  if (last_error) {
    if (last_error->kind == ErrorKind::environment) c.run.record_environment_error(*last_error);
    return failed_outcome(kKind, desc, expected, "audit source unavailable: " + last_error->to_string());
  }
  if (want_present) return with_evidence(failed_outcome(kKind, desc, expected, describe(last, cid)), last);
  return with_evidence(passed_outcome(kKind, desc, expected, describe(last, cid)), last);
}

std::vector<Outcome> evaluate(const StepContext& c) {
  if (!c.spec.is_array()) return {failed_outcome(kKind, "", "a list of audit checks", brief(c.spec))};
  std::vector<Outcome> out;
  for (const auto& entry : c.spec) out.push_back(check_entry(c, entry));
  return out;
}
}  // namespace

void register_expect_audit() {
  register_expectation_kind({kKind, read});
  register_expectation_evaluator(kKind, evaluate, Spelling::item_component);
}

}  // namespace tc
