#include "common/document.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>
#include <unordered_set>

#include "common/input_file.h"
#include "common/json_match.h"
#include "common/yaml_scalar.h"

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

// What converting one document may cost once aliases are expanded (common/input_file.h): a few
// hundred bytes of aliases of aliases must not become gigabytes.
struct Budget {
  std::size_t nodes = 0, bytes = 0, aliases = 0, depth = 0;
  // Where each node met so far starts: yaml-cpp hands an alias out as the very node it names, so a
  // node met again is an alias.
  std::unordered_set<std::size_t> seen;

  // Counts `node` (met inside an alias's copy when `in_alias`; written at `line`, which for an alias
  // is not the line yaml-cpp gives: that is its anchor's); whether it is an alias's copy.
  bool charge(const YAML::Node& node, const std::string& pointer, bool in_alias, int line) {
    if (++nodes > InputLimits::kMaxNodes)
      throw ConvertError{line_of(node), pointer,
                         "the document expands to more than " + std::to_string(InputLimits::kMaxNodes) +
                             " values (YAML aliases?)"};
    if (node.IsScalar() && (bytes += node.Scalar().size()) > InputLimits::kMaxScalarBytes)
      throw ConvertError{line_of(node), pointer,
                         "the document's text expands to more than " +
                             std::to_string(InputLimits::kMaxScalarBytes >> 20) + " MiB (YAML aliases?)"};
    if (in_alias) return true;
    const YAML::Mark m = node.Mark();
    if (node.IsNull() || m.pos < 0 || seen.insert(static_cast<std::size_t>(m.pos)).second) return false;
    if (++aliases > InputLimits::kMaxAliases)
      throw ConvertError{line, pointer,
                         "too many YAML aliases (more than " + std::to_string(InputLimits::kMaxAliases) + ")"};
    return true;
  }
};

// `line`: where the parent writes this node (the key's line in a map, the list's own line in a list).
json convert(const YAML::Node& node, const std::string& pointer, Document& doc, Budget& budget, int line,
             bool in_alias = false) {
  // yaml-cpp gives an alias's copy the anchor's lines: an alias is recorded at the line it is written
  // on, and what its copy holds is found there too (its nearest recorded ancestor), so a copy costs
  // no line entries however far it expands.
  const bool copy = budget.charge(node, pointer, in_alias, line);
  // An alias inside its own anchor makes a cycle: nesting, not only size, has a bound.
  if (budget.depth >= InputLimits::kMaxDepth)
    throw ConvertError{line, pointer,
                       "nested deeper than " + std::to_string(InputLimits::kMaxDepth) +
                           " levels (a YAML alias inside its own anchor?)"};
  ++budget.depth;
  struct Leave {
    std::size_t& depth;
    ~Leave() { --depth; }
  } leave{budget.depth};
  auto& lines = doc.lines;
  if (!in_alias) lines[pointer] = copy ? line : line_of(node);
  in_alias = copy;
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      // A quoted scalar carries the non-specific tag "!": always a string.
      if (node.Tag() == "!") return node.Scalar();
      if (ScalarValue v = plain_scalar(node.Scalar()); v.error.empty()) return std::move(v.value);
      else throw ConvertError{line_of(node), pointer, v.error};
    case YAML::NodeType::Sequence: {
      json out = json::array();
      std::size_t i = 0;
      for (const auto& child : node)
        out.push_back(convert(child, pointer_join(pointer, i++), doc, budget, line_of(node), in_alias));
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
        out[key] = convert(kv.second, child, doc, budget, line_of(kv.first), in_alias);
        // The key's line is where a reader looks for the entry, even when the value starts later.
        if (!in_alias) lines[child] = line_of(kv.first);
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

// Where each document of a text starts, for at most two documents. yaml-cpp's LoadAll never ends on
// some malformed text (a lone ',' at the top level is read as an endless run of empty documents,
// each a little more memory), so documents are counted one at a time, and at most two: a text has
// one. A second one starting where the first did is the parser stuck on a character.
struct DocumentStarts final : YAML::EventHandler {
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

std::vector<YAML::Mark> document_starts(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts seen;
  for (int i = 0; i < 2 && parser.HandleNextDocument(seen); ++i) {
  }
  return seen.starts;
}

}  // namespace

Result<Document> parse_document(const std::string& text, const std::string& name) {
  Document doc;
  doc.file = name;
  try {
    const std::vector<YAML::Mark> starts = document_starts(text);
    if (starts.size() > 1) {
      const YAML::Mark& second = starts[1];
      Where w{name, second.line + 1, "", "", ""};
      if (second.pos == starts[0].pos && static_cast<std::size_t>(second.pos) < text.size())
        return input_error(w, std::string("syntax error: unexpected '") + text[static_cast<std::size_t>(second.pos)] + "'");
      return input_error(w, "expected one document, found more");
    }
    if (starts.empty()) {
      doc.value = nullptr;
      doc.lines[""] = 1;
      return doc;
    }
    const YAML::Node root = YAML::Load(text);
    Budget budget;
    doc.value = convert(root, "", doc, budget, line_of(root));
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
  auto text = read_input_file(path);
  if (!text) return text.error();
  return parse_document(*text, path);
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
