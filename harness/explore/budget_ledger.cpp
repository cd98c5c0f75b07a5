#include "harness/explore/budget_ledger.h"

#include <limits>

namespace tc::explore {

namespace {
// How close to a window's end the model stops judging: the platform's window may start a little
// after the request that started it was sent, and its clock is not ours.
constexpr auto kMargin = std::chrono::seconds(2);
}  // namespace

BudgetLedger::Window& BudgetLedger::window(const std::string& tenant, Clock::time_point at) {
  return windows_.try_emplace(tenant, Window{at}).first->second;
}

BudgetLedger::State BudgetLedger::state(const std::string& tenant, Clock::time_point now) const {
  const auto budget = model_.budget(tenant);
  if (!budget) return State::left;
  const auto at = windows_.find(tenant);
  if (at == windows_.end()) return State::left;
  const Window& w = at->second;
  if (w.lost || now + kMargin >= w.first + std::chrono::seconds(budget->window_seconds)) return State::unknown;
  if (w.spent || w.definite >= budget->requests) return State::spent;
  if (w.definite + w.possible < budget->requests) return State::left;
  return State::unknown;
}

long BudgetLedger::room(const std::string& tenant, Clock::time_point now) const {
  const auto budget = model_.budget(tenant);
  if (!budget) return std::numeric_limits<long>::max();
  const auto at = windows_.find(tenant);
  if (at == windows_.end()) return budget->requests;
  if (state(tenant, now) != State::left) return 0;
  return budget->requests - at->second.definite - at->second.possible;
}

void BudgetLedger::counted(const std::string& tenant, Clock::time_point sent_at) {
  if (model_.budget(tenant)) ++window(tenant, sent_at).definite;
}

void BudgetLedger::possible(const std::string& tenant, Clock::time_point sent_at) {
  if (model_.budget(tenant)) ++window(tenant, sent_at).possible;
}

void BudgetLedger::refused(const std::string& tenant) {
  // A refusal before any request the ledger knows of: the window began at a time it cannot tell.
  auto [at, fresh] = windows_.try_emplace(tenant, Window{Clock::now()});
  at->second.spent = true;
  at->second.lost |= fresh;
}

}  // namespace tc::explore
