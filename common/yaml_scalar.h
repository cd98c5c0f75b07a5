// YAML 1.2 core-schema reading of a plain (unquoted) scalar into JSON: null/~ and the empty
// scalar, true/false, integers (decimal, 0o octal, 0x hex), floats, .inf and .nan; anything else is
// a string. An integer beyond 64 bits keeps its magnitude as a float; a number no double can hold
// (1e400, 1e-400, a 400-digit integer) is an error, never silently infinity or zero.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace tc {

struct ScalarValue {
  nlohmann::json value;
  std::string error;  // non-empty when the scalar is a number out of range: why
};

ScalarValue plain_scalar(const std::string& text);

}  // namespace tc
