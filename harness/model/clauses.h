// Clauses of the contract document (docs/contract.md, "### A8 — Title": one capital letter, then
// digits) and selections of them: a selector is a clause id ("A8") or a family ("P", every clause
// whose id starts with that letter). A topology's `clauses:` is such a selection; the requirements
// matrix lists the clauses it selects.
#pragma once
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace tc {

inline bool is_clause_selector(const std::string& s) {
  return !s.empty() && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin() + 1, s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// Whether `selection` selects clause `id`; an empty selection selects every clause.
inline bool clause_selected(const std::string& id, const std::vector<std::string>& selection) {
  if (selection.empty()) return true;
  return std::any_of(selection.begin(), selection.end(), [&](const std::string& s) {
    return s == id || (s.size() == 1 && !id.empty() && id[0] == s[0] && id.size() > 1 &&
                       std::all_of(id.begin() + 1, id.end(), [](unsigned char c) { return std::isdigit(c); }));
  });
}

}  // namespace tc
