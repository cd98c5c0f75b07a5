// A stub's audit records (contract U1, U2): appended as JSON lines to a file and kept in memory for
// GET /_audit?correlation_id=…&event=…. Thread-safe.
#pragma once
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tc::stub {

class AuditLog {
 public:
  // `component` is stamped on every record; `file` may be empty (memory only).
  AuditLog(std::string component, std::string file);
  // Adds ts (RFC 3339 UTC, milliseconds) and component, then stores and appends the record.
  void record(nlohmann::json record);
  // Records whose correlation_id and event equal the given ones (an empty filter matches all).
  std::vector<nlohmann::json> query(const std::string& correlation_id, const std::string& event) const;

 private:
  std::string component_;
  std::string file_;
  mutable std::mutex mu_;
  std::vector<nlohmann::json> records_;
};

}  // namespace tc::stub
