#include "stubs/audit_log.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/encoding.h"
#include "common/utc_time.h"

namespace tc::stub {

namespace {

using nlohmann::json;

// Every string (keys included) with bytes that are not UTF-8 escaped; the dump would throw on them.
json escaped(const json& value) {
  if (value.is_string()) return escape_non_utf8(value.get_ref<const std::string&>());
  if (value.is_array()) {
    json out = json::array();
    for (const auto& v : value) out.push_back(escaped(v));
    return out;
  }
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [k, v] : value.items()) out[escape_non_utf8(k)] = escaped(v);
    return out;
  }
  return value;
}

std::string dump(const json& record) {
  try {
    return record.dump();
  } catch (const json::type_error&) {  // 316: a string that is not UTF-8
    return escaped(record).dump();
  }
}

std::string string_at(const json& record, const char* key) {
  auto it = record.find(key);
  return it != record.end() && it->is_string() ? escape_non_utf8(it->get_ref<const std::string&>()) : "";
}

}  // namespace

AuditLog::AuditLog(std::string component, std::string file, std::size_t retention)
    : component_(std::move(component)), file_(std::move(file)), retention_(retention == 0 ? 1 : retention) {
  if (file_.empty()) return;
  out_ = std::fopen(file_.c_str(), "ab");
  if (out_ == nullptr) throw std::runtime_error("audit file " + file_ + ": " + std::strerror(errno));
}

AuditLog::~AuditLog() {
  if (out_ != nullptr) std::fclose(out_);
}

void AuditLog::record(json record) {
  if (!record.is_object()) record = json::object();
  record["ts"] = rfc3339_ms(epoch_ms());
  record["component"] = component_;
  Entry entry{string_at(record, "correlation_id"), string_at(record, "event"), dump(record)};
  std::lock_guard lock(mu_);
  if (out_ != nullptr) {
    const bool written = std::fwrite(entry.line.data(), 1, entry.line.size(), out_) == entry.line.size() &&
                         std::fputc('\n', out_) != EOF && std::fflush(out_) == 0;
    if (!written) {
      std::clearerr(out_);
      throw std::runtime_error("audit file " + file_ + ": write failed: " + std::strerror(errno));
    }
  }
  const std::uint64_t number = first_ + records_.size();
  if (!entry.correlation_id.empty()) by_cid_[entry.correlation_id].push_back(number);
  records_.push_back(std::move(entry));
  if (records_.size() > retention_) {
    const Entry& oldest = records_.front();
    auto it = by_cid_.find(oldest.correlation_id);
    if (it != by_cid_.end()) {
      it->second.pop_front();  // the oldest number of that id is this record's
      if (it->second.empty()) by_cid_.erase(it);
    }
    records_.pop_front();
    ++first_;
  }
}

std::vector<json> AuditLog::query(const std::string& correlation_id, const std::string& event) const {
  std::vector<json> out;
  auto take = [&](const Entry& e) {
    if (event.empty() || e.event == event) out.push_back(json::parse(e.line));
  };
  std::lock_guard lock(mu_);
  if (correlation_id.empty()) {
    for (const auto& e : records_) take(e);
    return out;
  }
  auto it = by_cid_.find(correlation_id);
  if (it == by_cid_.end()) return out;
  for (std::uint64_t number : it->second) take(records_[number - first_]);
  return out;
}

}  // namespace tc::stub
