// What `explore` knows of each tenant's request budget (T2) in the platform's current window: the
// requests the model predicted to be counted, the requests sent whose tenant it did not predict (a
// flow's, the pack's), and a refusal seen. Within a tenant's first window the budget is judged
// exactly where these agree; close to the window's end, and after it, either answer is accepted,
// since the platform's clock, not the model's, ends the window.
#pragma once
#include <chrono>
#include <map>
#include <string>

#include "harness/explore/model.h"

namespace tc::explore {

class BudgetLedger {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { left, spent, unknown };
  explicit BudgetLedger(const Model& model) : model_(model) {}

  State state(const std::string& tenant, Clock::time_point now) const;
  // Requests the tenant may surely still send in this window (0 where the ledger cannot tell).
  long room(const std::string& tenant, Clock::time_point now) const;
  void counted(const std::string& tenant, Clock::time_point sent_at);   // predicted to spend the budget
  void possible(const std::string& tenant, Clock::time_point sent_at);  // may have spent it
  void refused(const std::string& tenant);                              // answered as spent

 private:
  struct Window {               // one per tenant with a request or refusal seen
    Clock::time_point first;    // the first request's
    long definite = 0, possible = 0;
    bool spent = false, lost = false;  // lost: refused before any request seen, its start unknown
  };
  Window& window(const std::string& tenant, Clock::time_point at);
  const Model& model_;
  std::map<std::string, Window> windows_;
};

}  // namespace tc::explore
