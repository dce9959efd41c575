// A loopback TCP relay for tests: listens on 127.0.0.1:<port>, forwards every accepted connection to a
// target port, and can cut all current connections at once (both nodes stay alive: a dropped TCP
// connection, which ZeroMQ then re-establishes through the relay).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

class TcpCutter {
 public:
  TcpCutter() {
    listen_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(listen_, 16);
    socklen_t len = sizeof a;
    getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    if (pipe(wake_) != 0) wake_[0] = wake_[1] = -1;
  }
  ~TcpCutter() {
    stop_ = true;
    poke();
    if (thread_.joinable()) thread_.join();
    for (auto& [x, y] : pairs_) {
      close(x);
      close(y);
    }
    close(listen_);
    close(wake_[0]);
    close(wake_[1]);
  }
  // A port that was free a moment ago (for a child process to bind).
  static int free_port() {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    close(s);
    return ntohs(a.sin_port);
  }
  std::string address() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  // Starts relaying to tcp://127.0.0.1:<target_port>.
  void start(int target_port) {
    target_ = target_port;
    thread_ = std::thread([this] { loop(); });
  }
  // Closes every relayed connection now.
  void cut() {
    cut_requested_ = true;
    poke();
    while (cut_requested_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  int cuts() const { return cuts_; }

 private:
  void poke() {
    char c = 1;
    (void)!write(wake_[1], &c, 1);
  }
  void loop() {
    while (!stop_) {
      std::vector<pollfd> fds{{listen_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      for (auto& [x, y] : pairs_) {
        fds.push_back({x, POLLIN, 0});
        fds.push_back({y, POLLIN, 0});
      }
      if (poll(fds.data(), fds.size(), 100) < 0) continue;
      if (fds[1].revents & POLLIN) {
        char buf[64];
        (void)!read(wake_[0], buf, sizeof buf);
      }
      if (cut_requested_) {
        for (auto& [x, y] : pairs_) {
          close(x);
          close(y);
          ++cuts_;
        }
        pairs_.clear();
        cut_requested_ = false;
        continue;
      }
      size_t polled = pairs_.size();  // a pair accepted below is polled from the next round on
      if (fds[0].revents & POLLIN) {
        int c = accept(listen_, nullptr, nullptr);
        int t = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(target_));
        if (c >= 0 && connect(t, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) pairs_.emplace_back(c, t);
        else {
          if (c >= 0) close(c);
          close(t);
        }
      }
      std::vector<size_t> dead;
      for (size_t i = 0; i < polled; ++i) {
        auto [x, y] = pairs_[i];
        for (int dir = 0; dir < 2; ++dir) {
          int from = dir ? y : x, to = dir ? x : y;
          if (!(fds[2 + 2 * i + dir].revents & (POLLIN | POLLHUP | POLLERR))) continue;
          char buf[65536];
          ssize_t n = read(from, buf, sizeof buf);
          if (n <= 0 || write(to, buf, static_cast<size_t>(n)) != n) {  // blocking write: fine here
            dead.push_back(i);
            break;
          }
        }
      }
      for (auto it = dead.rbegin(); it != dead.rend(); ++it) {
        close(pairs_[*it].first);
        close(pairs_[*it].second);
        pairs_.erase(pairs_.begin() + static_cast<long>(*it));
      }
    }
  }
  int listen_ = -1, port_ = 0, target_ = 0;
  int wake_[2];
  std::vector<std::pair<int, int>> pairs_;
  std::atomic<bool> stop_{false}, cut_requested_{false};
  std::atomic<int> cuts_{0};
  std::thread thread_;
};
