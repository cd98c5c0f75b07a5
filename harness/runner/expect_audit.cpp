// expect: audit — a list; each entry asks one component's audit source (environment.h) for the
// records of a correlation id (default: this step's) and checks that a record subset-matching
// `present` appears before the source's deadline, or that none matching `absent` appears until it;
// a synchronous source (it records before it answers) is read once, its answer final either way.
// Sources: stub (GET <location><contract.paths.audit>?correlation_id=…), jsonl (a file of JSON
// lines), http (a URL template with {{correlation_id}}; a JSON array or {"records": […]}), none (the
// check is skipped, never passed). With `well_formed: true` the record `present` found must also have
// the shape U1 gives every record (common/audit_shape.h); with `after: PATTERN` it must come after a
// record matching PATTERN in the order the source gives them (O1: records in check order).
#include <algorithm>

#include "common/audit_shape.h"
#include "common/json_match.h"
#include "common/json_text.h"
#include "harness/runner/audit_records.h"
#include "harness/runner/expectation.h"

namespace tc {

namespace {
constexpr const char* kKind = "audit";

void read_entry(const json& e, const StrictReader& r, const std::string& p) {
  r.object(e, p, {"component", "present", "absent", "correlation_id", "well_formed", "after"}, {"component"});
  for (const char* key : {"component", "correlation_id"})
    if (e.contains(key)) r.string(e[key], pointer_join(p, key));
  for (const char* key : {"present", "absent", "after"})
    if (e.contains(key)) r.map(e[key], pointer_join(p, key));
  if (e.contains("present") == e.contains("absent")) r.fail(p, "an audit check has one of present or absent");
  if (e.contains("well_formed")) {
    r.boolean(e["well_formed"], pointer_join(p, "well_formed"));
    if (!e.contains("present")) r.fail(pointer_join(p, "well_formed"), "well_formed asks of the record present finds");
  }
  if (e.contains("after") && !e.contains("present")) r.fail(pointer_join(p, "after"), "after orders the record present finds");
}

void read(const json& spec, const StrictReader& r, const std::string& pointer) {
  r.array(spec, pointer, true);
  for (std::size_t i = 0; i < spec.size(); ++i) read_entry(spec[i], r, pointer_join(pointer, i));
}

// The first record matching `pattern`; with `after`, the first one after a record matching `after`.
const json* first_match(const std::vector<json>& records, const json& pattern, const json* after = nullptr) {
  auto from = records.begin();
  if (after) {
    from = std::find_if(records.begin(), records.end(), [&](const json& r) { return !subset_mismatch(*after, r); });
    if (from == records.end()) return nullptr;
    ++from;
  }
  const auto hit = std::find_if(from, records.end(), [&](const json& r) { return !subset_mismatch(pattern, r); });
  return hit == records.end() ? nullptr : &*hit;
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
  o.evidence = json_text(json(records), 2);
  if (o.evidence.size() > kEvidenceLimit) o.evidence = o.evidence.substr(0, kEvidenceLimit) + "\n… (cut at 1 MiB)";
  return o;
}

Outcome check_entry(const StepContext& c, const json& entry) {
  const std::string name = entry.value("component", std::string());
  const bool want_present = entry.contains("present");
  const json pattern = want_present ? entry["present"] : entry.value("absent", json::object());
  const std::string desc = name + (want_present ? " present" : " absent");
  const bool well_formed = want_present && entry.value("well_formed", false);
  const json* after = want_present && entry.contains("after") ? &entry["after"] : nullptr;
  const std::string expected = (want_present ? "a record matching " : "no record matching ") + brief(pattern) +
                               (after ? " after a record matching " + brief(*after) : "") +
                               (well_formed ? ", shaped as U1 says" : "");
  auto it = c.environment.components.find(name);
  if (it == c.environment.components.end())
    return failed_outcome(kKind, desc, expected, "no component '" + name + "' in the topology");
  const Component& comp = it->second;
  if (comp.audit.kind.empty() || comp.audit.kind == "none")
    return skipped_outcome(kKind, desc, "component " + name + " has no audit source");
  const std::string cid = entry.value("correlation_id", c.correlation_id);

  // A synchronous source is read once: the step's response is in, so what it holds is final. A
  // lagging one is read until a matching record settles it or the deadline passes.
  const json* path = c.scope.lookup("contract.paths.audit");
  const std::string audit_path = path && path->is_string() ? path->get<std::string>() : "";
  auto records = poll_audit_records(comp, audit_path, cid, [&](const HttpRequest& r) { return c.run.send(r); },
                                    [&](const std::vector<json>& rs) { return first_match(rs, pattern, after) != nullptr; });
  if (!records) {
    if (records.error().kind == ErrorKind::environment) c.run.record_environment_error(records.error());
    return failed_outcome(kKind, desc, expected, "audit source unavailable: " + records.error().to_string());
  }
  const std::vector<json>& last = *records;
  if (const json* hit = first_match(last, pattern, after)) {
    if (well_formed)
      if (auto problem = audit_shape_problem(*hit))
        return with_evidence(failed_outcome(kKind, desc, expected, *problem + ": " + brief(*hit)), *hit);
    return with_evidence((want_present ? passed_outcome : failed_outcome)(kKind, desc, expected, brief(*hit)), *hit);
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
