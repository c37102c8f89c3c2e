// A tiny HTTP/1.1 server on 127.0.0.1 for tests: one thread accepting, one
// thread per connection, every response with "Connection: close". Written
// here (a few dozen lines of POSIX sockets) rather than taken from
// cpp-httplib to keep tests free of another dependency. Every loop is
// bounded: waits poll in short slices and stop with the server.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace caspian::testing {

struct HttpRequest {
  std::string method, path;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool content_length = true;                 // false: the body ends when the connection closes
  std::chrono::milliseconds delay_before{0};  // wait (in slices, until stop) before answering
};

class LocalHttpServer {
 public:
  using Handler = std::function<HttpReply(const HttpRequest&)>;
  static constexpr auto kSlice = std::chrono::milliseconds(20);
  static constexpr auto kReadTimeout = std::chrono::milliseconds(3000);

  explicit LocalHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;  // any free port
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~LocalHttpServer() {
    stop_.store(true);
    acceptor_.join();
    std::vector<std::thread> workers;
    {
      std::lock_guard lock(mu_);
      workers.swap(workers_);
    }
    for (std::thread& t : workers) t.join();
    ::close(listen_fd_);
  }
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // How many requests reached `path` so far.
  int hits(const std::string& path) {
    std::lock_guard lock(mu_);
    return hits_[path];
  }
  std::vector<HttpRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void accept_loop() {
    while (!stop_.load()) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(kSlice.count())) <= 0) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      std::lock_guard lock(mu_);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  bool wait_readable(int fd, std::chrono::steady_clock::time_point deadline) {
    while (!stop_.load() && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(kSlice.count())) > 0) return true;
    }
    return false;
  }

  void serve(int fd) {
    std::string in;
    const auto deadline = std::chrono::steady_clock::now() + kReadTimeout;
    char buf[4096];
    while (in.find("\r\n\r\n") == std::string::npos && wait_readable(fd, deadline)) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      in.append(buf, static_cast<size_t>(n));
    }
    const size_t end = in.find("\r\n\r\n");
    if (end == std::string::npos) {
      ::close(fd);
      return;
    }
    HttpRequest req;
    size_t pos = in.find("\r\n");
    const std::string line = in.substr(0, pos);
    const size_t sp1 = line.find(' ');
    const size_t sp2 = line.find(' ', sp1 + 1);
    req.method = line.substr(0, sp1);
    req.path = line.substr(sp1 + 1, sp2 - sp1 - 1);
    while (pos < end) {
      const size_t next = in.find("\r\n", pos + 2);
      const std::string h = in.substr(pos + 2, next - pos - 2);
      const size_t colon = h.find(':');
      if (colon != std::string::npos) {
        std::string name = h.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t v = colon + 1;
        while (v < h.size() && h[v] == ' ') ++v;
        req.headers[name] = h.substr(v);
      }
      pos = next;
    }
    {
      std::lock_guard lock(mu_);
      ++hits_[req.path];
      requests_.push_back(req);
    }
    const HttpReply reply = handler_(req);
    const auto answer_at = std::chrono::steady_clock::now() + reply.delay_before;
    while (!stop_.load() && std::chrono::steady_clock::now() < answer_at) std::this_thread::sleep_for(kSlice);
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\nConnection: close\r\n";
    for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
    if (reply.content_length) out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    out += "\r\n";
    if (req.method != "HEAD") out += reply.body;
    size_t sent = 0;
    while (sent < out.size() && !stop_.load()) {
      const ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;  // the client went away (a timeout or the size cap)
      sent += static_cast<size_t>(n);
    }
    ::close(fd);
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
  std::map<std::string, int> hits_;
  std::vector<HttpRequest> requests_;
};

}  // namespace caspian::testing
