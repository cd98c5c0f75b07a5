// The stubs' HTTP core on Boost.Beast, shaped like Beast's http_server_async example: an acceptor,
// one Session per connection on one of the event loops (one per I/O thread), a deadline on every
// read, parser limits, keep-alive. A complete request is handled on the session's loop, or by a worker
// when handlers may block; the answer is written asynchronously from the loop. A pending answer's
// upstream request is an Exchange on the session's loop (Beast's http_client_async example), on the
// connection the session kept from its last one.
#include "stubs/http_server.h"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/redact.h"


namespace tc::stub {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr const char* kServerName = "tenantcheck-stub";
constexpr int kIoThreads = 2;
// How long stop() lets requests already being handled finish before the server gives up on them.
constexpr std::chrono::seconds kDrainLimit{5};
// How long a connection closed after an error answer is still read from (see linger_and_close).
constexpr std::chrono::milliseconds kLinger{1000};
// Beast throws (std::length_error) on one header field of 64 KiB or more, before any limit check:
// a whole header under this size cannot hold such a field. Incoming requests and upstream answers alike.
constexpr std::size_t kMaxHeaderLimit = 60 * 1024;
// An upstream answer's body: over it, an error outcome rather than memory growing until the deadline.
constexpr std::uint64_t kUpstreamBodyLimit = 64ull * 1024 * 1024;

// The longest URL libcurl's parser takes (CURL_MAX_INPUT_LENGTH); a longer one goes to a worker, which says so.
constexpr std::size_t kCurlMaxUrl = 8000000;

// Where a request the I/O threads may send goes (Pending's rule), or nullopt for a worker's HttpClient.
struct PlainTarget {
  std::string host;    // as url_host_port gives it; an IPv6 address in brackets
  std::string port;
  std::string target;  // path and query, "/" at least
};

std::optional<PlainTarget> plain_target(const HttpRequest& r) {
  if (r.follow_redirects || r.cookies || !r.hosts.empty() || !r.source_address.empty()) return std::nullopt;
  constexpr std::string_view scheme = "http://";
  if (r.url.size() < scheme.size() || !std::equal(scheme.begin(), scheme.end(), r.url.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      }))
    return std::nullopt;
  const std::size_t end = r.url.find_first_of("/?#", scheme.size());
  const std::string authority = r.url.substr(scheme.size(), end - scheme.size());
  if (authority.find('@') != std::string::npos) return std::nullopt;
  std::string target = end == std::string::npos ? "" : r.url.substr(end);
  // What libcurl's URL parser refuses after the authority: a control byte or a space, or a URL over
  // its length limit (the request then goes to a worker's HttpClient, which says so).
  for (unsigned char c : target)
    if (c <= 0x20 || c == 0x7f) return std::nullopt;
  if (r.url.size() > kCurlMaxUrl) return std::nullopt;
  // Host and port depend on the authority alone: parsed once for the last one this thread saw (a
  // gateway forwards to a few backends), rather than the whole URL for every request.
  thread_local std::string last_authority;
  thread_local std::optional<HostPort> last_hp;
  if (last_authority != authority || !last_hp) {
    last_hp.reset();  // a failure below leaves nothing cached
    last_authority = authority;
    last_hp = url_host_port(std::string(scheme) + authority);
  }
  if (!last_hp) return std::nullopt;
  const HostPort& hp = *last_hp;
  target = target.substr(0, target.find('#'));
  if (target.empty() || target[0] != '/') target.insert(0, "/");
  return PlainTarget{hp.host, hp.port, std::move(target)};
}

}  // namespace

Response and_then(Response r, std::function<Response(Response)> step) {
  if (!r.pending) return step(std::move(r));
  // A new Pending: a copy of `r` elsewhere keeps its own `then`.
  r.pending = std::make_shared<Pending>(Pending{r.pending->request, [inner = r.pending->then, step = std::move(step)](Result<HttpResponse> outcome) {
                                                  return and_then(inner(std::move(outcome)), step);
                                                }});
  return r;
}

// What the acceptor, the sessions and run() share.
struct ServerCore {
  ServerOptions options;
  Handler handler;
  // One event loop per I/O thread, each run by that thread alone, so that a request's reads, writes
  // and upstream exchange stay on one thread; connections are spread over the loops in turn, and the
  // acceptor lives on the first.
  std::vector<std::unique_ptr<net::io_context>> loops = make_loops();
  std::size_t next_loop = 0;
  net::io_context& ioc = *loops.front();
  tcp::acceptor acceptor{ioc};
  net::thread_pool pool;
  std::uint16_t bound_port = 0;

  std::mutex mu;
  std::condition_variable cv;
  bool stop_requested = false;
  int in_flight = 0;  // requests handed to the pool whose answer is not yet written
  std::atomic<bool> draining{false};

  ServerCore(ServerOptions o, Handler h)
      : options(std::move(o)), handler(std::move(h)), pool(static_cast<std::size_t>(std::max(1, options.workers))) {}

  // An answer must still be written when building the error answer fails: then a bare status line.
  Response error(ServerFault fault, const Request& request) {
    try {
      return options.error_response(fault, request);
    } catch (...) {
      Response r;
      r.status = 500;
      return r;
    }
  }

  void request_started() {
    std::lock_guard lock(mu);
    ++in_flight;
  }
  // Only the drain waits for in_flight: woken for every answer, run()'s thread would switch in and
  // out once per request for nothing.
  void request_finished() {
    std::lock_guard lock(mu);
    if (--in_flight == 0 && draining) cv.notify_all();
  }

  void do_accept();
  static std::vector<std::unique_ptr<net::io_context>> make_loops() {
    std::vector<std::unique_ptr<net::io_context>> out;
    for (int i = 0; i < kIoThreads; ++i) out.push_back(std::make_unique<net::io_context>(1));
    return out;
  }
};

namespace {

// One upstream request of a pending answer, on the event loop of the session it answers:
// on the connection the session kept from its last exchange with that host and port when there is
// one (sent again on a new connection, once, when that one turns out closed before any answer byte,
// as libcurl does), under the request's deadline, connecting included. `done` is called exactly
// once, with the connection when it may be kept for the next exchange.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  using Done = std::function<void(Result<HttpResponse>, std::optional<tcp::socket>)>;
  Exchange(net::any_io_executor executor, HttpRequest request, PlainTarget to, std::optional<tcp::socket> kept, Done done)
      : request_(std::move(request)), to_(std::move(to)), done_(std::move(done)), executor_(executor),
        socket_(std::move(kept)), timer_(executor) {
    reused_ = socket_.has_value();
    if (!socket_) socket_.emplace(executor_);
    // HttpClient's 0 is "no deadline"; here every exchange has one: HttpRequest's default.
    if (request_.timeout_ms <= 0) request_.timeout_ms = HttpRequest{}.timeout_ms;
  }

  void start() {
    started_ = std::chrono::steady_clock::now();
    try {
      build_message();
    } catch (const std::exception&) {  // a method or header Beast refuses (a field of 64 KiB or more)
      return fail({}, "the request cannot be written");
    }
    timer_.expires_after(std::chrono::milliseconds(request_.timeout_ms));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->finished_) return;
      self->timed_out_ = true;
      if (self->resolver_) self->resolver_->cancel();
      beast::error_code ignored;
      self->socket_->close(ignored);
    });
    reused_ ? send() : connect();
  }

 private:
  void build_message() {
    msg_.version(11);
    msg_.method_string(request_.method);
    msg_.target(to_.target);
    // The framing is the message's own; a Host the caller gives replaces the URL's, as with libcurl.
    for (const auto& [name, value] : request_.headers.entries()) {
      const auto field = http::string_to_field(name);
      if (field == http::field::content_length || field == http::field::transfer_encoding) continue;
      msg_.insert(name, value);
    }
    if (!request_.headers.has("Host")) msg_.set(http::field::host, to_.port == "80" ? to_.host : to_.host + ":" + to_.port);
    if (!request_.headers.has("Accept")) msg_.set(http::field::accept, "*/*");
    // As HttpClient: a POST always carries a body (Content-Length: 0 when empty), other methods when given.
    if (!request_.body.empty() || request_.method == "POST") msg_.content_length(request_.body.size());
    msg_.body() = request_.body;
  }

  void connect() {
    std::string host = to_.host;
    if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
    beast::error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (!ec) {
      const unsigned long port = std::strtoul(to_.port.c_str(), nullptr, 10);
      std::array<tcp::endpoint, 1> endpoint{tcp::endpoint(address, static_cast<unsigned short>(port))};
      return net::async_connect(*socket_, endpoint, [self = shared_from_this()](beast::error_code e, const tcp::endpoint&) {
        self->on_connect(e);
      });
    }
    if (!resolver_) resolver_.emplace(executor_);
    resolver_->async_resolve(host, to_.port, [self = shared_from_this()](beast::error_code e, tcp::resolver::results_type found) {
      // A name resolved after the deadline: async_connect would open the socket the timer closed.
      if (self->timed_out_) return self->fail(net::error::timed_out);
      if (e) return self->fail(e);
      net::async_connect(*self->socket_, found, [self](beast::error_code e2, const tcp::endpoint&) { self->on_connect(e2); });
    });
  }

  void on_connect(beast::error_code ec) {
    if (timed_out_) return fail(net::error::timed_out);
    if (ec) return fail(ec);
    beast::error_code ignored;
    socket_->set_option(tcp::no_delay(true), ignored);
    send();
  }

  void send() {
    http::async_write(*socket_, msg_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->again_or_fail(ec);
      self->receive();
    });
  }

  void receive() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(kMaxHeaderLimit));
    parser_->body_limit(kUpstreamBodyLimit);
    if (request_.method == "HEAD") parser_->skip(true);
    http::async_read(*socket_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->answered_ = self->answered_ || self->parser_->got_some();
      if (ec) return self->again_or_fail(ec);
      // An interim answer (103 Early Hints, 102 Processing) is not the answer: read on, as libcurl does.
      const unsigned status = self->parser_->get().result_int();
      if (status >= 100 && status < 200 && status != 101) return self->receive();
      self->succeed();
    });
  }

  // A kept-alive connection the other side had closed before any answer byte (an interim answer
  // included): once more on a new one.
  void again_or_fail(beast::error_code ec) {
    if (!reused_ || timed_out_ || answered_) return fail(ec);
    reused_ = false;
    beast::error_code ignored;
    socket_->close(ignored);
    socket_.emplace(executor_);
    buffer_.clear();
    parser_.reset();
    connect();
  }

  void succeed() {
    finished_ = true;
    timer_.cancel();
    auto& got = parser_->get();
    HttpResponse response;
    response.status = static_cast<int>(got.result_int());
    for (const auto& field : got) response.headers.add(std::string(field.name_string()), std::string(field.value()));
    response.body = std::move(got.body());
    response.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    response.effective_url = request_.url;
    response.hops.push_back(HttpHop{request_.method, request_.url, response.status, response.headers});
    // Kept only when the answer ended by its own framing, nothing follows it and the deadline has not
    // closed the socket meanwhile.
    std::optional<tcp::socket> keep;
    if (parser_->keep_alive() && response.status != 101 && buffer_.size() == 0 && !timed_out_ && socket_->is_open())
      keep = std::move(socket_);
    else close();
    done_(std::move(response), std::move(keep));
  }

  void fail(beast::error_code ec, std::string reason = {}) {
    finished_ = true;
    timer_.cancel();
    close();
    if (reason.empty())
      reason = timed_out_ ? "no answer within " + std::to_string(request_.timeout_ms) + " ms" : ec.message();
    done_(environment_error("", request_.method + " " + request_.url + ": " + reason), std::nullopt);
  }

  void close() {
    if (!socket_) return;
    beast::error_code ignored;
    socket_->shutdown(tcp::socket::shutdown_both, ignored);
    socket_->close(ignored);
  }

  HttpRequest request_;
  PlainTarget to_;
  Done done_;
  net::any_io_executor executor_;
  std::chrono::steady_clock::time_point started_;
  std::optional<tcp::socket> socket_;
  net::steady_timer timer_;
  std::optional<tcp::resolver> resolver_;  // only for a host name, made when one is resolved
  bool reused_ = false;
  bool answered_ = false;  // some byte of an answer (interim or final) has arrived
  bool timed_out_ = false;
  bool finished_ = false;
  http::request<http::string_body> msg_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerCore& server) : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void start() { net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); }); }

 private:
  void do_read() {
    if (server_.draining) return do_close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min(server_.options.header_limit, kMaxHeaderLimit)));
    parser_->body_limit(server_.options.body_limit);
    stream_.expires_after(server_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout) return do_close();
    if (ec == http::error::header_limit)
      return answer_and_close(ServerFault::header_too_large);
    if (ec == http::error::body_limit)
      return answer_and_close(ServerFault::payload_too_large);
    if (ec) {
      // A parse failure is answered; a broken connection is not.
      if (ec.category() == http::make_error_code(http::error::bad_target).category())
        return answer_and_close(ServerFault::malformed_request);
      return do_close();
    }
    stream_.expires_never();
    auto request = std::make_shared<const Request>(to_request(parser_->get()));
    bool keep_alive = parser_->get().keep_alive();
    server_.request_started();
    auto work = [self = shared_from_this(), request, keep_alive]() mutable {
      Response response;
      try {
        response = self->server_.handler(*request);
      } catch (...) {
        // The reason may hold request data or secrets; the answer says only that the handler failed.
        response = self->server_.error(ServerFault::handler_failed, *request);
      }
      net::dispatch(self->stream_.get_executor(), [self, response = std::move(response), request, keep_alive]() mutable {
        self->settle(std::move(response), std::move(request), keep_alive);
      });
    };
    if (server_.options.workers > 0 && (!server_.options.may_wait || server_.options.may_wait(*request)))
      net::post(server_.pool, std::move(work));
    else work();
  }

  // On the session's loop: makes `response` an answer and writes it. A pending one's request is sent (on the
  // connection this session keeps for its host, or by a worker through HttpClient when the I/O
  // threads do not send it) and its `then` called, until an answer. `request` lives until then.
  void settle(Response response, std::shared_ptr<const Request> request, bool keep_alive) {
    if (!response.pending) return write(std::move(response), *request, keep_alive, true, request->method == "HEAD");
    std::shared_ptr<Pending> pending = std::move(response.pending);
    auto next = [self = shared_from_this(), pending, request, keep_alive](Result<HttpResponse> outcome) {
      Response answer;
      try {
        answer = pending->then(std::move(outcome));
      } catch (...) {
        answer = self->server_.error(ServerFault::handler_failed, *request);
      }
      self->settle(std::move(answer), request, keep_alive);
    };
    if (auto to = plain_target(pending->request)) {
      std::string key = to->host + ":" + to->port;
      std::optional<tcp::socket> kept;
      if (auto it = upstream_.find(key); it != upstream_.end()) {
        if (idle_and_open(it->second)) kept.emplace(std::move(it->second));
        upstream_.erase(it);
      }
      auto done = [self = shared_from_this(), key, next](Result<HttpResponse> outcome, std::optional<tcp::socket> keep) {
        if (keep && !self->server_.draining) self->upstream_.insert_or_assign(key, std::move(*keep));
        next(std::move(outcome));
      };
      return std::make_shared<Exchange>(stream_.get_executor(), pending->request, std::move(*to), std::move(kept), std::move(done))
          ->start();
    }
    net::post(server_.pool, [self = shared_from_this(), pending, next]() {
      thread_local HttpClient client;  // one per worker, reused across requests
      auto outcome = client.send(pending->request);
      net::dispatch(self->stream_.get_executor(), [next, outcome = std::move(outcome)]() mutable { next(std::move(outcome)); });
    });
  }

  // A kept upstream connection may be used again when the other side has neither closed it nor sent
  // anything since its last answer (bytes there would be read as the next answer), as libcurl checks.
  static bool idle_and_open(tcp::socket& socket) {
    char byte;
    const auto got = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  Request to_request(const http::request<http::string_body>& msg) const {
    Request r;
    r.method = std::string(msg.method_string());
    r.set_target(msg.target());
    for (const auto& field : msg) r.headers.add(std::string(field.name_string()), std::string(field.value()));
    r.body = msg.body();
    r.remote = remote_;
    return r;
  }

  void answer_and_close(ServerFault fault) {
    Request partial;
    if (parser_) {
      for (const auto& field : parser_->get()) partial.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    write(server_.error(fault, partial), partial, false, false);
  }

  // `counted`: the answer closes a request handed to the pool (in-flight bookkeeping).
  // `head`: the answer to a HEAD request, sent with the length its body has but without the body
  // (RFC 9110 §9.3.2), so that the connection's next answer is read from where it starts.
  // A HEAD answer made without a body (a forwarded one) keeps the Content-Length it states.
  // An answer Beast refuses to write (a field of 64 KiB or more, a body on a 204) becomes the
  // handler_failed answer to `request`, and a bare 500 if that is refused too; the connection closes.
  void write(Response response, const Request& request, bool keep_alive, bool counted, bool head = false) {
    auto msg = std::make_shared<http::response<http::string_body>>();
    try {
      build(*msg, std::move(response), keep_alive, head);
    } catch (const std::exception&) {
      try {
        *msg = {};
        build(*msg, server_.error(ServerFault::handler_failed, request), false, head);
      } catch (const std::exception&) {
        *msg = {};
        build(*msg, Response{500, {}, {}, nullptr}, false, head);
      }
    }
    stream_.expires_after(server_.options.read_timeout);
    http::async_write(stream_, *msg, [self = shared_from_this(), msg, counted](beast::error_code ec, std::size_t) {
      if (counted) self->server_.request_finished();
      if (ec) return self->do_close();
      if (!msg->keep_alive()) return self->linger_and_close();
      self->do_read();
    });
  }

  void build(http::response<http::string_body>& msg, Response response, bool keep_alive, bool head) const {
    msg.version(11);
    msg.result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : response.headers.entries()) msg.insert(name, value);
    msg.set(http::field::server, kServerName);
    msg.keep_alive(keep_alive && !server_.draining);
    // A 1xx or 204 answer states no length (RFC 9110 §8.6); a 304 only the one it was given.
    const unsigned status = msg.result_int();
    if ((status >= 100 && status < 200) || status == 204 || status == 304) {
      if (!response.body.empty()) throw std::invalid_argument("an answer with a body its status forbids");
      if (status != 304) msg.erase(http::field::content_length);
      msg.erase(http::field::transfer_encoding);
      return;
    }
    const bool stated = head && response.body.empty() && msg.find(http::field::content_length) != msg.end();
    msg.body() = std::move(response.body);
    if (!stated) msg.prepare_payload();
    if (head) msg.body().clear();
  }

  // Closing with unread request bytes would make the kernel reset the connection and the client could
  // lose the answer just written (431, 413, 400): stop sending, read and drop what is left for a
  // short while, then close.
  void linger_and_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(kLinger);
    discard_.resize(4096);
    discard_some();
  }

  void discard_some() {
    stream_.async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->do_close();  // end of stream, or the linger deadline
      self->discard_some();
    });
  }

  void do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  ServerCore& server_;
  std::string remote_;
  std::string discard_;
  std::map<std::string, tcp::socket> upstream_;  // kept-alive upstream connections, by "host:port"
};

}  // namespace

void ServerCore::do_accept() {
  net::io_context& loop = *loops[next_loop++ % loops.size()];
  acceptor.async_accept(loop.get_executor(), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) std::make_shared<Session>(std::move(socket), *this)->start();
    do_accept();
  });
}

struct HttpServer::Impl : ServerCore {
  using ServerCore::ServerCore;
};

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {
  auto& o = impl_->options;
  if (!o.error_response) throw std::invalid_argument("HttpServer: options.error_response is required");
  std::string where = o.host + ":" + std::to_string(o.port);
  try {
    tcp::endpoint endpoint(net::ip::make_address(o.host), o.port);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(net::socket_base::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen(net::socket_base::max_listen_connections);
    impl_->bound_port = impl_->acceptor.local_endpoint().port();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + where + ": " + e.what());
  }
}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

std::string HttpServer::url() const {
  std::string host = impl_->options.host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(impl_->bound_port);
}

void HttpServer::stop() {
  std::lock_guard lock(impl_->mu);
  impl_->stop_requested = true;
  impl_->cv.notify_all();
}

void HttpServer::run(bool handle_signals) {
  auto& s = *impl_;
  std::optional<net::signal_set> signals;
  if (handle_signals) {
    signals.emplace(s.ioc, SIGTERM, SIGINT);
    signals->async_wait([this](beast::error_code ec, int) {
      if (!ec) stop();
    });
  }
  // Requests being handled by a worker hold no I/O operation; without the guards a loop could run
  // out of work once the acceptor closes, and their answers would never be written.
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  for (auto& loop : s.loops) guards.push_back(net::make_work_guard(*loop));
  net::post(s.ioc, [&s] { s.do_accept(); });
  std::vector<std::thread> threads;
  for (auto& loop : s.loops)
    threads.emplace_back([&loop = *loop] {
      // An exception out of a completion ends only the operation that threw (its session); the loop
      // goes on serving the others.
      for (;;) {
        try {
          loop.run();
          return;
        } catch (const std::exception& e) {
          std::cerr << "stub server: an I/O operation failed: " + global_redactor().apply(e.what()) + '\n';
        } catch (...) {
          std::cerr << "stub server: an I/O operation failed\n";
        }
      }
    });

  {
    std::unique_lock lock(s.mu);
    s.cv.wait(lock, [&s] { return s.stop_requested; });
  }
  // No new connections, no new requests on open ones; answers already being made are written.
  s.draining = true;
  net::post(s.ioc, [&s] {
    beast::error_code ec;
    s.acceptor.close(ec);
  });
  {
    std::unique_lock lock(s.mu);
    s.cv.wait_for(lock, kDrainLimit, [&s] { return s.in_flight == 0; });
  }
  guards.clear();
  for (auto& loop : s.loops) loop->stop();
  for (auto& t : threads) t.join();
}

}  // namespace tc::stub
