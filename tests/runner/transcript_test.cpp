// format_transcript: the request, then the answer's status line with its time in milliseconds to one
// decimal, as printf's "%.1f" writes it in the C locale (ties to even on the binary value).
#include "harness/runner/transcript.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <string>

namespace tc {
namespace {

std::string status_line(double elapsed_ms) {
  HttpRequest request;
  request.method = "GET";
  request.url = "http://127.0.0.1:1/items";
  HttpResponse response;
  response.status = 404;
  response.elapsed_ms = elapsed_ms;
  const std::string t = format_transcript(request, &response);
  const auto at = t.find("< HTTP/1.1");
  return at == std::string::npos ? t : t.substr(at, t.find('\n', at) - at);
}

TEST(Transcript, TheAnswersTimeIsWrittenToOneDecimalAsPrintfWritesIt) {
  EXPECT_EQ(status_line(12.34), "< HTTP/1.1 404  (12.3 ms)");
  EXPECT_EQ(status_line(0), "< HTTP/1.1 404  (0.0 ms)");
  for (double ms : {0.05, 0.25, 2.25, 2.35, 9.95, 99.95, 1234.56, 0.04999, 30000.0, -0.04, -1.25, 1e30, 1.7e308,
                    std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    char expected[400];
    std::snprintf(expected, sizeof expected, "< HTTP/1.1 404  (%.1f ms)", ms);
    EXPECT_EQ(status_line(ms), expected) << ms;
  }
}

TEST(Transcript, RequestThenAnswer) {
  HttpRequest request;
  request.method = "POST";
  request.url = "http://127.0.0.1:1/items";
  request.headers.add("Accept", "application/json");
  request.body = "a=1";
  HttpResponse response;
  response.status = 201;
  response.elapsed_ms = 1.5;
  response.headers.add("Content-Type", "application/json");
  response.body = "{}";
  EXPECT_EQ(format_transcript(request, &response),
            "> POST http://127.0.0.1:1/items HTTP/1.1\n> Accept: application/json\n>\n> a=1\n"
            "< HTTP/1.1 201  (1.5 ms)\n< Content-Type: application/json\n<\n< {}");
  EXPECT_EQ(format_transcript(request, nullptr),
            "> POST http://127.0.0.1:1/items HTTP/1.1\n> Accept: application/json\n>\n> a=1\n< (no response)");
}

}  // namespace
}  // namespace tc
