// Redaction of secrets in every output: bearer and basic credentials, JWTs, cookies, password and
// client-secret fields (also inside a JSON string that quotes a JSON body), and every value
// registered as secret (environment values, fixture secrets) in the forms a server or a log may
// give it back in: as is, JSON-escaped (once or twice), URL-encoded, and in base64 (standard or
// URL alphabet, at any offset of the encoded stream).
// JWTs are masked by a scan of their own; then one RE2 scan finds every other secret form and pattern.
// Thread-safe: secrets may be added while other threads apply.
#pragma once
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace tc {

inline constexpr std::string_view kRedacted = "«redacted»";

class Redactor {
 public:
  Redactor();
  ~Redactor();
  // Values shorter than 4 characters are ignored (they would mask ordinary text).
  void add_secret(std::string value);
  std::string apply(std::string_view text) const;
  // Builds the scan for the secrets known now, which the next apply would otherwise build (RE2's
  // compilation: a program may do it ahead, off its critical path).
  void prepare() const;
  // How many secrets have been added: a text applied while it was N needs no apply again while it
  // still is (apply gives back what it was given then).
  std::size_t generation() const;

  struct Program;  // the compiled alternatives (redact.cpp)

 private:
  void build_if_due() const;  // with mu_ held: program_ built when there is none or it is stale

  mutable std::mutex mu_;
  std::vector<std::string> secrets_;
  // Built at an apply when none is, or when the secrets added since outnumber a quarter of those in
  // it (so a long run adding one secret at a time compiles it a logarithmic number of times); applied
  // without the lock. The secrets added since are masked after it by plain search, longest form first.
  mutable std::shared_ptr<const Program> program_;
  mutable std::size_t built_ = 0;                          // secrets_[0, built_) are in program_
  mutable std::shared_ptr<std::vector<std::string>> pending_forms_;  // the forms of the others
  // Short texts already applied with the secrets there are now, and what apply gave: a record's
  // fields (check names, expected values, statuses) repeat step after step. Emptied by the first
  // apply after a secret is added, and when it is full.
  static constexpr std::size_t kRecalledBytes = 256, kRecalledTexts = 4096;
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  mutable std::unordered_map<std::string, std::string, TextHash, std::equal_to<>> recalled_;
  mutable std::size_t recalled_generation_ = 0;
};

// Whether `text` holds a JWT-shaped run (what the redactor masks as a token, whole or cut short).
bool holds_jwt(std::string_view text);

// The process-wide redactor that outputs use.
Redactor& global_redactor();

// Every regular file directly in `folder` but those in `except`, rewritten with each line passed
// through global_redactor(): for what was written before a secret was learnt, or by a component
// itself. A file the redactor leaves unchanged is not written; one that cannot be read is left as
// it is. One whose redacted text cannot be written is removed, since it may hold a secret: the errors
// (environment) name each such file.
std::vector<Error> redact_files_in_place(const std::string& folder, const std::set<std::string>& except = {});

}  // namespace tc
