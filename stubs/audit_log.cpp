#include "stubs/audit_log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>

namespace tc::stub {

namespace {

// RFC 3339 UTC with milliseconds: 2026-01-31T12:34:56.789Z.
std::string now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

AuditLog::AuditLog(std::string component, std::string file)
    : component_(std::move(component)), file_(std::move(file)) {}

void AuditLog::record(nlohmann::json record) {
  if (!record.is_object()) record = nlohmann::json::object();
  record["ts"] = now_rfc3339();
  record["component"] = component_;
  std::lock_guard lock(mu_);
  if (!file_.empty()) {
    // Opened per record and closed (hence flushed) at once: a runner reads the file while we run,
    // and a line is either whole or absent.
    std::ofstream out(file_, std::ios::app | std::ios::binary);
    out << record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  records_.push_back(std::move(record));
}

std::vector<nlohmann::json> AuditLog::query(const std::string& correlation_id, const std::string& event) const {
  auto matches = [](const nlohmann::json& record, const char* key, const std::string& wanted) {
    if (wanted.empty()) return true;
    auto it = record.find(key);
    return it != record.end() && it->is_string() && it->get<std::string>() == wanted;
  };
  std::lock_guard lock(mu_);
  std::vector<nlohmann::json> out;
  for (const auto& record : records_)
    if (matches(record, "correlation_id", correlation_id) && matches(record, "event", event)) out.push_back(record);
  return out;
}

}  // namespace tc::stub
