// The stubs' HTTP core on Boost.Beast, shaped like Beast's http_server_async example: an acceptor,
// one Session per connection on its own strand, a deadline on every read, parser limits, keep-alive.
// Complete requests go to a worker pool (handlers may block on upstream calls); the response is
// posted back to the session's strand and written asynchronously.
#include "stubs/http_server.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>


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

}  // namespace

// What the acceptor, the sessions and run() share.
struct ServerCore {
  ServerOptions options;
  Handler handler;
  net::io_context ioc{kIoThreads};
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
  void request_finished() {
    std::lock_guard lock(mu);
    --in_flight;
    cv.notify_all();
  }

  void do_accept();
};

namespace {

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
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
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
    Request request = to_request(parser_->get());
    bool keep_alive = parser_->get().keep_alive();
    server_.request_started();
    net::post(server_.pool, [self = shared_from_this(), request = std::move(request), keep_alive]() mutable {
      Response response;
      try {
        response = self->server_.handler(request);
      } catch (...) {
        // The reason may hold request data or secrets; the answer says only that the handler failed.
        response = self->server_.error(ServerFault::handler_failed, request);
      }
      net::post(self->stream_.get_executor(), [self, response = std::move(response), keep_alive]() mutable {
        self->write(std::move(response), keep_alive, true);
      });
    });
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
    write(server_.error(fault, partial), false, false);
  }

  // `counted`: the answer closes a request handed to the pool (in-flight bookkeeping).
  void write(Response response, bool keep_alive, bool counted) {
    auto msg = std::make_shared<http::response<http::string_body>>();
    msg->version(11);
    msg->result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : response.headers.entries()) msg->insert(name, value);
    msg->set(http::field::server, kServerName);
    msg->body() = std::move(response.body);
    msg->keep_alive(keep_alive && !server_.draining);
    msg->prepare_payload();
    stream_.expires_after(server_.options.read_timeout);
    http::async_write(stream_, *msg, [self = shared_from_this(), msg, counted](beast::error_code ec, std::size_t) {
      if (counted) self->server_.request_finished();
      if (ec) return self->do_close();
      if (!msg->keep_alive()) return self->linger_and_close();
      self->do_read();
    });
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
};

}  // namespace

void ServerCore::do_accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
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
  // Requests being handled in the pool hold no I/O operation; without the guard the io_context could
  // run out of work once the acceptor closes, and their answers would never be written.
  auto guard = net::make_work_guard(s.ioc);
  net::post(s.ioc, [&s] { s.do_accept(); });
  std::vector<std::thread> threads;
  for (int i = 0; i < kIoThreads; ++i) threads.emplace_back([&s] { s.ioc.run(); });

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
  guard.reset();
  s.ioc.stop();
  for (auto& t : threads) t.join();
}

}  // namespace tc::stub
