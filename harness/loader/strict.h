// Strict reading of one loaded document (internal to the loader): allowed keys, required keys and
// types, each failure an input error naming file, line and JSON pointer. Inside the loader a failure
// is thrown as Rejected and caught at the file boundary (scenario_loader.cpp), which returns it as a
// value; nothing outside the loader sees the exception.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "common/document.h"
#include "harness/model/scenario.h"

namespace tc::loader {

struct Rejected {
  Error error;
};

[[noreturn]] void reject(const Document& doc, const std::string& pointer, const std::string& message);
[[noreturn]] void reject(Error error);

Loc loc_of(const Document& doc, const std::string& pointer);

// The node at `pointer` must be an object whose keys are all in `allowed` and include `required`.
void check_object(const Document& doc, const json& node, const std::string& pointer,
                  const std::vector<std::string>& allowed, const std::vector<std::string>& required = {});

// Type checks; `what` names the expected type in the message ("a string", "a list of strings").
void check_string(const Document& doc, const json& node, const std::string& pointer);
void check_bool(const Document& doc, const json& node, const std::string& pointer);
void check_array(const Document& doc, const json& node, const std::string& pointer, bool non_empty = false);
std::vector<std::string> read_string_list(const Document& doc, const json& node, const std::string& pointer);

// Identifiers name variables, captures, params and matrix keys: [A-Za-z_][A-Za-z0-9_]*.
bool is_identifier(const std::string& name);
void check_identifier(const Document& doc, const std::string& name, const std::string& pointer, const std::string& what);

// "a string", "an object", … for messages.
std::string describe_type(const json& value);

}  // namespace tc::loader
