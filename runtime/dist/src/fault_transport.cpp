#include "fnd/dist/fault_transport.hpp"

#include <fnmatch.h>

#include <condition_variable>
#include <map>

namespace fnd::dist {

using Clock = std::chrono::steady_clock;

struct FaultNet::Endpoint {
  std::string name;
  std::mutex mu;
  std::condition_variable cv;
  // (due time, arrival number) -> (sender, packet): delivered in due order.
  std::map<std::pair<Clock::time_point, uint64_t>, std::pair<std::string, zmq::message_t>> inbox;
  uint64_t arrivals = 0;
  bool woken = false;
};

namespace {
class FaultTransport final : public Transport {
 public:
  explicit FaultTransport(FaultNet& net) : net_(net), ep_(std::make_shared<FaultNet::Endpoint>()) {}
  ~FaultTransport() override { close(); }

  Result<std::string> bind(const std::string& self, const std::string& endpoint) override {
    ep_->name = self;
    address_ = endpoint;
    net_.add(endpoint, ep_);
    return endpoint;
  }
  void connect(const std::string& node, const std::string& address) override { peers_[node] = address; }
  void disconnect(const std::string& node) override { peers_.erase(node); }
  bool send(const std::string& node, zmq::message_t&& packet) override {
    auto it = peers_.find(node);
    if (it == peers_.end()) return false;
    net_.route(ep_->name, node, it->second, std::move(packet));
    return true;  // like a socket: accepted, maybe lost later
  }
  void poll(std::chrono::milliseconds timeout, const OnPacket& on_packet) override {
    std::vector<std::pair<std::string, zmq::message_t>> due;
    {
      std::unique_lock<std::mutex> l(ep_->mu);
      auto until = Clock::now() + timeout;
      for (;;) {
        auto now = Clock::now();
        if (!ep_->inbox.empty() && ep_->inbox.begin()->first.first <= now) break;
        if (ep_->woken || now >= until) break;
        auto wake_at = until;
        if (!ep_->inbox.empty() && ep_->inbox.begin()->first.first < wake_at) wake_at = ep_->inbox.begin()->first.first;
        ep_->cv.wait_until(l, wake_at);
      }
      ep_->woken = false;
      auto now = Clock::now();
      while (!ep_->inbox.empty() && ep_->inbox.begin()->first.first <= now && due.size() < 4096) {
        due.push_back(std::move(ep_->inbox.begin()->second));
        ep_->inbox.erase(ep_->inbox.begin());
      }
    }
    for (auto& [from, pkt] : due) on_packet(from, pkt);
  }
  void wake() override {
    std::lock_guard<std::mutex> l(ep_->mu);
    ep_->woken = true;
    ep_->cv.notify_all();
  }
  void close() override {
    if (!address_.empty()) net_.remove(address_);
    address_.clear();
  }

 private:
  FaultNet& net_;
  std::shared_ptr<FaultNet::Endpoint> ep_;
  std::string address_;
  std::unordered_map<std::string, std::string> peers_;
};
}  // namespace

FaultNet::FaultNet(uint64_t seed) : rng_(seed) {}
FaultNet::~FaultNet() = default;

void FaultNet::set_rules(FaultRules rules) {
  std::lock_guard<std::mutex> l(mu_);
  rules_ = rules;
}
void FaultNet::partition(std::string a, std::string b) {
  std::lock_guard<std::mutex> l(mu_);
  partitions_.emplace_back(std::move(a), std::move(b));
}
void FaultNet::heal() {
  std::lock_guard<std::mutex> l(mu_);
  partitions_.clear();
}
FaultNet::Counters FaultNet::counters() const {
  std::lock_guard<std::mutex> l(mu_);
  return counters_;
}
std::unique_ptr<Transport> FaultNet::make_transport() { return std::make_unique<FaultTransport>(*this); }

std::shared_ptr<FaultNet::Endpoint> FaultNet::find(const std::string& address) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = endpoints_.find(address);
  return it == endpoints_.end() ? nullptr : it->second;
}
void FaultNet::add(const std::string& address, std::shared_ptr<Endpoint> ep) {
  std::lock_guard<std::mutex> l(mu_);
  endpoints_[address] = std::move(ep);
}
void FaultNet::remove(const std::string& address) {
  std::lock_guard<std::mutex> l(mu_);
  endpoints_.erase(address);
}

bool FaultNet::cut(const std::string& a, const std::string& b) const {
  for (auto& [p, q] : partitions_) {
    bool ab = fnmatch(p.c_str(), a.c_str(), 0) == 0 && fnmatch(q.c_str(), b.c_str(), 0) == 0;
    bool ba = fnmatch(p.c_str(), b.c_str(), 0) == 0 && fnmatch(q.c_str(), a.c_str(), 0) == 0;
    if (ab || ba) return true;
  }
  return false;
}

void FaultNet::route(const std::string& from, const std::string& to_node, const std::string& to_address,
                     zmq::message_t&& packet) {
  std::shared_ptr<Endpoint> ep;
  std::vector<Clock::time_point> dues;
  {
    std::lock_guard<std::mutex> l(mu_);
    ++counters_.sent;
    auto it = endpoints_.find(to_address);
    if (it == endpoints_.end()) {
      ++counters_.dropped;
      return;
    }
    ep = it->second;
    if (cut(from, to_node)) {
      ++counters_.partitioned;
      return;
    }
    std::uniform_real_distribution<double> u(0.0, 1.0);
    if (u(rng_) < rules_.drop) {
      ++counters_.dropped;
      return;
    }
    auto due = Clock::now() + rules_.delay;
    if (u(rng_) < rules_.reorder) {
      due += rules_.reorder_delay;
      ++counters_.reordered;
    }
    dues.push_back(due);
    if (u(rng_) < rules_.duplicate) {
      dues.push_back(due + std::chrono::microseconds(100));
      ++counters_.duplicated;
    }
    counters_.delivered += dues.size();
  }
  std::lock_guard<std::mutex> l(ep->mu);
  for (size_t i = 0; i < dues.size(); ++i) {
    zmq::message_t copy;
    if (i + 1 < dues.size()) copy.copy(packet);
    else copy.move(packet);
    ep->inbox.emplace(std::make_pair(dues[i], ep->arrivals++), std::make_pair(from, std::move(copy)));
  }
  ep->cv.notify_all();
}

}  // namespace fnd::dist
