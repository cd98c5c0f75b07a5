// A stub's audit records (contract U1, U2): appended as JSON lines to a file kept open (flushed per
// record, so a reader sees whole lines while the stub runs) and kept in memory for the audit query.
// Memory is bounded: the last `retention` records are kept (older ones stay only in the file), and
// records are found by correlation id through an index, not a scan. Thread-safe.
#pragma once
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/small_vector.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <nlohmann/json.hpp>

#include "common/json_text.h"

namespace tc::stub {

// The members of one audit record, written straight into its line in the order given: text that is
// not UTF-8 stored escaped (\xNN), as AuditLog promises.
class AuditFields {
 public:
  explicit AuditFields(JsonWriter& out) : out_(out) {}
  AuditFields& text(std::string_view key, std::string_view value);
  AuditFields& text_or_null(std::string_view key, const std::optional<std::string>& value);  // null when unknown
  AuditFields& number(std::string_view key, long long value);
  AuditFields& value(std::string_view key, const nlohmann::json& value);  // any JSON value
  AuditFields& begin_object(std::string_view key);
  AuditFields& end_object();

 private:
  JsonWriter& out_;
};

class AuditLog {
 public:
  static constexpr std::size_t kDefaultRetention = 10000;
  // `component` is stamped on every record; `file` may be empty (memory only). Throws
  // std::runtime_error naming the file when it cannot be opened for appending.
  AuditLog(std::string component, std::string file, std::size_t retention = kDefaultRetention);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;
  // Stores and appends the record: ts (RFC 3339 UTC, milliseconds) and component, then the members
  // `members` writes (never ts or component). `correlation_id` and `event` are what query() finds it
  // by (empty: by neither). Bytes that are not UTF-8, in the record and in what it is found by, are
  // stored escaped (\xNN), and a query names them so. Throws std::runtime_error when the file cannot
  // be written: a decision that cannot be recorded must not be answered as if it were.
  void record(std::string_view correlation_id, std::string_view event, const std::function<void(AuditFields&)>& members);
  // The same for a record given as a JSON object (its ts and component replaced), found by its
  // correlation_id and event members when they are strings.
  void record(const nlohmann::json& record);
  // Retained records whose correlation_id and event equal the given ones (an empty filter matches
  // all), oldest first.
  std::vector<nlohmann::json> query(const std::string& correlation_id, const std::string& event) const;

 private:
  struct Entry {
    std::string correlation_id, event, line;  // line: the record as written, without newline
  };
  std::string component_;
  std::string file_;
  std::size_t retention_;
  std::FILE* out_ = nullptr;
  mutable std::mutex mu_;
  std::deque<Entry> records_;                                          // records_[i] has number first_ + i
  std::uint64_t first_ = 0;
  // An id's record numbers, oldest first from `head`: a record or two nearly always, so kept inline;
  // the oldest leave by moving `head`, the list is compacted when half of it has left.
  struct Numbers {
    boost::container::small_vector<std::uint64_t, 2> list;
    std::size_t head = 0;
  };
  // In an open-addressed table: ten thousand ids in chained buckets cost a cache miss per step.
  boost::unordered_flat_map<std::string, Numbers> by_cid_;
};

}  // namespace tc::stub
