#include "common/document.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "common/input_file.h"
#include "common/json_match.h"
#include "common/yaml_scalar.h"

namespace tc {
namespace {

// Raised while building; turned into an input Error at the boundary.
struct ConvertError {
  int line;
  std::string pointer;
  std::string message;
};

int line_of(const YAML::Mark& m) { return m.line >= 0 ? m.line + 1 : 0; }

// Builds a document's JSON model, lines and key order straight from the parser's events: one pass
// over the text, no node tree in between. What converting may cost once aliases are expanded is
// bounded (common/input_file.h): a few hundred bytes of aliases of aliases must not become
// gigabytes, so an alias's cost is known before it is copied.
class Builder final : public YAML::EventHandler {
 public:
  explicit Builder(Document& doc) : doc_(doc) {}

  std::optional<YAML::Mark> start;  // where the document starts, once it has
  json root;

  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnAnchor(const YAML::Mark&, const std::string& name) override { anchor_name_ = name; }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (key_expected()) throw not_a_key(line_of(mark));
    begin_node(mark);
    finish_leaf(nullptr, anchor, std::nullopt);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override {
    if (key_expected()) return take_key(mark, value, anchor, tag);
    const std::string pointer = begin_node(mark);
    charge_bytes(value.size(), line_of(mark), pointer);
    // A quoted scalar carries the non-specific tag "!": always a string.
    if (tag == "!") return finish_leaf(value, anchor, value);
    ScalarValue v = plain_scalar(value);
    if (!v.error.empty()) throw ConvertError{line_of(mark), pointer, v.error};
    finish_leaf(std::move(v.value), anchor, value);
  }

  // An alias is a copy of what its anchor holds, recorded at the line the alias is written on; what
  // the copy holds is found there too (its nearest recorded ancestor), so a copy costs no line entries.
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const int line = line_of(mark);
    auto it = anchors_.find(anchor);
    if (key_expected()) {
      if (it == anchors_.end() || !it->second.key) throw not_a_key(line);
      count_alias(line, open_.back().pointer);
      return take_key(mark, *it->second.key, 0, "");
    }
    const std::string pointer = child_pointer();
    if (it == anchors_.end())  // its anchor is still open: the alias is inside it
      throw ConvertError{line, pointer, "a YAML alias inside its own anchor (" + alias_name(anchor) + ")"};
    const Anchored& a = it->second;
    if (!a.error.empty()) throw ConvertError{line, pointer, a.error};
    charge_nodes(a.nodes, line, pointer);
    charge_bytes(a.bytes, line, pointer);
    count_alias(line, pointer);
    if (open_.size() + a.height > InputLimits::kMaxDepth) throw too_deep(line, pointer);
    doc_.lines[pointer] = line;
    if (a.scalar) return place(json(*a.scalar), 1);
    // A list or map: the key order of the maps it holds, under the copy's pointer (read, then written).
    std::vector<std::pair<std::string, std::vector<std::string>>> orders;
    const std::string& from = a.pointer;
    for (auto o = doc_.key_order.lower_bound(from); o != doc_.key_order.end() && o->first.compare(0, from.size(), from) == 0; ++o)
      if (within(o->first, from)) orders.emplace_back(pointer + o->first.substr(from.size()), o->second);
    for (auto& [at, keys] : orders) doc_.key_order[at] = std::move(keys);
    place(json(built_at(a.pointer)), a.height);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, anchor, json::array());
  }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, anchor, json::object());
  }
  void OnSequenceEnd() override { close(); }
  void OnMapEnd() override { close(); }

 private:
  // A list or map being built.
  struct Open {
    json value{};
    std::string pointer{};
    YAML::anchor_t anchor = 0;
    std::size_t nodes_before = 0, bytes_before = 0;  // the budget spent before it: what a copy costs
    std::size_t height = 1;                          // levels from it to its deepest value
    bool key_next = true;                            // a map: the next node is a key
    std::string key{};                               // a map: the key whose value comes next
    int key_line = 0;
  };
  // What an anchor holds, for its aliases. A list or map is not copied when it closes (nested
  // anchors would copy the same values once per level): an alias copies it from where it was built.
  struct Anchored {
    std::string pointer{};             // a list or map: where it is
    std::optional<json> scalar{};      // a scalar or null: its value
    std::optional<std::string> key{};  // a scalar's text, when an alias of it is a map key
    std::string error{};               // a key's text that is no value (a number out of range)
    std::size_t nodes = 0, bytes = 0, height = 1;
  };

  bool key_expected() const { return !open_.empty() && open_.back().value.is_object() && open_.back().key_next; }

  std::string child_pointer() const {
    if (open_.empty()) return "";
    const Open& top = open_.back();
    return top.value.is_array() ? pointer_join(top.pointer, top.value.size()) : pointer_join(top.pointer, top.key);
  }

  static ConvertError too_deep(int line, const std::string& pointer) {
    return {line, pointer, "nested deeper than " + std::to_string(InputLimits::kMaxDepth) + " levels"};
  }

  // The map whose key is expected met a node that is no scalar.
  ConvertError not_a_key(int line) const { return {line, open_.back().pointer, "mapping keys must be scalars"}; }

  void charge_nodes(std::size_t n, int line, const std::string& pointer) {
    if ((nodes_ += n) > InputLimits::kMaxNodes)
      throw ConvertError{line, pointer,
                         "the document expands to more than " + std::to_string(InputLimits::kMaxNodes) +
                             " values (YAML aliases?)"};
  }

  void charge_bytes(std::size_t n, int line, const std::string& pointer) {
    if ((bytes_ += n) > InputLimits::kMaxScalarBytes)
      throw ConvertError{line, pointer,
                         "the document's text expands to more than " +
                             std::to_string(InputLimits::kMaxScalarBytes >> 20) + " MiB (YAML aliases?)"};
  }

  void count_alias(int line, const std::string& pointer) {
    if (++aliases_ > InputLimits::kMaxAliases)
      throw ConvertError{line, pointer,
                         "too many YAML aliases (more than " + std::to_string(InputLimits::kMaxAliases) + ")"};
  }

  // Whether `pointer` is `base` or a value inside it.
  static bool within(const std::string& pointer, const std::string& base) {
    return pointer.compare(0, base.size(), base) == 0 && (pointer.size() == base.size() || pointer[base.size()] == '/');
  }

  // The value built at `pointer`: a closed list or map inside the deepest open one holding it (an
  // alias comes after its anchor closed and before the root did).
  const json& built_at(const std::string& pointer) const {
    for (auto it = open_.rbegin(); it != open_.rend(); ++it)
      if (within(pointer, it->pointer)) return it->value.at(json::json_pointer(pointer.substr(it->pointer.size())));
    return root.at(json::json_pointer(pointer));
  }

  std::string alias_name(YAML::anchor_t anchor) const {
    auto it = names_.find(anchor);
    return it == names_.end() ? std::string("an alias") : "*" + it->second;
  }

  // Counts a node that is not an alias, checks its nesting, records its line; its pointer.
  std::string begin_node(const YAML::Mark& mark) {
    std::string pointer = child_pointer();
    if (open_.size() >= InputLimits::kMaxDepth) throw too_deep(line_of(mark), pointer);
    charge_nodes(1, line_of(mark), pointer);
    doc_.lines[pointer] = line_of(mark);
    return pointer;
  }

  void name_anchor(YAML::anchor_t anchor) {
    if (anchor && !anchor_name_.empty()) names_[anchor] = anchor_name_;
    anchor_name_.clear();
  }

  // `tag`: the key's, for an anchor on it: an alias of it elsewhere is read as any scalar is.
  void take_key(const YAML::Mark& mark, const std::string& key, YAML::anchor_t anchor, const std::string& tag) {
    Open& top = open_.back();
    const std::string child = pointer_join(top.pointer, key);
    if (top.value.contains(key))
      throw ConvertError{line_of(mark), child,
                         "duplicate key '" + key + "' (first at line " + std::to_string(doc_.lines[child]) + ")"};
    charge_bytes(key.size(), line_of(mark), child);
    doc_.key_order[top.pointer].push_back(key);
    if (anchor) {
      name_anchor(anchor);
      ScalarValue v = tag == "!" ? ScalarValue{json(key), ""} : plain_scalar(key);
      Anchored a{.key = key, .error = v.error, .nodes = 1, .bytes = key.size()};
      if (v.error.empty()) a.scalar = std::move(v.value);
      anchors_[anchor] = std::move(a);
    }
    top.key = key;
    top.key_line = line_of(mark);
    top.key_next = false;
  }

  // `text`: a scalar's as written (none for a null, which cannot be a map key).
  void finish_leaf(json value, YAML::anchor_t anchor, const std::optional<std::string>& text) {
    if (anchor) {
      name_anchor(anchor);
      anchors_[anchor] = Anchored{.scalar = value, .key = text, .nodes = 1, .bytes = text ? text->size() : 0};
    }
    place(std::move(value), 1);
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, json value) {
    if (key_expected()) throw not_a_key(line_of(mark));
    const std::size_t nodes_before = nodes_;
    std::string pointer = begin_node(mark);
    if (value.is_object()) doc_.key_order[pointer];
    name_anchor(anchor);
    open_.push_back(Open{.value = std::move(value), .pointer = std::move(pointer), .anchor = anchor,
                         .nodes_before = nodes_before, .bytes_before = bytes_});
  }

  void close() {
    Open done = std::move(open_.back());
    open_.pop_back();
    if (done.anchor) {
      anchors_[done.anchor] = Anchored{.pointer = done.pointer, .nodes = nodes_ - done.nodes_before,
                                       .bytes = bytes_ - done.bytes_before, .height = done.height};
    }
    place(std::move(done.value), done.height);
  }

  // Puts a finished value where it belongs: the root, the list's end, or the map's pending key.
  void place(json value, std::size_t height) {
    if (open_.empty()) {
      root = std::move(value);
      return;
    }
    Open& top = open_.back();
    top.height = std::max(top.height, height + 1);
    if (top.value.is_array()) {
      top.value.push_back(std::move(value));
      return;
    }
    // The key's line is where a reader looks for the entry, even when the value starts later.
    doc_.lines[pointer_join(top.pointer, top.key)] = top.key_line;
    top.value[top.key] = std::move(value);
    top.key_next = true;
  }

  Document& doc_;
  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, Anchored> anchors_;  // anchors whose node is complete
  std::unordered_map<YAML::anchor_t, std::string> names_;
  std::string anchor_name_;
  std::size_t nodes_ = 0, bytes_ = 0, aliases_ = 0;
};

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

// Where the documents after the first start (the parser is asked for one only). yaml-cpp's LoadAll
// never ends on some malformed text (a lone ',' at the top level is read as an endless run of empty
// documents, each a little more memory), so after the first document the parser is asked once more.
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

}  // namespace

Result<Document> parse_document(const std::string& text, const std::string& name) {
  Document doc;
  doc.file = name;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    Builder builder(doc);
    if (!parser.HandleNextDocument(builder) || !builder.start) {
      doc.value = nullptr;
      doc.lines[""] = 1;
      return doc;
    }
    // A text holds one document. A second one starting where the first did is the parser stuck on a
    // character (yaml-cpp reads a lone ',' as an endless run of empty documents): counted, not read.
    DocumentStarts more;
    parser.HandleNextDocument(more);
    if (!more.starts.empty()) {
      const YAML::Mark& second = more.starts[0];
      Where w{name, second.line + 1, "", "", ""};
      if (second.pos == builder.start->pos && static_cast<std::size_t>(second.pos) < text.size())
        return input_error(w, std::string("syntax error: unexpected '") + text[static_cast<std::size_t>(second.pos)] + "'");
      return input_error(w, "expected one document, found more");
    }
    doc.value = std::move(builder.root);
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
