// The reliable-link streams driven through a seeded lossy, duplicating, reordering channel in a single
// thread, one message per frame and in batches of varying size: every message is delivered exactly once
// and in order, and the buffers stay bounded.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "fnd/dist/link.hpp"

using namespace fnd::dist;

namespace {
std::string body_of(uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), sizeof v); }
uint64_t value_of(std::string_view body) {
  uint64_t v;
  REQUIRE(body.size() == sizeof v);
  std::memcpy(&v, body.data(), sizeof v);
  return v;
}

// A batch in flight: the first seq and the messages' bodies (copied, as a frame would carry them).
struct Batch {
  uint64_t first;
  std::vector<std::string> bodies;
};

struct Channel {  // batches in flight: arrival tick -> batch
  std::mt19937_64 rng;
  double drop, dup, reorder;
  std::multimap<uint64_t, Batch> flight;
  void send(uint64_t now, const Batch& b) {
    std::uniform_real_distribution<double> u(0, 1);
    if (u(rng) < drop) return;
    int copies = u(rng) < dup ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      uint64_t at = now + 1 + (u(rng) < reorder ? rng() % 20 : 0);
      flight.emplace(at, b);
    }
  }
};

// Runs `n` messages through the channel with a window, in batches of 1..max_batch messages (the size
// limit of each transmit drawn at random); returns the delivered values.
std::vector<uint64_t> run(uint64_t seed, double drop, double dup, double reorder, uint64_t n, size_t window,
                          size_t early_cap, size_t* max_unacked, size_t* max_early, size_t max_batch = 1) {
  Channel ch{std::mt19937_64(seed), drop, dup, reorder, {}};
  std::mt19937_64 ack_rng(seed + 1);
  OutStream out;
  InStream in(early_cap);
  std::vector<uint64_t> got;
  uint64_t next = 0, last_progress = 0;
  *max_unacked = *max_early = 0;
  for (uint64_t tick = 0; got.size() < n && tick < 2000000; ++tick) {
    // Backpressure: the window; a random number of new messages per tick, so batches vary in size.
    for (uint64_t k = ack_rng() % 8; next < n && out.unacked() < window && k > 0; --k) out.append(2, body_of(next++));
    size_t limit = 1 + ack_rng() % max_batch;
    out.transmit(limit, SIZE_MAX, [&](const OutStream::Run& r) {
      REQUIRE(r.size() >= 1);
      REQUIRE(r.size() <= limit);
      Batch b{r.first_seq(), {}};
      for (size_t i = 0; i < r.size(); ++i) {
        REQUIRE(r[i].seq == r.first_seq() + i);  // a run is consecutive
        REQUIRE(r[i].kind == 2);
        b.bodies.push_back(std::string(r[i].body()));
      }
      ch.send(tick, b);
      return true;
    });
    auto end = ch.flight.upper_bound(tick);
    for (auto it = ch.flight.begin(); it != end; it = ch.flight.erase(it)) {
      const Batch& b = it->second;
      for (size_t i = 0; i < b.bodies.size(); ++i)
        in.accept(b.first + i, 2, b.bodies[i], [&](uint8_t kind, std::string_view body) {
          REQUIRE(kind == 2);
          got.push_back(value_of(body));
        });
    }
    // Acks travel back over a lossy path too.
    if (std::uniform_real_distribution<double>(0, 1)(ack_rng) >= drop) {
      if (out.ack(in.cumulative_ack())) last_progress = tick;
    }
    if (out.unacked() > out.untransmitted() && tick - last_progress > 40) {  // the resend timeout
      out.rewind();
      last_progress = tick;
    }
    *max_unacked = std::max(*max_unacked, out.unacked());
    *max_early = std::max(*max_early, in.early());
  }
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
  for (size_t max_batch : {size_t{1}, size_t{16}}) {
    for (Case c : {Case{0.2, 0, 0}, Case{0, 0.3, 0}, Case{0, 0, 0.3}, Case{0.1, 0.1, 0.2}, Case{0.4, 0.2, 0.4}}) {
      for (uint64_t seed = 1; seed <= 8; ++seed) {
        INFO("drop " << c.drop << " dup " << c.dup << " reorder " << c.reorder << " seed " << seed << " batch "
                     << max_batch);
        size_t mu, me;
        auto got = run(seed, c.drop, c.dup, c.reorder, 3000, 64, 32, &mu, &me, max_batch);
        REQUIRE(got.size() == 3000);
        for (uint64_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == i);
        CHECK(mu <= 64);  // the resend buffer never exceeds the window
        CHECK(me <= 32);  // nor the early-message buffer its capacity
      }
    }
  }
}

TEST_CASE("OutStream: acks release in order, rewind resends only the unacknowledged") {
  OutStream o;
  for (uint64_t i = 0; i < 5; ++i) CHECK(o.append(2, body_of(i)) == i + 1);
  std::vector<uint64_t> sent;
  auto tx = [&](const OutStream::Run& r) {
    for (size_t i = 0; i < r.size(); ++i) sent.push_back(r[i].seq * 10 + (r[i].sent ? 0 : 1));
    return true;
  };
  CHECK(o.transmit(1, SIZE_MAX, tx) == 5);
  CHECK(o.ack(2) == 2);
  CHECK(o.ack(1) == 0);  // an old ack changes nothing
  o.rewind();
  sent.clear();
  CHECK(o.transmit(8, SIZE_MAX, tx) == 3);
  CHECK(sent == std::vector<uint64_t>{30, 40, 50});  // marked as sent before: resends
  CHECK(o.ack(99) == 3);
  CHECK(o.unacked() == 0);
  // A full socket stops transmission; the rest stays due.
  o.append(2, body_of(7));
  o.append(2, body_of(8));
  int budget = 1;
  CHECK(o.transmit(1, SIZE_MAX, [&](const OutStream::Run&) { return budget-- > 0; }) == 1);
  CHECK(o.untransmitted() == 1);
}

TEST_CASE("OutStream: runs respect the count and byte limits; a larger message goes alone") {
  OutStream o;
  for (uint64_t i = 0; i < 10; ++i) o.append(2, body_of(i));  // 8 bytes each
  o.append(2, std::string(100, 'x'));
  o.append(2, body_of(11));
  std::vector<std::pair<uint64_t, size_t>> runs;  // (first seq, size)
  CHECK(o.transmit(4, 24, [&](const OutStream::Run& r) {
    runs.emplace_back(r.first_seq(), r.size());
    return true;
  }) == 12);
  // 24 bytes = 3 messages of 8; the 100-byte one alone; the last one after it.
  CHECK(runs == std::vector<std::pair<uint64_t, size_t>>{{1, 3}, {4, 3}, {7, 3}, {10, 1}, {11, 1}, {12, 1}});
  runs.clear();
  o.rewind();
  CHECK(o.transmit(100, SIZE_MAX, [&](const OutStream::Run& r) {
    runs.emplace_back(r.first_seq(), r.size());
    return true;
  }) == 12);
  CHECK(runs == std::vector<std::pair<uint64_t, size_t>>{{1, 12}});
}

TEST_CASE("InStream: duplicates and early messages") {
  InStream in(2);
  std::vector<uint64_t> got;
  auto d = [&](uint8_t, std::string_view b) { got.push_back(value_of(b)); };
  auto body = body_of;
  CHECK(in.accept(2, 2, body(2), d) == InStream::Result::early);
  CHECK(in.accept(2, 2, body(2), d) == InStream::Result::duplicate);
  CHECK(in.accept(3, 2, body(3), d) == InStream::Result::early);
  CHECK(in.accept(4, 2, body(4), d) == InStream::Result::dropped);  // capacity 2
  CHECK(in.accept(1, 2, body(1), d) == InStream::Result::delivered);
  CHECK(got == std::vector<uint64_t>{1, 2, 3});
  CHECK(in.cumulative_ack() == 3);
  CHECK(in.accept(1, 2, body(1), d) == InStream::Result::duplicate);
}

TEST_CASE("InStream: a delivery that clears the stream leaves it at 0 for the next session") {
  InStream in(4);
  std::vector<uint64_t> got;
  auto body = body_of;
  CHECK(in.accept(2, 2, body(2), [&](uint8_t, std::string_view) {}) == InStream::Result::early);
  // Message 1 makes the receiver declare the peer down (clear()) while the early one is pending.
  in.accept(1, 2, body(1), [&](uint8_t, std::string_view b) {
    got.push_back(value_of(b));
    in.clear();
  });
  CHECK(got == std::vector<uint64_t>{1});
  CHECK(in.cumulative_ack() == 0);
  CHECK(in.early() == 0);
  CHECK(in.accept(1, 2, body(10), [&](uint8_t, std::string_view b) { got.push_back(value_of(b)); }) ==
        InStream::Result::delivered);
  CHECK(got == std::vector<uint64_t>{1, 10});
}

TEST_CASE("OutStream: bodies survive chunk turnover; head and tail are joined; take_all keeps the order") {
  // Many messages of varied sizes (some over a chunk) acknowledged in random steps: every body
  // transmitted is the one appended, whatever chunk it was stored in.
  std::mt19937_64 rng(5);
  OutStream o;
  std::map<uint64_t, std::string> sent_bodies;
  uint64_t acked = 0;
  for (int round = 0; round < 200; ++round) {
    for (int k = static_cast<int>(rng() % 50); k > 0; --k) {
      size_t size = rng() % 10 == 0 ? 70000 + rng() % 1000 : rng() % 3000;
      std::string b(size, '\0');
      for (auto& c : b) c = static_cast<char>(rng());
      size_t cut = size ? rng() % size : 0;
      uint64_t seq = o.append(3, std::string_view(b).substr(0, cut), std::string_view(b).substr(cut));
      sent_bodies[seq] = b;
    }
    o.transmit(SIZE_MAX, SIZE_MAX, [&](const OutStream::Run& r) {
      for (size_t i = 0; i < r.size(); ++i) {
        REQUIRE(r[i].kind == 3);
        REQUIRE(r[i].body() == sent_bodies.at(r[i].seq));
      }
      return true;
    });
    acked += rng() % (o.next_seq() - acked);
    o.ack(acked);
    for (auto it = sent_bodies.begin(); it != sent_bodies.end() && it->first <= acked;) it = sent_bodies.erase(it);
    if (round % 17 == 0) o.rewind();  // resends read the stored bodies again
  }
  CHECK(o.unacked() == sent_bodies.size());
  std::vector<std::string> taken;
  o.take_all([&](uint8_t kind, std::string_view b) {
    CHECK(kind == 3);
    taken.emplace_back(b);
  });
  REQUIRE(taken.size() == sent_bodies.size());
  size_t i = 0;
  for (auto& [seq, b] : sent_bodies) CHECK(taken[i++] == b);
  CHECK(o.unacked() == 0);
  CHECK(o.next_seq() == 1);
}
