#include "harness/template/expression.h"

#include <cctype>

namespace tc::tmpl {
namespace {

bool is_seg_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }
bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }

// A recursive-descent parser over one expression; `pos` indexes the whole template text.
class ExprParser {
 public:
  ExprParser(const std::string& text, std::size_t pos) : s_(text), pos_(pos) {}
  std::size_t pos() const { return pos_; }
  const std::string& error() const { return error_; }

  bool parse(Expr& out) {
    skip_ws();
    if (pos_ >= s_.size()) return fail("expected an expression");
    char c = s_[pos_];
    if (c == '"' || c == '\'') return parse_string(out);
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-') return parse_number(out);
    if (!is_name_start(c)) return fail(std::string("unexpected '") + c + "'");
    std::vector<std::string> segs;
    for (;;) {
      std::size_t start = pos_;
      while (pos_ < s_.size() && is_seg_char(s_[pos_])) ++pos_;
      if (start == pos_) return fail("expected a name after '.'");
      segs.push_back(s_.substr(start, pos_ - start));
      if (pos_ < s_.size() && s_[pos_] == '.') {
        ++pos_;
        continue;
      }
      break;
    }
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '(') {
      if (segs.size() != 1) return fail("a function name has no '.'");
      ++pos_;
      out.kind = Expr::Kind::call;
      out.name = segs[0];
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ')') {
        ++pos_;
        return true;
      }
      for (;;) {
        Expr arg;
        if (!parse(arg)) return false;
        out.args.push_back(std::move(arg));
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == ')') {
          ++pos_;
          return true;
        }
        return fail("expected ',' or ')'");
      }
    }
    out.kind = Expr::Kind::path;
    out.path = std::move(segs);
    return true;
  }

  void skip_ws() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }

 private:
  bool fail(const std::string& what) {
    error_ = what + " at column " + std::to_string(pos_ + 1);
    return false;
  }

  bool parse_string(Expr& out) {
    char quote = s_[pos_++];
    std::string v;
    while (pos_ < s_.size() && s_[pos_] != quote) {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
      v += s_[pos_++];
    }
    if (pos_ >= s_.size()) return fail("unterminated string literal");
    ++pos_;
    out.kind = Expr::Kind::literal;
    out.value = v;
    return true;
  }

  bool parse_number(Expr& out) {
    std::size_t start = pos_;
    if (s_[pos_] == '+' || s_[pos_] == '-') ++pos_;
    std::size_t digits = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (digits == pos_) return fail("expected a number");
    bool fraction = false;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      fraction = true;
      ++pos_;
      std::size_t f = pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      if (f == pos_) return fail("expected digits after '.'");
    }
    std::string num = s_.substr(start, pos_ - start);
    if (num[0] == '+') num.erase(0, 1);
    out.kind = Expr::Kind::literal;
    try {
      out.value = fraction ? json(std::stod(num)) : json(std::stoll(num));
    } catch (const std::exception&) {
      return fail("number out of range");
    }
    return true;
  }

  const std::string& s_;
  std::size_t pos_;
  std::string error_;
};

}  // namespace

bool has_template(const std::string& text) { return text.find("{{") != std::string::npos; }

Parsed parse_template(const std::string& text) {
  Parsed p;
  std::size_t pos = 0;
  std::string literal;
  while (pos < text.size()) {
    std::size_t open = text.find("{{", pos);
    if (open == std::string::npos) {
      literal += text.substr(pos);
      break;
    }
    literal += text.substr(pos, open - pos);
    ExprParser parser(text, open + 2);
    Segment seg;
    seg.is_expr = true;
    if (!parser.parse(seg.expr)) {
      p.error = parser.error();
      return p;
    }
    parser.skip_ws();
    std::size_t end = parser.pos();
    if (end >= text.size()) {
      p.error = "unterminated \"{{\" at column " + std::to_string(open + 1);
      return p;
    }
    if (text.compare(end, 2, "}}") != 0) {
      p.error = "expected \"}}\" at column " + std::to_string(end + 1);
      return p;
    }
    seg.text = text.substr(open + 2, end - open - 2);
    // A literal string expression is literal text (the "{{ '{{' }}" escape): merge it.
    if (seg.expr.kind == Expr::Kind::literal && seg.expr.value.is_string()) {
      literal += seg.expr.value.get<std::string>();
    } else {
      if (!literal.empty()) p.segments.push_back(Segment{false, std::move(literal), {}});
      literal.clear();
      p.segments.push_back(std::move(seg));
    }
    pos = end + 2;
  }
  if (!literal.empty()) p.segments.push_back(Segment{false, std::move(literal), {}});
  return p;
}

std::string print_expr(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::path: {
      std::string out;
      for (const auto& s : e.path) out += (out.empty() ? "" : ".") + s;
      return out;
    }
    case Expr::Kind::call: {
      std::string out = e.name + "(";
      for (std::size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + print_expr(e.args[i]);
      return out + ")";
    }
    case Expr::Kind::literal:
      if (!e.value.is_string()) return e.value.dump();
      std::string out = "\"";
      for (char c : e.value.get<std::string>()) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      return out + "\"";
  }
  return {};
}

std::string escape_literal(const std::string& text) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    std::size_t open = text.find("{{", pos);
    if (open == std::string::npos) return out + text.substr(pos);
    out += text.substr(pos, open - pos) + "{{ '{{' }}";
    pos = open + 2;
  }
}

void collect_paths(const Expr& e, std::vector<std::vector<std::string>>& out) {
  if (e.kind == Expr::Kind::path) out.push_back(e.path);
  for (const auto& a : e.args) collect_paths(a, out);
}

const Expr* find_call(const Expr& e, const std::function<bool(const Expr&)>& pred) {
  std::vector<const Expr*> stack{&e};
  while (!stack.empty()) {
    const Expr* c = stack.back();
    stack.pop_back();
    if (c->kind != Expr::Kind::call) continue;
    if (pred(*c)) return c;
    for (const auto& a : c->args) stack.push_back(&a);
  }
  return nullptr;
}

}  // namespace tc::tmpl
