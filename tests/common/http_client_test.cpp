#include "common/http_client.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/cookie_jar.h"

namespace tc {
namespace {

// What the test server saw of one request.
struct Seen {
  std::string method, target, head, body;
  std::string peer;  // the client's address
  bool has_header(const std::string& name) const {
    return to_lower(head).find("\r\n" + to_lower(name) + ":") != std::string::npos;
  }
};

// A tiny blocking HTTP/1.1 server on 127.0.0.1 (ephemeral port) with one poll() thread. The handler
// returns the raw response to write; an empty string means "never answer" (the deadline case).
class TestServer {
 public:
  using Handler = std::function<std::string(const Seen&)>;

  explicit TestServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0)
      throw std::runtime_error("test server cannot listen");
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { loop(); });
  }

  ~TestServer() {
    stop_ = true;
    thread_.join();
    for (auto& c : conns_) ::close(c.fd);
    ::close(listen_fd_);
  }

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int accepts() const { return accepts_; }
  std::vector<Seen> seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  struct Conn {
    int fd;
    std::string buffer;
    std::string peer;
  };

  void loop() {
    while (!stop_) {
      std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
      for (const auto& c : conns_) fds.push_back({c.fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        sockaddr_in from{};
        socklen_t from_len = sizeof from;
        int fd = ::accept(listen_fd_, reinterpret_cast<sockaddr*>(&from), &from_len);
        if (fd >= 0) {
          ++accepts_;
          char text[INET_ADDRSTRLEN] = {0};
          ::inet_ntop(AF_INET, &from.sin_addr, text, sizeof text);
          conns_.push_back({fd, {}, text});
        }
      }
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        Conn& c = conns_[i - 1];
        char buf[4096];
        ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n <= 0) {
          ::close(c.fd);
          c.fd = -1;
          continue;
        }
        c.buffer.append(buf, static_cast<std::size_t>(n));
        serve(c);
      }
      std::erase_if(conns_, [](const Conn& c) { return c.fd < 0; });
    }
  }

  // Answers every complete request in the connection's buffer.
  void serve(Conn& c) {
    while (true) {
      auto end = c.buffer.find("\r\n\r\n");
      if (end == std::string::npos) return;
      Seen s;
      s.peer = c.peer;
      s.head = c.buffer.substr(0, end + 2);
      std::size_t length = 0;
      std::string lower = to_lower(s.head);
      auto cl = lower.find("\r\ncontent-length:");
      if (cl != std::string::npos) length = std::stoul(lower.substr(cl + 17));
      if (c.buffer.size() < end + 4 + length) return;
      s.body = c.buffer.substr(end + 4, length);
      c.buffer.erase(0, end + 4 + length);
      auto sp1 = s.head.find(' ');
      auto sp2 = s.head.find(' ', sp1 + 1);
      s.method = s.head.substr(0, sp1);
      s.target = s.head.substr(sp1 + 1, sp2 - sp1 - 1);
      {
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back(s);
      }
      std::string response = handler_(s);
      if (!response.empty()) ::send(c.fd, response.data(), response.size(), MSG_NOSIGNAL);
    }
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepts_{0};
  std::vector<Conn> conns_;
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
  std::thread thread_;
};

std::string response(int status, const std::string& reason, const std::vector<std::string>& headers,
                     const std::string& body) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
  for (const auto& h : headers) out += h + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return out;
}

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Whatever proxy the environment names, loopback is reached directly.
    ::setenv("no_proxy", "127.0.0.1,localhost", 1);
    ::setenv("NO_PROXY", "127.0.0.1,localhost", 1);
  }
};

TEST_F(HttpClientTest, StatusHeadersAndBody) {
  TestServer server([](const Seen&) {
    return response(201, "Created", {"X-One: a", "Set-Cookie: a=1", "set-cookie: b=2", "X-Spaced:   v  "}, "hello");
  });
  HttpClient client;
  HttpRequest req;
  req.url = server.url("/items?x=1");
  auto res = client.send(req);
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, "hello");
  EXPECT_EQ(res->headers.get("x-one"), "a");
  EXPECT_EQ(res->headers.get("X-Spaced"), "v");
  EXPECT_EQ(res->headers.all("Set-Cookie"), (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_EQ(res->headers.entries()[0].first, "X-One");  // names as received
  EXPECT_EQ(res->effective_url, req.url);
  EXPECT_GE(res->elapsed_ms, 0.0);
  ASSERT_EQ(server.seen().size(), 1u);
  EXPECT_EQ(server.seen()[0].method, "GET");
  EXPECT_EQ(server.seen()[0].target, "/items?x=1");
}

TEST_F(HttpClientTest, SendsMethodHeadersAndBodyAsGiven) {
  TestServer server([](const Seen&) { return response(200, "OK", {}, "{}"); });
  HttpClient client;
  HttpRequest req;
  req.method = "POST";
  req.url = server.url("/api/items");
  req.headers.add("X-StellaOps-Tenant", "tenant-alpha");
  req.headers.add("X-Empty", "");
  req.body = "a=1&b=2";
  ASSERT_TRUE(client.send(req).ok());

  HttpRequest put;
  put.method = "PUT";
  put.url = server.url("/api/items/1");
  put.headers.add("Content-Type", "application/json");
  put.body = R"({"name":"x"})";
  ASSERT_TRUE(client.send(put).ok());

  HttpRequest del;
  del.method = "DELETE";
  del.url = server.url("/api/items/1");
  ASSERT_TRUE(client.send(del).ok());

  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].body, "a=1&b=2");
  EXPECT_NE(seen[0].head.find("\r\nX-StellaOps-Tenant: tenant-alpha\r\n"), std::string::npos);
  EXPECT_TRUE(seen[0].has_header("X-Empty"));
  EXPECT_FALSE(seen[0].has_header("Content-Type"));  // the caller sets it or none is sent
  EXPECT_FALSE(seen[0].has_header("Expect"));
  EXPECT_EQ(seen[1].method, "PUT");
  EXPECT_EQ(seen[1].body, R"({"name":"x"})");
  EXPECT_NE(to_lower(seen[1].head).find("\r\ncontent-type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(seen[2].method, "DELETE");
  EXPECT_EQ(seen[2].body, "");
}

TEST_F(HttpClientTest, ThePathIsSentAsWrittenDotSegmentsIncluded) {
  TestServer server([](const Seen&) { return response(200, "OK", {}, "{}"); });
  HttpClient client;
  HttpRequest req;
  req.url = server.url("/api/items/../admin/./x?next=/../y");
  ASSERT_TRUE(client.send(req).ok());
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/api/items/../admin/./x?next=/../y");
}

// A followed redirect's relative Location is resolved as RFC 3986 §5.2 says, its dot segments removed;
// a request's own dot segments are kept when it follows redirects too.
TEST_F(HttpClientTest, ARedirectIsResolvedAsABrowserDoesTheRequestAsWritten) {
  TestServer server([](const Seen& s) {
    const bool first_hop = s.target.size() >= 4 && s.target.compare(s.target.size() - 4, 4, "/a/x") == 0;
    if (first_hop) return response(302, "Found", {"Location: ../b/../c/./d"}, "");
    return response(200, "OK", {}, "{}");
  });
  HttpClient client;
  HttpRequest req;
  req.follow_redirects = true;
  req.url = server.url("/a/x");
  ASSERT_TRUE(client.send(req).ok());
  req.url = server.url("/z/../a/x");
  ASSERT_TRUE(client.send(req).ok());
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 4u);  // each request: the redirect, then where it leads
  EXPECT_EQ(seen[1].target, "/c/d");
  EXPECT_EQ(seen[2].target, "/z/../a/x");
  // A request written with dot segments keeps them on every hop, the redirect's own among them.
  EXPECT_EQ(seen[3].target, "/z/../b/../c/./d");
}

TEST_F(HttpClientTest, HeadReadsNoBody) {
  TestServer server([](const Seen& s) {
    return "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Method: " + s.method + "\r\n\r\n";
  });
  HttpClient client;
  HttpRequest req;
  req.method = "HEAD";
  req.url = server.url("/");
  req.timeout_ms = 3000;
  auto res = client.send(req);
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  EXPECT_EQ(res->headers.get("X-Method"), "HEAD");
  EXPECT_EQ(res->body, "");
}

TEST_F(HttpClientTest, ReusesTheConnection) {
  TestServer server([](const Seen&) { return response(200, "OK", {}, "x"); });
  HttpClient client;
  HttpRequest req;
  req.url = server.url("/one");
  ASSERT_TRUE(client.send(req).ok());
  req.url = server.url("/two");
  req.method = "POST";
  req.body = "b";
  ASSERT_TRUE(client.send(req).ok());
  EXPECT_EQ(server.seen().size(), 2u);
  EXPECT_EQ(server.accepts(), 1);
}

// The work given to do while the answer is awaited runs once, after the request reached the server
// and before the answer is read: here the server answers only once that work let it.
TEST_F(HttpClientTest, WorkWhileWaitingRunsOnceBetweenTheRequestAndItsAnswer) {
  std::atomic<bool> go{false};
  TestServer server([&](const Seen& seen) {
    if (seen.target == "/two") {  // answered late enough that the client waits for it
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      return response(200, "OK", {}, "two");
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!go && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return response(200, "OK", {}, go ? "after the work" : "without it");
  });
  HttpClient client;
  HttpRequest req;
  req.url = server.url("/one");
  int calls = 0;
  std::vector<std::size_t> seen_in_work;  // how many requests the server had seen, at each call
  auto work = [&](std::size_t requests) {
    return [&, requests] {
      ++calls;
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (server.seen().size() < requests && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      seen_in_work.push_back(server.seen().size());
      go = true;
    };
  };
  auto res = client.send(req, work(1));
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(res->body, "after the work");
  // The same connection serves the next requests, with work or without; the work again starts once
  // its own request is out, its body included.
  req.url = server.url("/two");
  req.method = "POST";
  req.body = std::string(200000, 'b');
  ASSERT_TRUE(client.send(req).ok());
  ASSERT_TRUE(client.send(req, work(3)).ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(seen_in_work, (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(server.accepts(), 1);
}

// What the work throws comes out of send once the exchange has ended, the answer's cookies kept.
TEST_F(HttpClientTest, WhatTheWorkThrowsIsThrownAfterTheExchangeWithTheJarUpdated) {
  std::atomic<bool> thrown{false};
  TestServer server([&](const Seen&) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);  // answered after the throw
    while (!thrown && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return response(200, "OK", {"Set-Cookie: sid=kept-after-throw; Path=/"}, "x");
  });
  HttpClient client;
  CookieJar jar;
  HttpRequest req;
  req.url = server.url("/login");
  req.cookies = &jar;
  EXPECT_THROW((void)client.send(req,
                                 [&] {
                                   thrown = true;
                                   throw std::runtime_error("the work failed");
                                 }),
               std::runtime_error);
  EXPECT_TRUE(thrown);
  const auto cookies = jar.for_host("127.0.0.1");
  ASSERT_EQ(cookies.size(), 1u);
  EXPECT_EQ(cookies[0].value, "kept-after-throw");
  // The client is usable after it, on the same connection.
  ASSERT_TRUE(client.send(req).ok());
  EXPECT_EQ(server.accepts(), 1);
}

TEST_F(HttpClientTest, RedirectsFollowedOnlyWhenAsked) {
  TestServer server([](const Seen& s) {
    if (s.target == "/start") return response(302, "Found", {"Location: /final", "X-Hop: first"}, "");
    return response(200, "OK", {"X-Final: yes"}, "done");
  });
  HttpClient client;
  HttpRequest req;
  req.url = server.url("/start");
  auto stay = client.send(req);
  ASSERT_TRUE(stay.ok());
  EXPECT_EQ(stay->status, 302);
  EXPECT_EQ(stay->headers.get("Location"), "/final");

  req.follow_redirects = true;
  auto follow = client.send(req);
  ASSERT_TRUE(follow.ok());
  EXPECT_EQ(follow->status, 200);
  EXPECT_EQ(follow->body, "done");
  EXPECT_EQ(follow->effective_url, server.url("/final"));
  EXPECT_FALSE(follow->headers.has("X-Hop"));  // only the final response's headers
  EXPECT_EQ(follow->headers.get("X-Final"), "yes");
}

// A routed host name: the URL and the Host header keep it, the connection goes to the server; each
// hop keeps its method, URL, status and headers, and a POST answered 303 goes on as a GET.
TEST_F(HttpClientTest, RoutedHostsAndEveryHopOfARedirectChain) {
  TestServer server([](const Seen& s) {
    if (s.target == "/login") return response(303, "See Other", {"Location: /next", "Set-Cookie: a=1"}, "moved");
    return response(200, "OK", {"X-Final: yes"}, "done");
  });
  HttpClient client;
  HttpRequest req;
  req.method = "POST";
  req.body = "u=bea";
  req.url = "http://acme.photos.test:8443/login";
  req.hosts = {{"acme.photos.test", server.url("")}};
  req.follow_redirects = true;
  auto res = client.send(req);
  ASSERT_TRUE(res.ok()) << res.error().message;
  ASSERT_EQ(res->hops.size(), 2u);
  EXPECT_EQ(res->hops[0].method, "POST");
  EXPECT_EQ(res->hops[0].url, "http://acme.photos.test:8443/login");
  EXPECT_EQ(res->hops[0].status, 303);
  EXPECT_EQ(res->hops[0].headers.get("Set-Cookie"), "a=1");
  EXPECT_EQ(res->hops[1].method, "GET");
  EXPECT_EQ(res->hops[1].url, "http://acme.photos.test:8443/next");
  EXPECT_EQ(res->hops[1].status, 200);
  EXPECT_EQ(res->body, "done");  // the final response's body only
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].method, "GET");
  EXPECT_NE(seen[1].head.find("\r\nHost: acme.photos.test:8443\r\n"), std::string::npos) << seen[1].head;

  req.hosts = {{"acme.photos.test", "not a url"}};
  auto bad = client.send(req);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::input);
}

TEST_F(HttpClientTest, SentFromTheSourceAddressAsked) {
  TestServer server([](const Seen&) { return response(200, "OK", {}, ""); });
  HttpClient client;
  HttpRequest req;
  req.url = server.url("/who");
  ASSERT_TRUE(client.send(req).ok());
  req.source_address = "127.0.0.2";  // every 127.x.y.z is this machine
  auto res = client.send(req);
  ASSERT_TRUE(res.ok()) << res.error().message;
  req.source_address.clear();
  ASSERT_TRUE(client.send(req).ok());
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].peer, "127.0.0.1");
  EXPECT_EQ(seen[1].peer, "127.0.0.2");  // not the first request's connection reused
  EXPECT_EQ(seen[2].peer, "127.0.0.1");  // nor the proxy's kept for a request that names no source

  req.source_address = "proxy.example";
  auto bad = client.send(req);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::environment);
  EXPECT_NE(bad.error().message.find("source address 'proxy.example' is not an IP address"), std::string::npos)
      << bad.error().message;
}

TEST(UrlHostPort, TheHostInLowerCaseAndThePortOrTheSchemesDefault) {
  auto a = url_host_port("http://Acme.Photos.TEST/x?y=1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "acme.photos.test");
  EXPECT_EQ(a->port, "80");
  auto b = url_host_port("https://127.0.0.1:8443");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "127.0.0.1");
  EXPECT_EQ(b->port, "8443");
  auto c = url_host_port("https://[::1]/");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "[::1]");
  EXPECT_EQ(c->port, "443");
  EXPECT_FALSE(url_host_port("not a url"));
  EXPECT_EQ(url_host("http://Tenant.Example:9/"), "tenant.example");
  EXPECT_EQ(url_host("::"), "");
}

TEST_F(HttpClientTest, DeadlineIsAnEnvironmentError) {
  TestServer server([](const Seen&) { return std::string(); });  // never answers
  HttpClient client;
  HttpRequest req;
  req.url = server.url("/slow");
  req.timeout_ms = 300;
  auto start = std::chrono::steady_clock::now();
  auto res = client.send(req);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::environment);
  EXPECT_EQ(res.error().message.rfind("GET " + req.url + ": ", 0), 0u) << res.error().message;
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_LT(took, std::chrono::milliseconds(3000));
}

TEST_F(HttpClientTest, ConnectionRefusedIsAnEnvironmentError) {
  // A port that was just free: bind, read it, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  HttpClient client;
  HttpRequest req;
  req.method = "POST";
  req.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/x";
  req.timeout_ms = 2000;
  auto res = client.send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::environment);
  EXPECT_TRUE(res.error().where.component.empty());
  EXPECT_EQ(res.error().message.rfind("POST " + req.url + ": ", 0), 0u) << res.error().message;
}

TEST_F(HttpClientTest, TlsVerificationFailsAgainstAPlainServerWithoutHanging) {
  TestServer server([](const Seen&) { return response(200, "OK", {}, ""); });
  HttpClient client(TlsOptions{"/nonexistent/ca.pem", "", "", false});
  HttpRequest req;
  req.url = "https://127.0.0.1:" + server.url("").substr(std::string("http://127.0.0.1:").size()) + "/";
  req.timeout_ms = 2000;
  auto res = client.send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::environment);
}

}  // namespace
}  // namespace tc
