// Loading YAML or JSON files (one model: a JSON value) with the source line of every node, so that
// every later error can name file, line and JSON pointer. Loading itself is strict: a syntax error
// names file and line; duplicate keys are errors.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace tc {

using json = nlohmann::json;

struct Document {
  std::string file;                     // as given (relative paths stay relative in messages)
  json value;
  std::unordered_map<std::string, int> lines;  // JSON pointer ("" for the root) -> 1-based line
  // JSON pointer of a map -> its keys as the file wrote them (the JSON model sorts them).
  std::unordered_map<std::string, std::vector<std::string>> key_order;

  // The line of `pointer`, or of its nearest ancestor that has one.
  int line_of(const std::string& pointer) const;
  // The keys of the map at `pointer` in file order; the keys of `node` (the value at `pointer`), in
  // the model's order, when the file's order is not known (a document parsed as JSON, a rendered node).
  std::vector<std::string> keys_of(const std::string& pointer) const;
  std::vector<std::string> keys_of(const std::string& pointer, const json& node) const;
  // A Where for `pointer` in this document.
  Where where(const std::string& pointer) const;
};

// Reads a .yaml/.yml/.json file. YAML scalars map to JSON by YAML 1.2 core rules: a plain scalar
// null/~, true/false, an integer or a float becomes that JSON type; a quoted scalar is always a string.
Result<Document> load_document(const std::string& path);
// The same for text already in memory (`name` is used in messages).
Result<Document> parse_document(const std::string& text, const std::string& name);

// Appends a JSON pointer token with ~0/~1 escaping: pointer_join("/a", "b/c") == "/a/b~1c".
std::string pointer_join(const std::string& base, const std::string& token);
std::string pointer_join(const std::string& base, std::size_t index);

}  // namespace tc
