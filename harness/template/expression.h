// The syntax of templates: a string is a sequence of literal text and "{{ expr }}" segments.
//   expr    := call | path | string | number
//   call    := name "(" [expr ("," expr)*] ")"
//   path    := segment ("." segment)*        segment: [A-Za-z0-9_-]+, the first starts with a letter or '_'
//   string  := "double" | 'single'            (\" \' \\ escape inside)
//   number  := [+-]?digits[.digits]
// Whitespace is allowed around tokens. A lone "}}" is literal text; a literal "{{" is written
// "{{ '{{' }}". Parsing is pure (no lookups); evaluation lives in render.cpp.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/document.h"

namespace tc::tmpl {

struct Expr {
  enum class Kind { path, call, literal };
  Kind kind = Kind::literal;
  std::vector<std::string> path;   // path: segments
  std::string name;                // call: function name
  std::vector<Expr> args;          // call: arguments
  json value;                      // literal: string or number
};

struct Segment {
  bool is_expr = false;
  std::string text;   // literal text, or the source of the expression (between the braces)
  Expr expr;
};

// Parses `text`; on a syntax error returns the message (without location), e.g.
// "unterminated \"{{\"" or "expected ')' at column 12".
struct Parsed {
  std::vector<Segment> segments;
  std::string error;
  // True when the text is exactly one "{{ expr }}" (no text around it): rendering keeps the type.
  bool single_expr() const { return segments.size() == 1 && segments[0].is_expr; }
};
Parsed parse_template(const std::string& text);

// True when `text` contains "{{" at all (fast path: strings without it are plain text).
bool has_template(const std::string& text);

// Prints an expression back in the syntax above (used when rewriting templates).
std::string print_expr(const Expr& e);
// A literal text segment written so that it parses back to the same text ("{{" escaped).
std::string escape_literal(const std::string& text);

// Every variable path an expression uses (inside call arguments too), appended to `out`.
void collect_paths(const Expr& e, std::vector<std::vector<std::string>>& out);
// A call of `e` (itself or inside its arguments, the last argument's first) for which `pred`
// holds; nullptr when none does.
const Expr* find_call(const Expr& e, const std::function<bool(const Expr&)>& pred);

}  // namespace tc::tmpl
