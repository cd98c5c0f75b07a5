// The stubs' HTTP/1.1 server core, written once for every role (Boost.Beast, kept inside
// http_server.cpp). One session per connection: a deadline on every read, limits on header and body
// size, keep-alive, and clean shutdown. Requests are read asynchronously, so a slow client never holds
// a thread; handlers that may block run on a worker pool, so that they never stall reading other
// clients (ServerOptions::workers). An answer that waits on another server (Response::pending)
// holds no thread while it waits.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/headers.h"
#include "common/http_client.h"
#include "common/status.h"

namespace tc::stub {

struct Request {
  std::string method;
  std::string target;                              // as received: path and query
  std::string path;                                // percent-decoded path, no query
  std::multimap<std::string, std::string> query;   // decoded query parameters
  Headers headers;
  std::string body;
  std::string remote;                              // peer address

  // Sets target, and path and query decoded from it (request.cpp).
  void set_target(std::string_view raw);
  // The first query value of `name`, or nullopt.
  std::optional<std::string> query_param(const std::string& name) const;
  // Decoded application/x-www-form-urlencoded body.
  std::multimap<std::string, std::string> form() const;
};

struct Pending;

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // Set: not yet an answer. The answer is pending->then(outcome of pending->request); status,
  // headers and body are not used.
  std::shared_ptr<Pending> pending;
};

// An answer that needs another server's first (the gateway's forward). The server sends `request`
// on its I/O threads, with keep-alive connections it reuses and the request's deadline, and calls
// `then` there with the outcome (the error HttpClient::send would give when the server cannot be
// reached). A plain http:// request without redirects, cookies, host routes or a source address is
// sent so; any other is sent by a worker through HttpClient. `then` may throw (the server answers
// ServerFault::handler_failed) and may give another pending answer.
struct Pending {
  HttpRequest request;
  std::function<Response(Result<HttpResponse>)> then;
};

// `r`, then `step`: at once when `r` is an answer, after its upstream's outcome when it is pending
// (when that outcome's `then` throws, `step` is not called).
Response and_then(Response r, std::function<Response(Response)> step);

using Handler = std::function<Response(const Request&)>;

// What the server itself answers, before or around a handler. The status and code of each come
// from the contract profile (the frame, stubs/frame.h), never from the server.
enum class ServerFault { malformed_request, header_too_large, payload_too_large, handler_failed };

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;                          // 0: the OS chooses
  std::size_t header_limit = 16 * 1024;            // bytes; over it -> ServerFault::header_too_large
  std::size_t body_limit = 1024 * 1024;            // bytes; over it -> ServerFault::payload_too_large
  std::chrono::milliseconds read_timeout{10000};   // per request, from its first byte or from idle
  // Threads that run handlers, for handlers that may block; 0: handlers run on the I/O thread that
  // read the request (for handlers that never wait on anything but the CPU).
  int workers = 4;
  // With workers: whether a request's handler may wait (it then runs on a worker; otherwise on the
  // I/O thread that read it, sparing two thread hand-offs). Unset: every handler may.
  std::function<bool(const Request&)> may_wait;
  // Required: builds the server's own answers so they carry the role's envelope and correlation id
  // (E1). `request` holds what was parsed, which may be nothing.
  std::function<Response(ServerFault fault, const Request& request)> error_response;
};

class HttpServer {
 public:
  // Binds at once (throws std::runtime_error naming host:port if it cannot, std::invalid_argument
  // without options.error_response).
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();
  std::uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:PORT"
  // Serves until stop() or SIGTERM/SIGINT (when handle_signals), then drains and returns.
  void run(bool handle_signals = true);
  // Thread-safe; makes run() return after open requests are answered.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tc::stub
