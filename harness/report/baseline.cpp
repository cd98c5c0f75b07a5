#include "harness/report/baseline.h"

#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>
#include <set>

#include "common/strict.h"
#include "common/utc_time.h"
#include "harness/report/report_file.h"

namespace tc {
namespace {

bool valid_date(const std::string& s) {
  static const std::regex shape("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
  if (!std::regex_match(s, shape)) return false;
  std::tm tm{};
  tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(s.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(s.substr(8, 2));
  tm.tm_hour = 12;
  std::tm normal = tm;
  timegm(&normal);  // normalises 2026-02-30 into March: then it was not a date
  return normal.tm_mon == tm.tm_mon && normal.tm_mday == tm.tm_mday;
}

}  // namespace

bool BaselineEntry::matches(const std::string& case_id) const {
  if (!test.empty() && test.back() == '*') return case_id.compare(0, test.size() - 1, test, 0, test.size() - 1) == 0;
  return case_id == test;
}

Result<Baseline> load_baseline(const std::string& path) {
  auto doc = load_document(path);
  if (!doc) return doc.error();
  return read_strictly([&] {
    const StrictReader r(*doc);
    Baseline baseline;
    baseline.file = path;
    r.object(r.root(), "", {"known_failures"}, {"known_failures"});
    const json& list = r.root()["known_failures"];
    r.array(list, "/known_failures");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string at = pointer_join("/known_failures", i);
      const json& e = list[i];
      r.object(e, at, {"test", "reason", "expires"}, {"test", "reason", "expires"});
      BaselineEntry entry;
      for (auto [key, slot] : {std::pair{"test", &entry.test}, {"reason", &entry.reason}, {"expires", &entry.expires}}) {
        *slot = r.string(e[key], pointer_join(at, key));
        if (slot->empty()) r.fail(pointer_join(at, key), std::string("'") + key + "' must not be empty");
      }
      if (!valid_date(entry.expires)) r.fail(pointer_join(at, "expires"), "'" + entry.expires + "' is not a date YYYY-MM-DD");
      entry.where = doc->where(at);
      baseline.entries.push_back(std::move(entry));
    }
    return baseline;
  });
}

BaselineVerdict apply_baseline(const Baseline& baseline, const RunRecord& record, const std::string& today) {
  BaselineVerdict v;
  std::set<std::string> failing, reported;
  for (const auto& c : record.cases)
    if (c.failing()) failing.insert(c.id());
  for (const auto& id : failing) {
    const BaselineEntry* holding = nullptr;
    const BaselineEntry* past = nullptr;
    for (const auto& e : baseline.entries) {
      if (!e.matches(id)) continue;
      if (e.expires >= today) holding = holding ? holding : &e;
      else past = past ? past : &e;
    }
    if (holding) v.known.push_back(id + ": " + holding->reason + " (until " + holding->expires + ")");
    else if (past) v.expired.push_back(id + ": " + past->reason + " (expired " + past->expires + ")");
    else v.new_failures.push_back(id);
  }
  for (const auto& e : baseline.entries) {
    bool ran = false, fails = false;
    for (const auto& c : record.cases) {
      if (!e.matches(c.id()) || c.outcome == "skipped") continue;
      ran = true;
      fails = fails || c.failing();
    }
    if (!ran) v.unmatched.push_back(e.test + " (" + e.where.to_string() + ")");
    else if (!fails) v.now_passing.push_back(e.test + " (" + e.where.to_string() + ")");
  }
  return v;
}

std::string today_utc() { return format_utc(epoch_ms(), "%Y-%m-%d"); }

namespace {
void print_baseline(std::ostream& out, const Baseline& baseline, const BaselineVerdict& v) {
  for (const auto& k : v.known) out << "baseline: known failure " << k << "\n";
  for (const auto& e : v.expired) out << "baseline: past expiry, counts as a failure: " << e << "\n";
  for (const auto& p : v.now_passing) out << "baseline: now passes, remove it: " << p << "\n";
  for (const auto& u : v.unmatched) out << "baseline: matched no case that ran: " << u << "\n";
  out << "baseline " << baseline.file << ": " << v.known.size() << " known failure(s), " << v.new_failures.size()
      << " new, " << v.expired.size() << " past expiry, " << v.now_passing.size() << " now passing\n";
}

Result<Unit> write_baseline_verdict(const BaselineVerdict& v, const std::string& reports_dir) {
  const json doc{{"new_failures", v.new_failures}, {"expired", v.expired},     {"known", v.known},
                 {"now_passing", v.now_passing},   {"unmatched", v.unmatched}, {"failed", v.failed()}};
  std::error_code ec;
  std::filesystem::create_directories(reports_dir, ec);
  return write_report_file(std::filesystem::path(reports_dir) / "baseline.json", doc.dump(2) + "\n");
}
}  // namespace

Result<bool> judge_by_baseline(const Baseline& baseline, const RunRecord& record, const std::string& reports_dir,
                               std::ostream& out) {
  const BaselineVerdict verdict = apply_baseline(baseline, record, today_utc());
  print_baseline(out, baseline, verdict);
  if (auto w = write_baseline_verdict(verdict, reports_dir); !w) return w.error();
  return verdict.failed();
}

}  // namespace tc
