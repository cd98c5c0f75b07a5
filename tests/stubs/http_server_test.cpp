// The stubs' HTTP core over real sockets: framing, keep-alive, limits, timeouts, failures, shutdown.
#include "stubs/http_server.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <functional>
#include <future>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "raw_http.h"
#include "stubs/frame.h"
#include "support/reference.h"

namespace tc::stub {
namespace {

using namespace std::chrono_literals;
using test::RawConnection;
using test::raw_request;

// The server's own answers in the reference profile's envelope, unless a test sets its own.
ServerOptions with_envelope(ServerOptions options) {
  if (!options.error_response)
    options.error_response = [](ServerFault fault, const Request& r) {
      return server_error_response(fault, r, tc::testing::reference_profile());
    };
  return options;
}

// An in-process server on an OS-chosen port, run on its own thread, stopped and joined at the end.
class RunningServer {
 public:
  RunningServer(ServerOptions options, Handler handler) : server_(with_envelope(std::move(options)), std::move(handler)) {
    thread_ = std::thread([this] { server_.run(false); });
  }
  ~RunningServer() { stop(); }
  void stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::uint16_t port() const { return server_.port(); }
  HttpServer& server() { return server_; }

 private:
  HttpServer server_;
  std::thread thread_;
};

// Answers with what it received, so tests can check how requests are parsed.
Response describe(const Request& r) {
  nlohmann::json query = nlohmann::json::object();
  for (const auto& [k, v] : r.query) query[k].push_back(v);
  nlohmann::json form = nlohmann::json::object();
  for (const auto& [k, v] : r.form()) form[k].push_back(v);
  Response out;
  out.headers.set("Content-Type", "application/json");
  out.headers.add("X-Seen-Remote", r.remote);
  out.body = nlohmann::json{{"method", r.method},
                            {"target", r.target},
                            {"path", r.path},
                            {"query", query},
                            {"first_x", r.query_param("x").value_or("<none>")},
                            {"form", form},
                            {"body", r.body},
                            {"probe", r.headers.get("x-probe").value_or("")}}
                 .dump();
  return out;
}

ServerOptions small_limits() {
  ServerOptions o;
  o.header_limit = 1024;
  o.body_limit = 1024;
  o.read_timeout = 1500ms;
  o.workers = 2;
  return o;
}

TEST(HttpServer, BindsAnOsChosenPortAndNamesItInTheUrl) {
  RunningServer s(ServerOptions{}, describe);
  EXPECT_NE(s.port(), 0);
  EXPECT_EQ(s.server().url(), "http://127.0.0.1:" + std::to_string(s.port()));
}

TEST(HttpServer, BindingAPortInUseThrowsNamingHostAndPort) {
  RunningServer s(ServerOptions{}, describe);
  ServerOptions same;
  same.port = s.port();
  try {
    HttpServer second(with_envelope(same), describe);
    FAIL() << "bound a port already in use";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(s.port())), std::string::npos) << e.what();
  }
}

TEST(HttpServer, GetDecodesPathAndQuery) {
  RunningServer s(ServerOptions{}, describe);
  RawConnection c(s.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/a%20b/c+d?x=1&y=hello+world&x=2&z=%2F", "X-Probe: p1\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers.get("Server"), "tenantcheck-stub");
  auto body = nlohmann::json::parse(r->body);
  EXPECT_EQ(body["method"], "GET");
  EXPECT_EQ(body["target"], "/a%20b/c+d?x=1&y=hello+world&x=2&z=%2F");
  EXPECT_EQ(body["path"], "/a b/c+d");
  EXPECT_EQ(body["first_x"], "1");
  EXPECT_EQ(body["query"]["x"], nlohmann::json::array({"1", "2"}));
  EXPECT_EQ(body["query"]["y"], nlohmann::json::array({"hello world"}));
  EXPECT_EQ(body["query"]["z"], nlohmann::json::array({"/"}));
  EXPECT_EQ(body["probe"], "p1");
}

TEST(HttpServer, PostCarriesBodyAndDecodesForms) {
  RunningServer s(ServerOptions{}, describe);
  RawConnection c(s.port());
  ASSERT_TRUE(c.send(raw_request("POST", "/token", "Content-Type: application/x-www-form-urlencoded\r\n",
                                 "grant_type=password&username=a%40b&scope=x+y")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  auto body = nlohmann::json::parse(r->body);
  EXPECT_EQ(body["method"], "POST");
  EXPECT_EQ(body["body"], "grant_type=password&username=a%40b&scope=x+y");
  EXPECT_EQ(body["form"]["username"], nlohmann::json::array({"a@b"}));
  EXPECT_EQ(body["form"]["scope"], nlohmann::json::array({"x y"}));
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  RunningServer s(ServerOptions{}, describe);
  RawConnection c(s.port());
  std::string remote;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.send(raw_request("GET", "/n" + std::to_string(i))));
    auto r = c.read_response();
    ASSERT_TRUE(r) << "request " << i << " on the same connection was not answered";
    EXPECT_EQ(nlohmann::json::parse(r->body)["path"], "/n" + std::to_string(i));
    if (i == 0) remote = r->headers.get("X-Seen-Remote").value_or("");
    EXPECT_EQ(r->headers.get("X-Seen-Remote").value_or(""), remote) << "a new connection was used";
  }
  EXPECT_FALSE(c.closed_within(200ms));
}

// RFC 9110 §9.3.2: the answer to HEAD has the headers GET's would have, and no body, so the next
// answer on the connection is read from its start.
TEST(HttpServer, HeadIsAnsweredWithoutABodyAndTheConnectionGoesOn) {
  RunningServer s(ServerOptions{}, describe);
  RawConnection c(s.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/same")));
  auto get = c.read_response();
  ASSERT_TRUE(get);
  ASSERT_TRUE(c.send(raw_request("HEAD", "/same")));
  auto head = c.read_head_response();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_NE(head->headers.get("Content-Length").value_or("0"), "0");
  ASSERT_TRUE(c.send(raw_request("GET", "/next?x=after")));
  auto next = c.read_response();
  ASSERT_TRUE(next) << "no answer after HEAD";
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(nlohmann::json::parse(next->body, nullptr, false).value("first_x", ""), "after")
      << "the HEAD answer carried a body: " << next->body;
}

// RFC 9110 §8.6: a 204 states no Content-Length; a 304 only the one its handler gives. Both leave
// the connection usable.
TEST(HttpServer, AnswersWithoutABodyStateNoLengthOfTheirOwn) {
  RunningServer s(ServerOptions{}, [](const Request& r) {
    Response out;
    out.status = r.path == "/304" ? 304 : 204;
    if (r.query_param("length")) out.headers.set("Content-Length", "42");
    return out;
  });
  RawConnection c(s.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/204")));
  auto none = c.read_response();
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 204);
  EXPECT_FALSE(none->headers.get("Content-Length")) << *none->headers.get("Content-Length");
  ASSERT_TRUE(c.send(raw_request("GET", "/304")));
  auto plain = c.read_response();
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 304);
  EXPECT_FALSE(plain->headers.get("Content-Length"));
  ASSERT_TRUE(c.send(raw_request("GET", "/304?length=1")));
  auto stated = c.read_head_response();  // a 304 has no body, whatever length it states
  ASSERT_TRUE(stated);
  EXPECT_EQ(stated->headers.get("Content-Length"), "42");
  ASSERT_TRUE(c.send(raw_request("GET", "/204")));
  EXPECT_TRUE(c.read_response()) << "the connection did not go on";
}

TEST(HttpServer, ConnectionCloseIsHonoured) {
  RunningServer s(ServerOptions{}, describe);
  RawConnection c(s.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/once", "Connection: close\r\n")));
  ASSERT_TRUE(c.read_response());
  EXPECT_TRUE(c.closed_within(2000ms));
}

TEST(HttpServer, MalformedRequestGets400AndTheServerServesOthers) {
  RunningServer s(small_limits(), describe);
  RawConnection bad(s.port());
  ASSERT_TRUE(bad.send("THIS IS NOT HTTP\r\n\r\n"));
  auto r = bad.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(nlohmann::json::parse(r->body)["error"], "invalid_request");
  EXPECT_TRUE(bad.closed_within(3000ms));

  RawConnection good(s.port());
  ASSERT_TRUE(good.send(raw_request("GET", "/fine")));
  auto ok = good.read_response();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(HttpServer, HeaderOverTheLimitGets431) {
  RunningServer s(small_limits(), describe);
  RawConnection c(s.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/big", "X-Big: " + std::string(4096, 'a') + "\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(c.closed_within(3000ms));
}

TEST(HttpServer, BodyOverTheLimitGets413) {
  RunningServer s(small_limits(), describe);
  RawConnection c(s.port());
  ASSERT_TRUE(c.send(raw_request("POST", "/big", "", std::string(4096, 'b'))));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(c.closed_within(3000ms));
}

TEST(HttpServer, ErrorAnswersUseTheConfiguredEnvelope) {
  ServerOptions o = small_limits();
  o.error_response = [](ServerFault fault, const Request& partial) {
    Response r;
    r.status = fault == ServerFault::payload_too_large ? 413 : 500;
    const std::string code = fault == ServerFault::payload_too_large ? "payload_too_large" : "other";
    r.headers.set("X-Correlation-Id", partial.headers.get("X-Correlation-Id").value_or("fresh"));
    r.body = nlohmann::json{{"error", code}, {"correlation_id", "cid"}}.dump();
    return r;
  };
  RunningServer s(o, describe);
  RawConnection c(s.port());
  ASSERT_TRUE(c.send(raw_request("POST", "/big", "X-Correlation-Id: abc-1\r\n", std::string(4096, 'b'))));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->headers.get("X-Correlation-Id"), "abc-1");
  EXPECT_EQ(nlohmann::json::parse(r->body)["correlation_id"], "cid");
}

TEST(HttpServer, HandlerExceptionGets500WithEnvelopeAndConnectionStaysUsable) {
  RunningServer s(ServerOptions{}, [](const Request& r) -> Response {
    if (r.path == "/boom") throw std::runtime_error("secret detail");
    return describe(r);
  });
  RawConnection c(s.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/boom")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  auto body = nlohmann::json::parse(r->body);
  EXPECT_EQ(body["error"], "internal_error");
  EXPECT_EQ(r->body.find("secret detail"), std::string::npos) << "exception text leaked into the answer";
  ASSERT_TRUE(c.send(raw_request("GET", "/after")));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST(HttpServer, SlowClientDelaysNobodyAndIsDisconnectedAfterTheReadTimeout) {
  RunningServer s(small_limits(), describe);  // read_timeout 1500 ms
  RawConnection slow(s.port());
  ASSERT_TRUE(slow.send("GET /half HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Partial: "));
  std::this_thread::sleep_for(100ms);

  auto start = std::chrono::steady_clock::now();
  RawConnection other(s.port());
  ASSERT_TRUE(other.send(raw_request("GET", "/quick")));
  auto r = other.read_response(3000ms);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(took, 750ms) << "another client's request waited on the stalled one";

  EXPECT_TRUE(slow.closed_within(4000ms)) << "the stalled client was never disconnected";
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1000ms) << "disconnected before the read timeout";
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosedAfterTheReadTimeout) {
  RunningServer s(small_limits(), describe);
  RawConnection c(s.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/one")));
  ASSERT_TRUE(c.read_response());
  EXPECT_TRUE(c.closed_within(4000ms));
}

TEST(HttpServer, BlockingHandlerDoesNotStallOtherRequests) {
  std::promise<void> release;
  auto released = release.get_future().share();
  RunningServer s(small_limits(), [released](const Request& r) {
    if (r.path == "/block") released.wait_for(5s);
    return describe(r);
  });
  RawConnection blocked(s.port());
  ASSERT_TRUE(blocked.send(raw_request("GET", "/block")));
  std::this_thread::sleep_for(100ms);
  RawConnection other(s.port());
  ASSERT_TRUE(other.send(raw_request("GET", "/free")));
  auto r = other.read_response(2000ms);
  ASSERT_TRUE(r) << "a blocked handler stalled another client";
  release.set_value();
  auto b = blocked.read_response(3000ms);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 200);
}

TEST(HttpServer, StopLetsAnOpenRequestFinishThenRunReturns) {
  std::atomic<bool> entered{false};
  auto s = std::make_unique<RunningServer>(small_limits(), [&entered](const Request& r) {
    entered = true;
    std::this_thread::sleep_for(400ms);
    return describe(r);
  });
  RawConnection c(s->port());
  ASSERT_TRUE(c.send(raw_request("GET", "/slow")));
  auto deadline = std::chrono::steady_clock::now() + 3s;
  while (!entered && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(entered);

  auto start = std::chrono::steady_clock::now();
  auto stopped = std::async(std::launch::async, [&s] { s->stop(); });
  auto r = c.read_response(3000ms);
  ASSERT_TRUE(r) << "the open request was dropped at stop";
  EXPECT_EQ(r->status, 200);
  ASSERT_EQ(stopped.wait_for(5s), std::future_status::ready) << "run() did not return after stop()";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);

  RawConnection after(s->port());
  EXPECT_FALSE(after.connected() && after.send(raw_request("GET", "/x")) && after.read_response(500ms))
      << "a stopped server still answered";
}

TEST(HttpServer, StopWithIdleConnectionsReturnsPromptly) {
  auto s = std::make_unique<RunningServer>(ServerOptions{}, describe);  // read timeout 10 s
  RawConnection idle(s->port());
  ASSERT_TRUE(idle.send(raw_request("GET", "/one")));
  ASSERT_TRUE(idle.read_response());
  auto start = std::chrono::steady_clock::now();
  s->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

// run(true) in a child process: SIGTERM makes run() return, so the process exits 0 promptly.
TEST(HttpServer, RunWithSignalHandlingReturnsOnSigterm) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::close(fds[0]);
    try {
      HttpServer server(with_envelope(ServerOptions{}), describe);
      std::uint16_t port = server.port();
      if (::write(fds[1], &port, sizeof port) != sizeof port) ::_exit(4);
      server.run(true);
      ::_exit(0);
    } catch (...) {
      ::_exit(3);
    }
  }
  ::close(fds[1]);
  std::uint16_t port = 0;
  pollfd p{fds[0], POLLIN, 0};
  bool got = ::poll(&p, 1, 10000) == 1 && ::read(fds[0], &port, sizeof port) == sizeof port;
  ::close(fds[0]);
  auto reap = [pid](std::chrono::milliseconds timeout) -> std::optional<int> {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int st = 0;
      if (::waitpid(pid, &st, WNOHANG) == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      std::this_thread::sleep_for(10ms);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return std::nullopt;
  };
  if (!got) {
    reap(0ms);
    FAIL() << "the child server never reported its port";
  }
  // An answer proves run() has started, and with it the signal handling.
  RawConnection c(port);
  ASSERT_TRUE(c.send(raw_request("GET", "/ready")));
  auto r = c.read_response(5000ms);
  if (!r) {
    reap(0ms);
    FAIL() << "the child server did not answer";
  }
  ::kill(pid, SIGTERM);
  auto code = reap(5000ms);
  ASSERT_TRUE(code) << "run(true) did not return after SIGTERM";
  EXPECT_EQ(*code, 0);
}

// ---- Pending answers: the server sends the upstream request itself and answers with `then`.

std::string base_url(std::uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

// A pending answer for GET `url`: the upstream's status and body, and its outcome's error when it has none.
Response pending_get(std::string url, long timeout_ms = 10000) {
  Response r;
  HttpRequest up;
  up.url = std::move(url);
  up.timeout_ms = timeout_ms;
  up.headers.add("X-Probe", "forwarded");
  r.pending = std::make_shared<Pending>(Pending{std::move(up), [](Result<HttpResponse> outcome) {
                                                  Response answer;
                                                  if (!outcome.ok()) {
                                                    answer.status = 502;
                                                    answer.body = outcome.error().message;
                                                    return answer;
                                                  }
                                                  answer.status = outcome->status;
                                                  answer.body = outcome->body;
                                                  return answer;
                                                }});
  return r;
}

// The upstream connection a describe() answer came over ("" when the answer is not describe's).
std::string upstream_remote(const test::RawResponse& r) {
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  return body.is_object() && body.contains("remote") ? body["remote"].get<std::string>() : "";
}

Response describe_with_remote(const Request& r) {
  Response out = describe(r);
  auto body = nlohmann::json::parse(out.body);
  body["remote"] = r.remote;
  out.body = body.dump();
  return out;
}

// A socket listening on loopback; its port.
std::uint16_t listen_on_loopback(int& fd) {
  fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 8) != 0) return 0;
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  return ntohs(addr.sin_port);
}

// An upstream whose connections a test answers byte by byte: `script(fd, n)` for the n-th connection
// accepted (from 0), on a thread of its own, up to `connections` of them. Every wait has a deadline.
class ScriptedUpstream {
 public:
  using Script = std::function<void(int fd, int n)>;
  ScriptedUpstream(Script script, int connections) {
    port_ = listen_on_loopback(listener_);
    thread_ = std::thread([this, script = std::move(script), connections] {
      for (int n = 0; n < connections; ++n) {
        pollfd p{listener_, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) return;
        int c = ::accept(listener_, nullptr, nullptr);
        if (c < 0) return;
        ++accepted_;
        script(c, n);
        ::close(c);
      }
    });
  }
  ~ScriptedUpstream() {
    thread_.join();
    ::close(listener_);
  }
  std::uint16_t port() const { return port_; }
  int accepted() const { return accepted_; }

  // A request's head (its body, if any, is not read); "" when none comes within 5 s.
  static std::string read_head(int fd) {
    std::string got;
    char buf[4096];
    while (got.find("\r\n\r\n") == std::string::npos) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) return "";
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return "";
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }
  static void send_all(int fd, const std::string& data) { (void)::send(fd, data.data(), data.size(), MSG_NOSIGNAL); }
  // Waits (5 s at most) for the other side to close.
  static void until_closed(int fd) {
    char buf[4096];
    for (pollfd p{fd, POLLIN, 0}; ::poll(&p, 1, 5000) > 0;)
      if (::recv(fd, buf, sizeof buf, 0) <= 0) return;
  }

 private:
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

// A request whose handler cannot wait is answered on the I/O thread: with the one worker held by a
// request that waits, it is still answered at once instead of queueing behind it.
TEST(HttpServer, ARequestThatCannotWaitIsNotQueuedBehindTheWorkers) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  ServerOptions o;
  o.workers = 1;
  o.may_wait = [](const Request& r) { return r.path == "/waits"; };
  RunningServer s(o, [released](const Request& r) {
    if (r.path == "/waits") released.wait_for(5s);
    Response out;
    out.status = 200;
    out.body = r.path;
    return out;
  });
  RawConnection waiting(s.port());
  ASSERT_TRUE(waiting.send(raw_request("GET", "/waits")));
  std::this_thread::sleep_for(100ms);  // the worker now holds /waits
  RawConnection quick(s.port());
  ASSERT_TRUE(quick.send(raw_request("GET", "/quick")));
  auto r = quick.read_response(1500ms);
  ASSERT_TRUE(r) << "answered only after the waiting request";
  EXPECT_EQ(r->body, "/quick");
  release.set_value();
  auto w = waiting.read_response();
  ASSERT_TRUE(w);
  EXPECT_EQ(w->body, "/waits");
}

TEST(PendingAnswer, IsMadeFromTheUpstreamsAnswerWithOrWithoutWorkers) {
  RunningServer upstream(ServerOptions{}, describe);
  for (int workers : {0, 2}) {
    ServerOptions o;
    o.workers = workers;
    RunningServer front(o, [&](const Request& r) { return pending_get(base_url(upstream.port()) + "/up" + r.target); });
    RawConnection c(front.port());
    ASSERT_TRUE(c.send(raw_request("GET", "/a/../b?x=1")));
    auto r = c.read_response();
    ASSERT_TRUE(r) << "workers " << workers;
    EXPECT_EQ(r->status, 200) << r->body;
    auto body = nlohmann::json::parse(r->body);
    EXPECT_EQ(body["target"], "/up/a/../b?x=1");  // as written: dot segments are not removed
    EXPECT_EQ(body["probe"], "forwarded");
  }
}

// Upstreams on two authorities (one also written with an upper-case scheme), in turn from one loop,
// each reached as named; a URL whose target holds a space is refused as libcurl refuses it, not sent.
// (No host names: a fresh system may resolve none, not even localhost.)
TEST(PendingAnswer, UpstreamsInTurnAreEachReachedAndAMalformedTargetIsAnError) {
  RunningServer a(ServerOptions{}, [](const Request&) { return Response{200, {}, "a", {}}; });
  RunningServer b(ServerOptions{}, [](const Request&) { return Response{200, {}, "b", {}}; });
  const std::vector<std::string> bases = {base_url(a.port()), base_url(b.port()), "HTTP://127.0.0.1:" + std::to_string(b.port())};
  for (int workers : {0, 2}) {
    ServerOptions o;
    o.workers = workers;
    int turn = 0;
    RunningServer front(o, [&](const Request& r) {
      if (r.path == "/bad") return pending_get(bases[0] + "/up?x=a b");
      return pending_get(bases[turn++ % bases.size()] + "/up");
    });
    RawConnection c(front.port());
    for (const char* expected : {"a", "b", "b", "a", "b", "b"}) {
      ASSERT_TRUE(c.send(raw_request("GET", "/a")));
      auto r = c.read_response();
      ASSERT_TRUE(r) << "workers " << workers;
      EXPECT_EQ(r->status, 200) << r->body;
      EXPECT_EQ(r->body, expected) << "workers " << workers;
    }
    ASSERT_TRUE(c.send(raw_request("GET", "/bad")));
    auto bad = c.read_response();
    ASSERT_TRUE(bad) << "workers " << workers;
    EXPECT_EQ(bad->status, 502) << bad->body;
  }
}

TEST(PendingAnswer, AClientsRequestsShareOneUpstreamConnection) {
  RunningServer upstream(ServerOptions{}, describe_with_remote);
  RunningServer front(ServerOptions{}, [&](const Request&) { return pending_get(base_url(upstream.port()) + "/up"); });
  RawConnection c(front.port());
  std::set<std::string> remotes;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.send(raw_request("GET", "/a")));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    remotes.insert(upstream_remote(*r));
  }
  EXPECT_EQ(remotes.size(), 1u) << "each request opened its own upstream connection";
}

TEST(PendingAnswer, AConnectionTheUpstreamClosedIsReplaced) {
  ServerOptions quick;
  quick.read_timeout = 200ms;  // the upstream closes idle connections after this
  RunningServer upstream(quick, describe_with_remote);
  RunningServer front(ServerOptions{}, [&](const Request&) { return pending_get(base_url(upstream.port()) + "/up"); });
  RawConnection c(front.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/a")));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  std::this_thread::sleep_for(600ms);
  ASSERT_TRUE(c.send(raw_request("GET", "/a")));
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200) << second->body;
  EXPECT_NE(upstream_remote(*second), upstream_remote(*first));
}

TEST(PendingAnswer, AnUnreachableUpstreamIsAnErrorOutcomeNamingTheRequest) {
  std::uint16_t closed_port;
  {
    RunningServer gone(ServerOptions{}, describe);
    closed_port = gone.port();
  }
  const std::string url = base_url(closed_port) + "/x";
  RunningServer front(ServerOptions{}, [&](const Request&) { return pending_get(url); });
  RawConnection c(front.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/a")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502);
  EXPECT_EQ(r->body.rfind("GET " + url + ": ", 0), 0u) << r->body;
}

TEST(PendingAnswer, TheDeadlineEndsAnUpstreamThatNeverAnswers) {
  // A listening socket nobody reads: the connection is made, the answer never comes.
  int silent = -1;
  const std::uint16_t port = listen_on_loopback(silent);
  ASSERT_NE(port, 0);

  RunningServer front(ServerOptions{}, [&](const Request&) { return pending_get(base_url(port) + "/x", 300); });
  RawConnection c(front.port());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.send(raw_request("GET", "/a")));
  auto r = c.read_response(5000ms);
  ::close(silent);
  ASSERT_TRUE(r) << "no answer after the upstream's deadline";
  EXPECT_EQ(r->status, 502);
  EXPECT_NE(r->body.find("no answer within 300 ms"), std::string::npos) << r->body;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(PendingAnswer, ThenMayThrowOrWaitAgain) {
  RunningServer upstream(ServerOptions{}, describe);
  RunningServer front(ServerOptions{}, [&](const Request& r) {
    Response first = pending_get(base_url(upstream.port()) + "/first");
    if (r.path == "/throw") {
      first.pending->then = [](Result<HttpResponse>) -> Response { throw std::runtime_error("secret reason"); };
    } else {
      first.pending->then = [&](Result<HttpResponse> outcome) {
        EXPECT_TRUE(outcome.ok());
        return pending_get(base_url(upstream.port()) + "/second");
      };
    }
    return first;
  });
  RawConnection c(front.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/throw")));
  auto failed = c.read_response();
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500);
  EXPECT_EQ(failed->body.find("secret reason"), std::string::npos) << failed->body;
  ASSERT_TRUE(c.send(raw_request("GET", "/chain")));  // the connection stays usable
  auto chained = c.read_response();
  ASSERT_TRUE(chained);
  EXPECT_EQ(chained->status, 200) << chained->body;
  EXPECT_EQ(nlohmann::json::parse(chained->body)["target"], "/second");
}

TEST(PendingAnswer, APostCarriesItsBodyAndLength) {
  RunningServer upstream(ServerOptions{}, describe);
  RunningServer front(ServerOptions{}, [&](const Request& r) {
    Response answer = pending_get(base_url(upstream.port()) + "/up");
    answer.pending->request.method = "POST";
    answer.pending->request.body = r.body;
    answer.pending->request.headers.set("Content-Type", "application/x-www-form-urlencoded");
    return answer;
  });
  RawConnection c(front.port());
  for (const std::string body : {"a=1&b=two", ""}) {
    ASSERT_TRUE(c.send(raw_request("POST", "/a", "", body)));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    auto seen = nlohmann::json::parse(r->body);
    EXPECT_EQ(seen["method"], "POST");
    EXPECT_EQ(seen["body"], body);
  }
}

// An upstream that first sends an interim answer: the final one is the outcome, as with libcurl.
TEST(PendingAnswer, AnInterimAnswerIsReadPast) {
  ScriptedUpstream upstream(
      [](int fd, int) {
        ScriptedUpstream::read_head(fd);
        ScriptedUpstream::send_all(fd,
                                   "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                                   "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nfinal");
      },
      1);
  RunningServer front(ServerOptions{}, [&](const Request&) { return pending_get(base_url(upstream.port()) + "/x"); });
  RawConnection c(front.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/a")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, "final");
}

// A request the I/O threads do not send (here: one that follows redirects) goes through HttpClient.
TEST(PendingAnswer, ARequestThatFollowsRedirectsIsSentByAWorker) {
  RunningServer upstream(ServerOptions{}, [](const Request& r) {
    if (r.path != "/moved") return describe(r);
    Response moved;
    moved.status = 302;
    moved.headers.set("Location", "/final");
    return moved;
  });
  RunningServer front(ServerOptions{}, [&](const Request&) {
    Response answer = pending_get(base_url(upstream.port()) + "/moved");
    answer.pending->request.follow_redirects = true;
    answer.pending->then = [](Result<HttpResponse> outcome) {
      Response out;
      out.status = outcome.ok() ? outcome->status : 502;
      out.body = outcome.ok() ? std::to_string(outcome->hops.size()) + " " + outcome->effective_url : outcome.error().message;
      return out;
    };
    return answer;
  });
  RawConnection c(front.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/a")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, "2 " + base_url(upstream.port()) + "/final");
}

TEST(PendingAnswer, StopLetsAPendingAnswerFinish) {
  std::promise<void> reached;  // the upstream has the request: the front's answer is pending
  RunningServer upstream(small_limits(), [&](const Request& r) {
    reached.set_value();
    std::this_thread::sleep_for(400ms);
    return describe(r);
  });
  auto front = std::make_unique<RunningServer>(ServerOptions{}, [&](const Request&) {
    return pending_get(base_url(upstream.port()) + "/slow");
  });
  RawConnection c(front->port());
  ASSERT_TRUE(c.send(raw_request("GET", "/a")));
  ASSERT_EQ(reached.get_future().wait_for(5s), std::future_status::ready);
  auto stopped = std::async(std::launch::async, [&front] { front->stop(); });
  auto r = c.read_response(3000ms);
  ASSERT_TRUE(r) << "the pending answer was dropped at stop";
  EXPECT_EQ(r->status, 200) << r->body;
  ASSERT_EQ(stopped.wait_for(5s), std::future_status::ready);
}

// Beast refuses a header field of 64 KiB or more by throwing: an upstream sending one gives an error
// outcome, and the server goes on.
TEST(PendingAnswer, AnAnswerHeaderOverTheLimitIsAnErrorOutcome) {
  ScriptedUpstream upstream(
      [](int fd, int n) {
        ScriptedUpstream::read_head(fd);
        const std::string big = n == 0 ? "X-Big: " + std::string(70000, 'a') + "\r\n" : "";
        ScriptedUpstream::send_all(fd, "HTTP/1.1 200 OK\r\n" + big + "Content-Length: 2\r\nConnection: close\r\n\r\nok");
      },
      2);
  RunningServer front(ServerOptions{}, [&](const Request&) { return pending_get(base_url(upstream.port()) + "/x"); });
  RawConnection c(front.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/a")));
  auto refused = c.read_response();
  ASSERT_TRUE(refused) << "no answer: the server ended";
  EXPECT_EQ(refused->status, 502);
  EXPECT_NE(refused->body.find("header limit"), std::string::npos) << refused->body;
  ASSERT_TRUE(c.send(raw_request("GET", "/a")));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "ok");
}

// A pending request Beast refuses to write (a header field of 64 KiB or more) is an error outcome
// at once: its `then` answers, and the connection goes on.
TEST(PendingAnswer, ARequestThatCannotBeWrittenIsAnErrorOutcome) {
  RunningServer upstream(ServerOptions{}, describe);
  RunningServer front(ServerOptions{}, [&](const Request& r) {
    Response out = pending_get(base_url(upstream.port()) + "/up");
    if (r.path == "/big") out.pending->request.headers.add("X-Big", std::string(70000, 'a'));
    return out;
  });
  RawConnection c(front.port());
  const auto asked = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.send(raw_request("GET", "/big")));
  auto refused = c.read_response();
  ASSERT_TRUE(refused) << "no answer";
  EXPECT_EQ(refused->status, 502);
  EXPECT_NE(refused->body.find("cannot be written"), std::string::npos) << refused->body;
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 2s);
  ASSERT_TRUE(c.send(raw_request("GET", "/a")));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200) << next->body;
}

// Bytes an upstream sends after its answer (here a 408 before an idle close) are not the next
// request's answer: the kept connection is dropped and a new one made.
TEST(PendingAnswer, BytesAfterAnAnswerAreNotTakenForTheNext) {
  std::promise<void> sent;
  auto sent_408 = sent.get_future();
  ScriptedUpstream upstream(
      [&](int fd, int n) {
        ScriptedUpstream::read_head(fd);
        if (n == 0) {
          ScriptedUpstream::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
          std::this_thread::sleep_for(50ms);
          ScriptedUpstream::send_all(fd, "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
          sent.set_value();
          return ScriptedUpstream::until_closed(fd);
        }
        ScriptedUpstream::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecond");
      },
      2);
  RunningServer front(ServerOptions{}, [&](const Request&) { return pending_get(base_url(upstream.port()) + "/x"); });
  RawConnection c(front.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/a")));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "first");
  ASSERT_EQ(sent_408.wait_for(5s), std::future_status::ready);  // on loopback, sent is arrived
  ASSERT_TRUE(c.send(raw_request("GET", "/a")));
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, "second");
  EXPECT_EQ(upstream.accepted(), 2);
}

// An upstream HEAD answer has no body whatever its Content-Length says; the answer made from it states
// that length, and the connections on both sides go on.
TEST(PendingAnswer, AHeadIsAnsweredWithTheUpstreamsLength) {
  RunningServer upstream(ServerOptions{}, describe);
  RunningServer front(ServerOptions{}, [&](const Request& r) {
    Response answer = pending_get(base_url(upstream.port()) + "/up", 2000);
    answer.pending->request.method = r.method;
    answer.pending->then = [](Result<HttpResponse> outcome) {
      Response out;
      out.status = outcome.ok() ? outcome->status : 502;
      if (outcome.ok()) out.headers.set("Content-Length", outcome->headers.get("Content-Length").value_or("none"));
      return out;
    };
    return answer;
  });
  RawConnection c(front.port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c.send(raw_request("HEAD", "/a")));
    auto r = c.read_head_response();
    ASSERT_TRUE(r) << "HEAD " << i;
    EXPECT_EQ(r->status, 200) << "HEAD " << i;
    EXPECT_GT(std::stoul(r->headers.get("Content-Length").value_or("0")), 0u) << "HEAD " << i;
  }
}

// A handler's answer Beast cannot write (a header field of 64 KiB or more) is a 500, not the end of
// the server; so is a request header that large, whatever the configured limit.
TEST(HttpServer, WhatBeastRefusesEndsOneExchangeOnly) {
  ServerOptions wide;
  wide.header_limit = 1024 * 1024;
  RunningServer s(wide, [](const Request& r) {
    Response out = describe(r);
    if (r.path == "/big") out.headers.set("X-Big", std::string(70000, 'a'));
    if (r.path == "/no-content") {
      out.status = 204;  // with describe's body, which a 204 cannot carry
    }
    return out;
  });
  // Refused answers are the handler_failed answer in the profile's envelope, for this request.
  for (const std::string path : {"/big", "/no-content"}) {
    RawConnection c(s.port());
    ASSERT_TRUE(c.send(raw_request("GET", path, "X-Correlation-Id: cid-refused\r\n")));
    auto r = c.read_response();
    ASSERT_TRUE(r) << path << ": no answer: the server ended";
    EXPECT_EQ(r->status, 500) << path;
    EXPECT_EQ(r->headers.get("X-Correlation-Id"), "cid-refused") << path;
    EXPECT_EQ(nlohmann::json::parse(r->body)["error"], "internal_error") << path << ": " << r->body;
  }
  {
    RawConnection c(s.port());
    ASSERT_TRUE(c.send(raw_request("GET", "/a", "X-Big: " + std::string(70000, 'a') + "\r\n")));
    auto r = c.read_response();
    ASSERT_TRUE(r) << "no answer: the server ended";
    EXPECT_EQ(r->status, 431);
  }
  RawConnection c(s.port());
  ASSERT_TRUE(c.send(raw_request("GET", "/a")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(PendingAnswer, AndThenStepsAnAnswerAtOnceAndAPendingOneAfterItsUpstream) {
  std::vector<std::string> order;
  Response now;
  now.status = 201;
  Response stepped = and_then(now, [&](Response r) {
    order.push_back("step " + std::to_string(r.status));
    r.status = 202;
    return r;
  });
  EXPECT_EQ(stepped.status, 202);
  EXPECT_EQ(order, std::vector<std::string>{"step 201"});

  Response later;
  later.pending = std::make_shared<Pending>(Pending{HttpRequest{}, [&](Result<HttpResponse>) {
                                                      order.push_back("then");
                                                      Response r;
                                                      r.status = 204;
                                                      return r;
                                                    }});
  Response waiting = and_then(later, [&](Response r) {
    order.push_back("step " + std::to_string(r.status));
    return r;
  });
  ASSERT_TRUE(waiting.pending);
  EXPECT_EQ(order.size(), 1u) << "the step ran before the upstream answered";
  Response done = waiting.pending->then(HttpResponse{});
  EXPECT_EQ(done.status, 204);
  EXPECT_EQ(order, (std::vector<std::string>{"step 201", "then", "step 204"}));
}

}  // namespace
}  // namespace tc::stub
