// Reading a component's audit source (harness/env/environment.h) for the records of one correlation
// id: jsonl (a file of JSON lines), stub (GET <location><paths.audit>?correlation_id=…), http (a URL
// template with {{correlation_id}}; a JSON array or {"records": […]}). Records without a
// correlation_id are kept (a source that filters for us need not repeat it). Not for kind none.
// Shared by `expect: audit` and doctor.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "common/status.h"
#include "harness/env/environment.h"

namespace tc {

using AuditSend = std::function<Result<HttpResponse>(const HttpRequest&)>;

// The records of `cid` now, or why they cannot be read. `audit_path` is the profile's paths.audit
// (stub sources only); `send` performs the GET with the caller's client.
Result<std::vector<json>> read_audit_records(const Component& component, const std::string& audit_path,
                                             const std::string& cid, const AuditSend& send);

// Reads until `settled` says the records decide the question, or the source's deadline passes; a
// synchronous source is read once, its answer final. Waits grow from 5 to 100 ms and are cut so the
// last read happens at the deadline, never after a sleep past it. The last read, or its error.
Result<std::vector<json>> poll_audit_records(const Component& component, const std::string& audit_path,
                                             const std::string& cid, const AuditSend& send,
                                             const std::function<bool(const std::vector<json>&)>& settled);

}  // namespace tc
