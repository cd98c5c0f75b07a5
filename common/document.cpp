#include "common/document.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <limits>
#include <regex>
#include <sstream>

#include "common/json_match.h"

namespace tc {
namespace {

// Raised while converting; turned into an input Error at the boundary.
struct ConvertError {
  int line;
  std::string pointer;
  std::string message;
};

int line_of(const YAML::Node& node) {
  YAML::Mark m = node.Mark();
  return m.line >= 0 ? m.line + 1 : 0;
}

// YAML 1.2 core schema for plain scalars.
json plain_scalar(const std::string& s) {
  static const std::regex null_re("^(null|Null|NULL|~|)$");
  static const std::regex true_re("^(true|True|TRUE)$");
  static const std::regex false_re("^(false|False|FALSE)$");
  static const std::regex int_re("^[-+]?[0-9]+$");
  static const std::regex oct_re("^0o[0-7]+$");
  static const std::regex hex_re("^0x[0-9a-fA-F]+$");
  static const std::regex float_re("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  static const std::regex inf_re("^[-+]?\\.(inf|Inf|INF)$");
  static const std::regex nan_re("^\\.(nan|NaN|NAN)$");
  // Most scalars are words: only these first characters can start a non-string plain scalar.
  if (!s.empty() && std::string_view("-+.0123456789nNtTfF~").find(s[0]) == std::string_view::npos) return s;
  if (std::regex_match(s, null_re)) return nullptr;
  if (std::regex_match(s, true_re)) return true;
  if (std::regex_match(s, false_re)) return false;
  try {
    if (std::regex_match(s, int_re)) return static_cast<std::int64_t>(std::stoll(s, nullptr, 10));
    if (std::regex_match(s, oct_re)) return static_cast<std::int64_t>(std::stoll(s.substr(2), nullptr, 8));
    if (std::regex_match(s, hex_re)) return static_cast<std::int64_t>(std::stoll(s.substr(2), nullptr, 16));
  } catch (const std::out_of_range&) {
    return std::stod(s);  // too large for int64: keep its magnitude as a float
  }
  if (std::regex_match(s, float_re)) return std::stod(s);
  if (std::regex_match(s, inf_re))
    return s[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (std::regex_match(s, nan_re)) return std::numeric_limits<double>::quiet_NaN();
  return s;
}

json convert(const YAML::Node& node, const std::string& pointer, Document& doc) {
  auto& lines = doc.lines;
  lines[pointer] = line_of(node);
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      // A quoted scalar carries the non-specific tag "!": always a string.
      if (node.Tag() == "!") return node.Scalar();
      return plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      json out = json::array();
      std::size_t i = 0;
      for (const auto& child : node) out.push_back(convert(child, pointer_join(pointer, i++), doc));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      auto& order = doc.key_order[pointer];
      for (const auto& kv : node) {
        if (!kv.first.IsScalar())
          throw ConvertError{line_of(kv.first), pointer, "mapping keys must be scalars"};
        const std::string key = kv.first.Scalar();
        std::string child = pointer_join(pointer, key);
        if (out.contains(key))
          throw ConvertError{line_of(kv.first), child,
                             "duplicate key '" + key + "' (first at line " + std::to_string(lines[child]) + ")"};
        order.push_back(key);
        out[key] = convert(kv.second, child, doc);
        // The key's line is where a reader looks for the entry, even when the value starts later.
        lines[child] = line_of(kv.first);
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace

int Document::line_of(const std::string& pointer) const {
  std::string p = pointer;
  while (true) {
    auto it = lines.find(p);
    if (it != lines.end()) return it->second;
    if (p.empty()) return 0;
    auto slash = p.rfind('/');
    p = slash == std::string::npos ? std::string() : p.substr(0, slash);
  }
}

std::vector<std::string> Document::keys_of(const std::string& pointer) const {
  const json* node = find_pointer(value, pointer);
  return node ? keys_of(pointer, *node) : std::vector<std::string>{};
}

std::vector<std::string> Document::keys_of(const std::string& pointer, const json& node) const {
  auto it = key_order.find(pointer);
  if (it != key_order.end() && it->second.size() == node.size()) return it->second;
  std::vector<std::string> keys;
  if (node.is_object())
    for (const auto& [k, v] : node.items()) keys.push_back(k);
  return keys;
}

Where Document::where(const std::string& pointer) const {
  Where w;
  w.file = file;
  w.line = line_of(pointer);
  w.pointer = pointer;
  return w;
}

namespace {
// The 1-based line of the first tab among a line's leading blanks (outside block scalars a tab
// there cannot be YAML); 0 when there is none.
int first_indenting_tab(const std::string& text) {
  int line = 1;
  bool leading = true;
  for (char c : text) {
    if (c == '\n') {
      ++line;
      leading = true;
    } else if (leading && c == '\t') {
      return line;
    } else if (c != ' ') {
      leading = false;
    }
  }
  return 0;
}
}  // namespace

Result<Document> parse_document(const std::string& text, const std::string& name) {
  Document doc;
  doc.file = name;
  try {
    std::vector<YAML::Node> nodes = YAML::LoadAll(text);
    if (nodes.size() > 1) {
      Where w{name, line_of(nodes[1]), "", "", ""};
      return input_error(w, "expected one document, found " + std::to_string(nodes.size()));
    }
    if (nodes.empty()) {
      doc.value = nullptr;
      doc.lines[""] = 1;
      return doc;
    }
    doc.value = convert(nodes[0], "", doc);
  } catch (const YAML::ParserException& e) {
    Where w;
    w.file = name;
    w.line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
    // YAML forbids tabs in indentation, and the parser then reports what it expected instead.
    if (const int tab_line = first_indenting_tab(text); tab_line > 0 && (w.line == 0 || tab_line <= w.line)) {
      w.line = tab_line;
      return input_error(w, "syntax error: a tab character indents this line (YAML indents with spaces only)");
    }
    return input_error(w, "syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    Where w;
    w.file = name;
    w.line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
    return input_error(w, e.msg);
  } catch (const ConvertError& e) {
    Where w;
    w.file = name;
    w.line = e.line;
    w.pointer = e.pointer;
    return input_error(w, e.message);
  }
  return doc;
}

Result<Document> load_document(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Where w;
    w.file = path;
    return input_error(w, "cannot read file");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_document(ss.str(), path);
}

std::string pointer_join(const std::string& base, const std::string& token) {
  std::string out = base;
  out += '/';
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string pointer_join(const std::string& base, std::size_t index) { return base + "/" + std::to_string(index); }

}  // namespace tc
