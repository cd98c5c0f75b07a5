// What a component writes (its output, a stub's audit records) reaches the reports folder only
// through here: a pipe per stream, read by one thread, every line passed through
// tc::global_redactor() and appended to its file as soon as it is complete. A line longer than
// kMaxLine is written in pieces of that size; a last line without newline is written at the end.
#pragma once
#include <memory>
#include <string>

#include "common/status.h"

namespace tc {

class RedactedPipes {
 public:
  static constexpr std::size_t kMaxLine = 1 << 20;

  RedactedPipes();
  ~RedactedPipes();  // close(0)
  RedactedPipes(const RedactedPipes&) = delete;
  RedactedPipes& operator=(const RedactedPipes&) = delete;

  // A new pipe whose lines go, redacted, to `file` (created or truncated). Returns the write
  // end (close-on-exec) for a child to inherit; the caller closes it once the child has it. An
  // environment error (no component) when the file or the pipe cannot be made.
  Result<int> open(const std::string& file);
  // Waits (at most `ms`) until what the writers wrote before the call is in the files.
  void sync(long ms) const;
  // Waits until every write end is closed (the writers are gone) and everything read is written,
  // at most `ms` (a descendant may hold a write end open); then writes what has arrived, closes
  // every pipe and file, and stops the thread. open() may be called again afterwards.
  void close(long ms);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};


}  // namespace tc
