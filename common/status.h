// Errors as values. A boundary function returns Result<T>: a value, or an Error that says where
// (file:line, JSON pointer, flag or component) and why. Errors become exit codes in one place: the CLI.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tc {

// The kind decides the exit code (docs/cli.md): input and usage -> 2, environment -> 3.
enum class ErrorKind { usage, input, environment, internal };

int exit_code_for(ErrorKind kind);

// Where an error lies. Any field may be empty; to_string() prints only those that are set,
// as "file:line: /pointer" or "component 'gateway'" or "flag --profile".
struct Where {
  std::string file;
  int line = 0;
  std::string pointer;
  std::string component;
  std::string flag;
  std::string to_string() const;
};

struct Error {
  ErrorKind kind = ErrorKind::input;
  Where where;
  std::string message;
  // "file:line: /pointer: message" (the single format every error is printed in).
  std::string to_string() const;
};

inline Error input_error(Where w, std::string msg) { return {ErrorKind::input, std::move(w), std::move(msg)}; }
inline Error usage_error(std::string flag, std::string msg) {
  Where w;
  w.flag = std::move(flag);
  return {ErrorKind::usage, std::move(w), std::move(msg)};
}
inline Error environment_error(std::string component, std::string msg) {
  Where w;
  w.component = std::move(component);
  return {ErrorKind::environment, std::move(w), std::move(msg)};
}

// A value or an Error. Result<void> is spelled Result<Unit>.
struct Unit {};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace tc
