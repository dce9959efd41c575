// The reliable-link streams driven through a seeded lossy, duplicating, reordering channel in a single
// thread: every frame is delivered exactly once and in order, and the buffers stay bounded.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "fnd/dist/link.hpp"

using namespace fnd::dist;

namespace {
zmq::message_t frame_of(uint64_t v) {
  zmq::message_t f(sizeof v);
  std::memcpy(f.data(), &v, sizeof v);
  return f;
}
uint64_t value_of(const zmq::message_t& f) {
  uint64_t v;
  std::memcpy(&v, f.data(), sizeof v);
  return v;
}

struct Channel {  // frames in flight: (arrival tick, seq, frame)
  std::mt19937_64 rng;
  double drop, dup, reorder;
  std::multimap<uint64_t, std::pair<uint64_t, zmq::message_t>> flight;
  void send(uint64_t now, uint64_t seq, const zmq::message_t& f) {
    std::uniform_real_distribution<double> u(0, 1);
    if (u(rng) < drop) return;
    int copies = u(rng) < dup ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      zmq::message_t c;
      c.copy(const_cast<zmq::message_t&>(f));
      uint64_t at = now + 1 + (u(rng) < reorder ? rng() % 20 : 0);
      flight.emplace(at, std::make_pair(seq, std::move(c)));
    }
  }
};

// Runs `n` frames through the channel with a window; returns the delivered values.
std::vector<uint64_t> run(uint64_t seed, double drop, double dup, double reorder, uint64_t n, size_t window,
                          size_t early_cap, size_t* max_unacked, size_t* max_early) {
  Channel ch{std::mt19937_64(seed), drop, dup, reorder, {}};
  std::mt19937_64 ack_rng(seed + 1);
  OutStream out;
  InStream in(early_cap);
  std::vector<uint64_t> got;
  uint64_t next = 0, last_progress = 0, acked = 0;
  *max_unacked = *max_early = 0;
  for (uint64_t tick = 0; got.size() < n && tick < 2000000; ++tick) {
    while (next < n && out.unacked() < window) out.append(frame_of(next++));  // backpressure: the window
    out.transmit([&](uint64_t seq, zmq::message_t& f, bool) {
      ch.send(tick, seq, f);
      return true;
    });
    auto end = ch.flight.upper_bound(tick);
    for (auto it = ch.flight.begin(); it != end; it = ch.flight.erase(it)) {
      auto& [seq, f] = it->second;
      in.accept(seq, std::move(f), [&](const zmq::message_t& d) { got.push_back(value_of(d)); });
    }
    // Acks travel back over a lossy path too.
    if (std::uniform_real_distribution<double>(0, 1)(ack_rng) >= drop) {
      if (out.ack(in.cumulative_ack())) last_progress = tick;
      acked = in.cumulative_ack();
    }
    if (out.unacked() > out.untransmitted() && tick - last_progress > 40) {  // the resend timeout
      out.rewind();
      last_progress = tick;
    }
    *max_unacked = std::max(*max_unacked, out.unacked());
    *max_early = std::max(*max_early, in.early());
  }
  (void)acked;
  return got;
}
}  // namespace

TEST_CASE("perfect channel: in order, nothing resent") {
  size_t mu, me;
  auto got = run(1, 0, 0, 0, 5000, 64, 128, &mu, &me);
  REQUIRE(got.size() == 5000);
  for (uint64_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == i);
  CHECK(me == 0);
}

TEST_CASE("lossy, duplicating, reordering channels: exactly once, in order, bounded") {
  struct Case {
    double drop, dup, reorder;
  };
  for (Case c : {Case{0.2, 0, 0}, Case{0, 0.3, 0}, Case{0, 0, 0.3}, Case{0.1, 0.1, 0.2}, Case{0.4, 0.2, 0.4}}) {
    for (uint64_t seed = 1; seed <= 8; ++seed) {
      INFO("drop " << c.drop << " dup " << c.dup << " reorder " << c.reorder << " seed " << seed);
      size_t mu, me;
      auto got = run(seed, c.drop, c.dup, c.reorder, 3000, 64, 32, &mu, &me);
      REQUIRE(got.size() == 3000);
      for (uint64_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == i);
      CHECK(mu <= 64);  // the resend buffer never exceeds the window
      CHECK(me <= 32);  // nor the early-frame buffer its capacity
    }
  }
}

TEST_CASE("OutStream: acks release in order, rewind resends only the unacknowledged") {
  OutStream o;
  for (uint64_t i = 0; i < 5; ++i) CHECK(o.append(frame_of(i)) == i + 1);
  std::vector<uint64_t> sent;
  auto tx = [&](uint64_t seq, zmq::message_t&, bool first) {
    sent.push_back(seq * 10 + (first ? 1 : 0));
    return true;
  };
  CHECK(o.transmit(tx) == 5);
  CHECK(o.ack(2) == 2);
  CHECK(o.ack(1) == 0);  // an old ack changes nothing
  o.rewind();
  sent.clear();
  CHECK(o.transmit(tx) == 3);
  CHECK(sent == std::vector<uint64_t>{30, 40, 50});
  CHECK(o.ack(99) == 3);
  CHECK(o.unacked() == 0);
  // A full socket stops transmission; the rest stays due.
  o.append(frame_of(7));
  o.append(frame_of(8));
  int budget = 1;
  CHECK(o.transmit([&](uint64_t, zmq::message_t&, bool) { return budget-- > 0; }) == 1);
  CHECK(o.untransmitted() == 1);
}

TEST_CASE("InStream: duplicates and early frames") {
  InStream in(2);
  std::vector<uint64_t> got;
  auto d = [&](const zmq::message_t& f) { got.push_back(value_of(f)); };
  CHECK(in.accept(2, frame_of(2), d) == InStream::Result::early);
  CHECK(in.accept(2, frame_of(2), d) == InStream::Result::duplicate);
  CHECK(in.accept(3, frame_of(3), d) == InStream::Result::early);
  CHECK(in.accept(4, frame_of(4), d) == InStream::Result::dropped);  // capacity 2
  CHECK(in.accept(1, frame_of(1), d) == InStream::Result::delivered);
  CHECK(got == std::vector<uint64_t>{1, 2, 3});
  CHECK(in.cumulative_ack() == 3);
  CHECK(in.accept(1, frame_of(1), d) == InStream::Result::duplicate);
}
