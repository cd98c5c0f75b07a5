#include "common/document.h"

#include <yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <string_view>
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

int line_of(const yaml_mark_t& m) { return static_cast<int>(m.line) + 1; }

std::string text_of(const yaml_char_t* text, std::size_t length) {
  return text ? std::string(reinterpret_cast<const char*>(text), length) : std::string();
}
std::string text_of(const yaml_char_t* text) { return text ? std::string(reinterpret_cast<const char*>(text)) : std::string(); }

// Builds a document's JSON model, lines and key order straight from the parser's events: one pass
// over the text, no node tree in between. What converting may cost once aliases are expanded is
// bounded (common/input_file.h): a few hundred bytes of aliases of aliases must not become
// gigabytes, so an alias's cost is known before it is copied.
class Builder {
 public:
  explicit Builder(Document& doc) : doc_(doc) {}

  json root;

  // One event of the document's content (not of the stream or document boundaries).
  void on(const yaml_event_t& e) {
    switch (e.type) {
      case YAML_SCALAR_EVENT: {
        const auto& s = e.data.scalar;
        const std::string tag = text_of(s.tag), anchor = text_of(s.anchor);
        std::string value = text_of(s.value, s.length);
        // Quoted and block scalars, and a scalar tagged `!` or `!!str`, are strings; a plain one is
        // read by the core schema, where null, ~ and the empty scalar are null.
        const bool string = s.style != YAML_PLAIN_SCALAR_STYLE || tag == std::string_view("!") || tag == std::string_view(YAML_STR_TAG);
        if (!string && tag.empty() && is_null(value)) return on_null(line_of(e.start_mark), anchor);
        return on_scalar(line_of(e.start_mark), string, anchor, std::move(value));
      }
      case YAML_ALIAS_EVENT: return on_alias(line_of(e.start_mark), text_of(e.data.alias.anchor));
      case YAML_SEQUENCE_START_EVENT:
        return open(line_of(e.start_mark), text_of(e.data.sequence_start.anchor), json::array());
      case YAML_MAPPING_START_EVENT:
        return open(line_of(e.start_mark), text_of(e.data.mapping_start.anchor), json::object());
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: return close();
      default: return;
    }
  }

 private:
  static bool is_null(std::string_view v) { return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL"; }

  void on_null(int line, const std::string& anchor) {
    if (key_expected()) throw not_a_key(line);
    begin_node(line);
    finish_leaf(nullptr, anchor, std::nullopt);
  }

  void on_scalar(int line, bool string, const std::string& anchor, std::string value) {
    if (key_expected()) return take_key(line, value, anchor, string);
    const std::string pointer = begin_node(line);
    charge_bytes(value.size(), line, pointer);
    if (string) return finish_leaf(value, anchor, value);
    ScalarValue v = plain_scalar(value);
    if (!v.error.empty()) throw ConvertError{line, pointer, v.error};
    finish_leaf(std::move(v.value), anchor, value);
  }

  // An alias is a copy of what its anchor holds, recorded at the line the alias is written on; what
  // the copy holds is found there too (its nearest recorded ancestor), so a copy costs no line entries.
  void on_alias(int line, const std::string& name) {
    auto it = anchors_.find(name);
    if (key_expected()) {
      if (it == anchors_.end()) throw no_anchor(line, open_.back().pointer, name);
      if (!it->second.key) throw not_a_key(line);
      count_alias(line, open_.back().pointer);
      return take_key(line, *it->second.key, "", false);
    }
    const std::string pointer = child_pointer();
    if (it == anchors_.end()) throw no_anchor(line, pointer, name);
    const Anchored& a = it->second;
    if (!a.error.empty()) throw ConvertError{line, pointer, a.error};
    charge_nodes(a.nodes, line, pointer);
    charge_bytes(a.bytes, line, pointer);
    count_alias(line, pointer);
    if (open_.size() + a.height > InputLimits::kMaxDepth) throw too_deep(line, pointer);
    record_line(pointer, line);
    if (a.scalar) return place(json(*a.scalar), 1);
    // A list or map: the key order of the maps it holds, under the copy's pointer.
    const json& copied = built_at(a.pointer);
    copy_key_orders(copied, a.pointer, pointer);
    place(json(copied), a.height);
  }

  // The file order of every map within `value` (at `from`), recorded again under `to`: a walk of
  // the copy, whose size its alias has already been charged for.
  void copy_key_orders(const json& value, const std::string& from, const std::string& to) {
    if (value.is_object()) {
      if (auto it = doc_.key_order.find(from); it != doc_.key_order.end()) {
        std::vector<std::string> keys = it->second;  // copied first: the insertion may rehash
        doc_.key_order[to] = std::move(keys);
      }
      for (const auto& [key, v] : value.items())
        if (v.is_structured()) copy_key_orders(v, pointer_join(from, key), pointer_join(to, key));
    } else if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i)
        if (value[i].is_structured()) copy_key_orders(value[i], pointer_join(from, i), pointer_join(to, i));
    }
  }

  // A list or map being built.
  struct Open {
    json value{};
    std::string pointer{};
    std::string anchor{};
    std::size_t nodes_before = 0, bytes_before = 0;  // the budget spent before it: what a copy costs
    std::size_t height = 1;                          // levels from it to its deepest value
    bool key_next = true;                            // a map: the next node is a key
    json* slot = nullptr;                            // a map: where the value of its last key goes
    std::string key_pointer{};                       // a map: that value's pointer
    int key_line = 0;
    std::vector<std::string>* keys = nullptr;        // a map: its keys in file order (in key_order)
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
    return top.value.is_array() ? pointer_join(top.pointer, top.value.size()) : top.key_pointer;
  }

  static ConvertError too_deep(int line, const std::string& pointer) {
    return {line, pointer, "nested deeper than " + std::to_string(InputLimits::kMaxDepth) + " levels"};
  }

  // An alias whose anchor is not (or not yet wholly) defined.
  ConvertError no_anchor(int line, const std::string& pointer, const std::string& name) const {
    const bool open = std::any_of(open_.begin(), open_.end(), [&](const Open& o) { return o.anchor == name; });
    return {line, pointer,
            open ? "a YAML alias inside its own anchor (*" + name + ")" : "a YAML alias of no anchor before it (*" + name + ")"};
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

  // Counts a node that is not an alias, checks its nesting, records its line; its pointer.
  std::string begin_node(int line) {
    std::string pointer = child_pointer();
    if (open_.size() >= InputLimits::kMaxDepth) throw too_deep(line, pointer);
    charge_nodes(1, line, pointer);
    record_line(pointer, line);
    return pointer;
  }

  // A node's line: a map entry's is its key's, where a reader looks for it even when the value
  // starts later.
  void record_line(const std::string& pointer, int line) {
    const bool entry = !open_.empty() && open_.back().value.is_object();
    doc_.lines.insert_or_assign(pointer, entry ? open_.back().key_line : line);
  }

  // `string`: the key was quoted (an alias of it elsewhere is then a string, as the key is).
  void take_key(int line, const std::string& key, const std::string& anchor, bool string) {
    Open& top = open_.back();
    std::string child = pointer_join(top.pointer, key);
    // The value's place is made now (null until the value comes), found once.
    const auto [at, fresh] = top.value.get_ref<json::object_t&>().emplace(key, nullptr);
    if (!fresh)
      throw ConvertError{line, child, "duplicate key '" + key + "' (first at line " + std::to_string(doc_.lines[child]) + ")"};
    charge_bytes(key.size(), line, child);
    top.keys->push_back(key);
    if (!anchor.empty()) {
      ScalarValue v = string ? ScalarValue{json(key), ""} : plain_scalar(key);
      Anchored a{.key = key, .error = v.error, .nodes = 1, .bytes = key.size()};
      if (v.error.empty()) a.scalar = std::move(v.value);
      anchors_[anchor] = std::move(a);
    }
    top.slot = &at->second;
    top.key_pointer = std::move(child);
    top.key_line = line;
    top.key_next = false;
  }

  // `text`: a scalar's as written (none for a null, which cannot be a map key).
  void finish_leaf(json value, const std::string& anchor, const std::optional<std::string>& text) {
    if (!anchor.empty())
      anchors_[anchor] = Anchored{.scalar = value, .key = text, .nodes = 1, .bytes = text ? text->size() : 0};
    place(std::move(value), 1);
  }

  void open(int line, const std::string& anchor, json value) {
    if (key_expected()) throw not_a_key(line);
    const std::size_t nodes_before = nodes_;
    std::string pointer = begin_node(line);
    std::vector<std::string>* keys = value.is_object() ? &doc_.key_order[pointer] : nullptr;
    // From here on the name is this node's, which is not complete: an alias of it inside is an error.
    if (!anchor.empty()) anchors_.erase(anchor);
    open_.push_back(Open{.value = std::move(value), .pointer = std::move(pointer), .anchor = anchor,
                         .nodes_before = nodes_before, .bytes_before = bytes_, .keys = keys});
  }

  void close() {
    Open done = std::move(open_.back());
    open_.pop_back();
    if (!done.anchor.empty()) {
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
    *top.slot = std::move(value);
    top.key_next = true;
  }

  Document& doc_;
  std::vector<Open> open_;
  std::unordered_map<std::string, Anchored> anchors_;  // anchor name -> the complete node it names
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

// The parser and the event it last gave, released however parsing ends.
struct Parser {
  yaml_parser_t parser{};
  yaml_event_t event{};
  bool has_event = false;
  explicit Parser(const std::string& text) {
    if (!yaml_parser_initialize(&parser)) throw std::bad_alloc();
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~Parser() {
    drop();
    yaml_parser_delete(&parser);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  void drop() {
    if (has_event) yaml_event_delete(&event);
    has_event = false;
  }
  // The next event; false on a syntax error (described by `parser`).
  bool next() {
    drop();
    has_event = yaml_parser_parse(&parser, &event) != 0;
    return has_event;
  }
};

// The byte offset of character `index` of `text`: libyaml's marks count characters, after a
// byte-order mark.
std::size_t byte_of_character(const std::string& text, std::size_t index) {
  std::size_t n = 0;
  for (std::size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && n++ == index) return i;
  return text.size();
}

// What the parser says is wrong, as an input error naming the line.
Error syntax_error(const yaml_parser_t& p, const std::string& text, const std::string& name) {
  Where w;
  w.file = name;
  std::size_t at = byte_of_character(text, p.problem_mark.index);
  if (p.error == YAML_READER_ERROR) {  // bytes that are no text: the parser gives an offset, no line
    at = std::min(p.problem_offset, text.size());
    w.line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  } else {
    w.line = static_cast<int>(p.problem_mark.line) + 1;
  }
  // YAML forbids tabs in indentation, and the parser then reports what it expected instead.
  if (const int tab_line = first_indenting_tab(text); tab_line > 0 && tab_line <= w.line) {
    w.line = tab_line;
    return input_error(w, "syntax error: a tab character indents this line (YAML indents with spaces only)");
  }
  if (p.error == YAML_MEMORY_ERROR) return input_error(w, "out of memory while parsing");
  std::string problem = p.problem ? p.problem : "not YAML";
  // A node was due and a character that cannot start one came: name the character.
  const bool unexpected = problem == "did not find expected node content" && at < text.size() &&
                          static_cast<unsigned char>(text[at]) > 0x20 && static_cast<unsigned char>(text[at]) < 0x7f;
  if (p.error == YAML_READER_ERROR) {
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(p.problem_value));
    // Text that is UTF-8 may still hold a character YAML leaves out (ESC, DEL, C1 controls, U+FFFE).
    if (problem.rfind("control characters", 0) == 0)
      return input_error(w, std::string("a character YAML does not allow (") + code + ") at byte " + std::to_string(at));
    return input_error(w, "not UTF-8 text: " + problem + " at byte " + std::to_string(at));
  }
  if (unexpected) problem = std::string("unexpected '") + text[at] + "'";
  else if (p.context) problem += std::string(" ") + p.context + " at line " + std::to_string(p.context_mark.line + 1);
  return input_error(w, "syntax error: " + problem);
}

}  // namespace

Result<Document> parse_document(const std::string& text, const std::string& name) {
  Document doc;
  doc.file = name;
  Builder builder(doc);
  bool started = false;
  try {
    Parser p(text);
    while (true) {
      if (!p.next()) return syntax_error(p.parser, text, name);
      const yaml_event_t& e = p.event;
      if (e.type == YAML_STREAM_END_EVENT) break;
      if (e.type == YAML_STREAM_START_EVENT || e.type == YAML_DOCUMENT_END_EVENT) continue;
      if (e.type == YAML_DOCUMENT_START_EVENT) {
        if (started) return input_error(Where{name, line_of(e.start_mark), "", "", ""}, "expected one document, found more");
        started = true;
        continue;
      }
      builder.on(e);
    }
  } catch (const ConvertError& e) {
    Where w;
    w.file = name;
    w.line = e.line;
    w.pointer = e.pointer;
    return input_error(w, e.message);
  }
  if (!started) {  // no document at all: an empty text, or comments only
    doc.value = nullptr;
    doc.lines[""] = 1;
    return doc;
  }
  doc.value = std::move(builder.root);
  return doc;
}

Result<Document> load_document(const std::string& path) {
  auto text = read_input_file(path);
  if (!text) return text.error();
  return parse_document(*text, path);
}

std::string pointer_join(const std::string& base, const std::string& token) {
  std::string out;
  out.reserve(base.size() + 1 + token.size());
  out.append(base).push_back('/');
  for (std::size_t i = 0;;) {  // the text between a '~' or '/' and the next goes as one run
    std::size_t at = i;
    while (at < token.size() && token[at] != '~' && token[at] != '/') ++at;
    out.append(token, i, at - i);
    if (at == token.size()) return out;
    out += token[at] == '~' ? "~0" : "~1";
    i = at + 1;
  }
}

std::string pointer_join(const std::string& base, std::size_t index) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, index).ptr;
  std::string out;
  out.reserve(base.size() + 1 + static_cast<std::size_t>(end - digits));
  out.append(base).push_back('/');
  out.append(digits, end);
  return out;
}

}  // namespace tc
