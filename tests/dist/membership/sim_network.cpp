#include "sim_network.hpp"

#include <stdexcept>

namespace fnd::dist::membership::sim {

SimNetwork::SimNetwork(std::uint64_t seed, Config config) : config_(config), rng_(seed) {}

Membership& SimNetwork::add(const std::string& name, const std::vector<std::string>& seed_names,
                            std::uint64_t incarnation) {
  auto& n = nodes_[name];
  NodeId id{name, address_of(name), incarnation};
  // Each node gets its own generator seed, derived from the network's: reproducible per run.
  n.machine = std::make_unique<Membership>(id, config_, rng_());
  n.running = true;
  name_of_address_[id.address] = name;
  n.machine->subscribe([this, name](const MembershipEvent& ev) { events.push_back({now_, name, ev}); });
  n.machine->subscribe_registry(
      [this, name](const RegistryEvent& ev) { registry_events.push_back({now_, name, ev}); });
  std::vector<std::string> seeds;
  for (const auto& s : seed_names) seeds.push_back(address_of(s));
  n.machine->start(seeds, now_);
  flush(name);
  return *n.machine;
}

void SimNetwork::kill(const std::string& name) { nodes_.at(name).running = false; }

void SimNetwork::leave(const std::string& name) {
  auto& n = nodes_.at(name);
  n.machine->leave(now_);
  flush(name);
  n.running = false;
}

bool SimNetwork::running(const std::string& name) const {
  auto it = nodes_.find(name);
  return it != nodes_.end() && it->second.running;
}

Membership& SimNetwork::node(const std::string& name) { return *nodes_.at(name).machine; }

std::vector<std::string> SimNetwork::running_names() const {
  std::vector<std::string> out;
  for (const auto& [name, n] : nodes_)
    if (n.running) out.push_back(name);
  return out;
}

void SimNetwork::partition(const std::vector<std::set<std::string>>& groups) {
  group_of_.clear();
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (const auto& n : groups[g]) group_of_[n] = static_cast<int>(g);
  for (const auto& [name, n] : nodes_)
    if (!group_of_.count(name)) group_of_[name] = -1 - static_cast<int>(group_of_.size());
}

bool SimNetwork::blocked(const std::string& from, const std::string& to) const {
  if (cut_.count({from, to})) return true;
  if (group_of_.empty()) return false;
  auto a = group_of_.find(from), b = group_of_.find(to);
  if (a == group_of_.end() || b == group_of_.end()) return true;
  return a->second != b->second;
}

void SimNetwork::flush(const std::string& name) {
  for (auto& out : nodes_.at(name).machine->take_outgoing()) {
    auto it = name_of_address_.find(out.to_address);
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    bool lost = coin(rng_) < drop_rate;
    if (it == name_of_address_.end() || lost || blocked(name, it->second)) {
      ++dropped;
      continue;
    }
    auto span = (max_delay - min_delay).count();
    Duration delay = min_delay + Duration(span > 0 ? static_cast<std::int64_t>(rng_() % span) : 0);
    if (auto slow = extra_delay_.find(it->second); slow != extra_delay_.end()) delay += slow->second;
    flights_.push(Flight{now_ + delay, order_++, name, it->second, std::move(out.bytes)});
  }
}

void SimNetwork::inject(const std::string& to, std::vector<std::uint8_t> bytes) {
  auto& n = nodes_.at(to);
  n.machine->on_datagram(bytes, now_);
  flush(to);
}

// One event: the next datagram delivery or the next node deadline, whichever is first.
bool SimNetwork::step(Time end) {
  Time t_net = flights_.empty() ? Time::max() : flights_.top().at;
  Time t_node = Time::max();
  for (auto& [name, n] : nodes_)
    if (n.running) t_node = std::min(t_node, n.machine->next_deadline());
  Time t = std::min(t_net, t_node);
  if (t > end) {
    now_ = end;
    return false;
  }
  now_ = std::max(now_, t);
  if (t_net <= t_node) {
    Flight f = flights_.top();
    flights_.pop();
    auto& n = nodes_.at(f.to);
    if (!n.running) {
      ++dropped;
      return true;
    }
    // A partition that started while the datagram was in flight also cuts it.
    if (blocked(f.from, f.to)) {
      ++dropped;
      return true;
    }
    ++delivered;
    delivered_bytes += f.bytes.size();
    n.machine->on_datagram(f.bytes, now_);
    flush(f.to);
    return true;
  }
  for (auto& [name, n] : nodes_) {
    if (!n.running || n.machine->next_deadline() > now_) continue;
    n.machine->tick(now_);
    flush(name);
    if (n.machine->next_deadline() <= now_)
      throw std::logic_error("membership: tick left a deadline in the past for " + name);
  }
  return true;
}

void SimNetwork::run_for(Duration d) {
  Time end = now_ + d;
  while (step(end)) {
  }
}

bool SimNetwork::run_until(const std::function<bool()>& pred, Duration limit) {
  Time end = now_ + limit;
  while (!pred()) {
    if (!step(end)) return pred();
  }
  return true;
}

bool SimNetwork::converged() const {
  for (const auto& [name, n] : nodes_) {
    if (!n.running) continue;
    for (const auto& [other, o] : nodes_) {
      if (other == name) continue;
      auto m = n.machine->member(other);
      bool live = m && (m->status == MemberStatus::alive || m->status == MemberStatus::suspect) &&
                  m->id.incarnation == o.machine->self().incarnation;
      if (live != o.running) return false;
    }
  }
  return true;
}

}  // namespace fnd::dist::membership::sim
