// format_transcript: the request, then the answer's status line with its time in milliseconds to one
// decimal, as printf's "%.1f" writes it in the C locale (ties to even on the binary value).
#include "harness/runner/transcript.h"

#include <gtest/gtest.h>

#include "common/redact.h"

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

// The request's part made ahead (while its answer is awaited) gives the same transcript; a secret
// learnt between the parts is masked in the request's part too.
TEST(Transcript, TheRequestsPartMadeAheadGivesTheSameTranscriptAndLaterSecretsAreMasked) {
  HttpRequest request;
  request.method = "POST";
  request.url = "http://127.0.0.1:1/login";
  request.headers.add("Authorization", "Bearer opaque-credential-8817");
  request.headers.add("Cookie", "sid=opaque-sid-5521");
  request.body = "user=ada&note=ahead-secret-value-3391";
  HttpResponse response;
  response.status = 200;
  response.headers.add("Content-Type", "application/json");
  response.body = R"({"access_token":"opaque-access-7730","note":"ahead-secret-value-3391"})";
  const RequestText ahead = format_request_text(request);
  // What redacting the whole text at once gives.
  const std::string whole =
      "> POST http://127.0.0.1:1/login HTTP/1.1\n> Authorization: Bearer opaque-credential-8817\n"
      "> Cookie: sid=opaque-sid-5521\n>\n> user=ada&note=ahead-secret-value-3391\n"
      "< HTTP/1.1 200  (0.0 ms)\n< Content-Type: application/json\n<\n< " + response.body;
  EXPECT_EQ(format_transcript(ahead, &response), global_redactor().apply(whole));
  for (const char* secret : {"opaque-credential-8817", "opaque-sid-5521", "opaque-access-7730"})
    EXPECT_EQ(format_transcript(ahead, &response).find(secret), std::string::npos) << secret;
  global_redactor().add_secret("ahead-secret-value-3391");
  const std::string t = format_transcript(ahead, &response);
  EXPECT_EQ(t.find("ahead-secret-value-3391"), std::string::npos) << t;
  EXPECT_EQ(t, global_redactor().apply(whole));
}

// A body shown only to a limit can end inside a secret's value: what is shown of it is masked.
TEST(Transcript, ASecretValueCutByTheBodyLimitIsMasked) {
  HttpRequest request;
  request.method = "POST";
  request.url = "http://127.0.0.1:1/login";
  request.body = R"({"user":"ada","password":"cut-short-hunter2-and-more"})";
  HttpResponse response;
  response.status = 400;
  response.body = R"({"error":"invalid"})";
  const std::size_t limit = request.body.find("hunter2");
  const std::string t = format_transcript(request, &response, limit);
  EXPECT_EQ(t.find("cut-short"), std::string::npos) << t;
  EXPECT_NE(t.find("< HTTP/1.1 400"), std::string::npos) << t;
  EXPECT_NE(t.find(R"({"error":"invalid"})"), std::string::npos) << t;
}

}  // namespace
}  // namespace tc
