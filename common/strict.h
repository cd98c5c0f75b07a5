// Strict reading of a loaded Document (scenarios, step files, topologies, fixtures, bindings,
// baselines, run records, expectation specs). Every mistake is an input Error (common/status.h) that
// names file, line and JSON pointer, and each kind of mistake is worded once, here:
//   unknown key 'x' (expected one of: a, b)     missing required key 'x'
//   expected a string, got a list               expected a non-empty list
//   expected one of: a, b, got 'x'
// Inside a reader a mistake is thrown as Rejected and caught once, at the file's boundary, by
// read_strictly(), which hands it on as a value; no caller outside a reader sees the exception.
#pragma once
#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <type_traits>
#include <vector>

#include "common/document.h"

namespace tc {

struct Rejected {
  Error error;
};

[[noreturn]] void reject(Error error);

// Runs `read` (a reader that may throw Rejected) and returns its value or the error.
template <class F>
auto read_strictly(F&& read) -> Result<std::conditional_t<std::is_void_v<std::invoke_result_t<F>>, Unit,
                                                           std::invoke_result_t<F>>> {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
      read();
      return Unit{};
    } else {
      return read();
    }
  } catch (const Rejected& r) {
    return r.error;
  }
}

// "a string", "a list", "a map", "an integer", … for messages.
std::string describe_type(const json& value);

// Reads the nodes of one document; each check throws Rejected on the first mistake. `node` is the
// value at `pointer` (the pointer only places the message).
class StrictReader {
 public:
  explicit StrictReader(const Document& doc) : doc_(doc) {}
  const Document& doc() const { return doc_; }
  const json& root() const { return doc_.value; }

  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const;
  // "missing required key 'key'", with `why` in parentheses when given.
  [[noreturn]] void missing(const std::string& pointer, const std::string& key, const std::string& why = "") const;

  // A map whose keys are all in `allowed` and include every one of `required`.
  void object(const json& node, const std::string& pointer, const std::vector<std::string>& allowed,
              const std::vector<std::string>& required = {}) const;
  // A map with any keys.
  void map(const json& node, const std::string& pointer) const;
  void array(const json& node, const std::string& pointer, bool non_empty = false) const;
  const std::string& string(const json& node, const std::string& pointer) const;
  bool boolean(const json& node, const std::string& pointer) const;
  std::int64_t integer(const json& node, const std::string& pointer) const;
  // A positive integer of `unit`s (a deadline, a size) no larger than `max`: nothing is unbounded.
  long positive(const json& node, const std::string& pointer, long max, const std::string& unit) const;
  std::vector<std::string> strings(const json& node, const std::string& pointer) const;
  std::map<std::string, std::string> string_map(const json& node, const std::string& pointer) const;
  // A string that compiles as an ECMAScript regular expression; the compiled pattern.
  std::regex regex(const json& node, const std::string& pointer) const;
  // `value` (found at `pointer`) must be one of `allowed`.
  void one_of(const std::string& value, const std::string& pointer, const std::vector<std::string>& allowed) const;

  // Optional members of the map `obj` at `pointer`: the fallback when `key` is absent.
  std::string string_or(const json& obj, const std::string& pointer, const std::string& key,
                        const std::string& fallback = "") const;
  bool boolean_or(const json& obj, const std::string& pointer, const std::string& key, bool fallback = false) const;
  std::vector<std::string> strings_or_empty(const json& obj, const std::string& pointer, const std::string& key) const;

  // The keys of the map at `pointer` in the order the file wrote them.
  std::vector<std::string> keys_in_order(const std::string& pointer) const { return doc_.keys_of(pointer); }

 private:
  const Document& doc_;
};

}  // namespace tc
