#include "stubs/audit_log.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/encoding.h"
#include "common/utc_time.h"

namespace tc::stub {

namespace {

using nlohmann::json;

bool all_utf8(const json& value) {
  if (value.is_string()) return is_utf8(value.get_ref<const std::string&>());
  if (value.is_array())
    return std::all_of(value.begin(), value.end(), [](const json& v) { return all_utf8(v); });
  if (value.is_object()) {
    for (const auto& [k, v] : value.items())
      if (!is_utf8(k) || !all_utf8(v)) return false;
  }
  return true;
}

// Every string (keys included) with bytes that are not UTF-8 escaped.
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

// `text` as stored: unchanged when it is UTF-8 (nearly always), escaped otherwise.
std::string_view stored(std::string_view text, std::string& scratch) {
  if (is_utf8(text)) return text;
  scratch = escape_non_utf8(text);
  return scratch;
}

std::string string_member(const json& record, const char* key) {
  auto it = record.find(key);
  return it != record.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

AuditFields& AuditFields::text(std::string_view key, std::string_view value) {
  std::string k, v;
  out_.field(stored(key, k), stored(value, v));
  return *this;
}

AuditFields& AuditFields::text_or_null(std::string_view key, const std::optional<std::string>& value) {
  if (value) return text(key, *value);
  return this->value(key, nullptr);
}

AuditFields& AuditFields::number(std::string_view key, long long value) {
  std::string k;
  out_.field(stored(key, k), value);
  return *this;
}

AuditFields& AuditFields::value(std::string_view key, const json& value) {
  std::string k;
  out_.key(stored(key, k));
  if (all_utf8(value)) out_.value(value);
  else out_.value(escaped(value));
  return *this;
}

AuditFields& AuditFields::begin_object(std::string_view key) {
  std::string k;
  out_.key(stored(key, k)).begin_object();
  return *this;
}

AuditFields& AuditFields::end_object() {
  out_.end_object();
  return *this;
}

AuditLog::AuditLog(std::string component, std::string file, std::size_t retention)
    : component_(std::move(component)), file_(std::move(file)), retention_(retention == 0 ? 1 : retention) {
  if (file_.empty()) return;
  out_ = std::fopen(file_.c_str(), "ab");
  if (out_ == nullptr) throw std::runtime_error("audit file " + file_ + ": " + std::strerror(errno));
}

AuditLog::~AuditLog() {
  if (out_ != nullptr) std::fclose(out_);
}

void AuditLog::record(const json& record) {
  const json empty = json::object();
  const json& members = record.is_object() ? record : empty;
  this->record(string_member(members, "correlation_id"), string_member(members, "event"), [&](AuditFields& out) {
    for (const auto& [key, value] : members.items())
      if (key != "ts" && key != "component") out.value(key, value);
  });
}

void AuditLog::record(std::string_view correlation_id, std::string_view event, const std::function<void(AuditFields&)>& members) {
  Entry entry;
  entry.correlation_id = is_utf8(correlation_id) ? std::string(correlation_id) : escape_non_utf8(correlation_id);
  entry.event = is_utf8(event) ? std::string(event) : escape_non_utf8(event);
  entry.line.reserve(512);
  JsonWriter line(entry.line);
  line.begin_object();
  line.field("ts", rfc3339_ms(epoch_ms()));
  line.field("component", component_);
  AuditFields fields(line);
  members(fields);
  line.end_object();
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
  if (!entry.correlation_id.empty()) by_cid_[entry.correlation_id].list.push_back(number);
  records_.push_back(std::move(entry));
  if (records_.size() > retention_) {
    const Entry& oldest = records_.front();
    auto it = by_cid_.find(oldest.correlation_id);
    if (it != by_cid_.end()) {
      Numbers& numbers = it->second;  // its oldest number is this record's
      if (++numbers.head == numbers.list.size()) {
        by_cid_.erase(it);
      } else if (numbers.head * 2 >= numbers.list.size()) {
        numbers.list.erase(numbers.list.begin(), numbers.list.begin() + static_cast<std::ptrdiff_t>(numbers.head));
        numbers.head = 0;
      }
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
  const Numbers& numbers = it->second;
  for (std::size_t i = numbers.head; i < numbers.list.size(); ++i) take(records_[numbers.list[i] - first_]);
  return out;
}

}  // namespace tc::stub
