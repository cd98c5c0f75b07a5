#include "harness/runner/audit_records.h"

#include <chrono>
#include <fstream>
#include <thread>

namespace tc {

namespace {
constexpr auto kFirstPoll = std::chrono::milliseconds(5);
constexpr auto kPollInterval = std::chrono::milliseconds(100);
constexpr long kReadTimeoutMs = 5000;

std::vector<json> keep_correlated(const json& records, const std::string& cid) {
  std::vector<json> out;
  for (const auto& r : records) {
    auto it = r.is_object() ? r.find("correlation_id") : r.end();
    if (r.is_object() && (it == r.end() || *it == cid)) out.push_back(r);
  }
  return out;
}
}  // namespace

Result<std::vector<json>> read_audit_records(const Component& comp, const std::string& audit_path,
                                             const std::string& cid, const AuditSend& send) {
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
  if (src.kind == "stub" && audit_path.empty()) return input_error({}, "the contract profile has no paths.audit");
  const std::string url = audit_query_url(src, audit_path, cid);
  HttpRequest req;
  req.url = url;
  req.timeout_ms = kReadTimeoutMs;
  auto res = send(req);
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

Result<std::vector<json>> poll_audit_records(const Component& comp, const std::string& audit_path,
                                             const std::string& cid, const AuditSend& send,
                                             const std::function<bool(const std::vector<json>&)>& settled) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(comp.audit.synchronous ? 0 : comp.audit.deadline_ms);
  auto pause = kFirstPoll;
  for (;;) {
    auto records = read_audit_records(comp, audit_path, cid, send);
    if (records && settled(*records)) return records;
    const auto now = Clock::now();
    if (now >= deadline) return records;
    std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - now));
    pause = std::min<std::chrono::milliseconds>(pause * 2, kPollInterval);
  }
}

}  // namespace tc
