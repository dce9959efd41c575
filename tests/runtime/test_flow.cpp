// The message path under load: envelope allocation across threads (size classes, the batch depot),
// inbox batches spliced into the private queue, sender references taken from a process's credit and
// released in batches, per-turn depth accounting. Labelled tsan: these are the parts of the send path
// that move memory and reference counts between threads.
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "helpers.hpp"

namespace {

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int kScale = 5;  // sanitizers are ~10x slower
#else
constexpr int kScale = 1;
#endif

// ---- envelope allocation, directly ----

// A block handed between threads: the consumer checks the pattern the producer wrote, then frees it.
struct Slot {
  std::atomic<void*> block{nullptr};
};

TEST_CASE("envelope blocks move between threads intact (one-way flow through the depot)") {
  constexpr int kPerSize = 20000 / kScale;
  const size_t sizes[] = {16, 24, 32, 40, 48, 56, 64, 100, 128, 200, 256, 300};
  for (size_t size : sizes) {
    for (size_t align : {size_t{8}, size_t{16}}) {
      std::vector<Slot> slots(kPerSize);
      std::atomic<int> bad{0};
      std::thread consumer([&] {
        for (int i = 0; i < kPerSize; ++i) {
          void* b;
          while (!(b = slots[i].block.load(std::memory_order_acquire))) std::this_thread::yield();
          auto* bytes = static_cast<unsigned char*>(b);
          for (size_t k = 0; k < size; ++k)
            if (bytes[k] != static_cast<unsigned char>(i + k)) ++bad;
          if (reinterpret_cast<uintptr_t>(b) % align) ++bad;
          fnd::detail::free_message(b, size, align);
        }
      });
      for (int i = 0; i < kPerSize; ++i) {
        void* b = fnd::detail::alloc_message(size, align);
        auto* bytes = static_cast<unsigned char*>(b);
        for (size_t k = 0; k < size; ++k) bytes[k] = static_cast<unsigned char>(i + k);
        slots[i].block.store(b, std::memory_order_release);
      }
      consumer.join();
      INFO("size " << size << " align " << align);
      CHECK(bad == 0);
    }
  }
}

TEST_CASE("envelope blocks: concurrent allocate/free on many threads never hand out a live block twice") {
  constexpr int kThreads = 4;
  constexpr int kRounds = 200 / kScale;
  constexpr int kLive = 300;  // more than one batch, so batches travel through the depot
  std::atomic<int> bad{0};
  std::vector<std::thread> ts;
  // Each thread frees half of what it allocated itself and hands the other half to its neighbour.
  std::vector<std::vector<std::atomic<void*>>> mail(kThreads);
  for (auto& m : mail) m = std::vector<std::atomic<void*>>(kRounds * kLive);
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      std::vector<void*> mine;
      int next_in = 0;
      for (int r = 0; r < kRounds; ++r) {
        for (int i = 0; i < kLive; ++i) {
          auto* b = static_cast<uint64_t*>(fnd::detail::alloc_message(40, 8));
          b[0] = static_cast<uint64_t>(t) << 32 | static_cast<uint64_t>(r * kLive + i);
          b[4] = ~b[0];
          if (i % 2) mine.push_back(b);
          else mail[(t + 1) % kThreads][r * kLive + i].store(b, std::memory_order_release);
        }
        for (void* p : mine) {
          auto* b = static_cast<uint64_t*>(p);
          if (b[4] != ~b[0] || (b[0] >> 32) != static_cast<uint64_t>(t)) ++bad;
          fnd::detail::free_message(p, 40, 8);
        }
        mine.clear();
        // What the previous thread sent us so far (it may lag behind: take what is there).
        auto& in = mail[t];
        while (next_in < static_cast<int>(in.size())) {
          void* p = in[next_in].load(std::memory_order_acquire);
          if (next_in % 2) {  // odd slots are never filled
            ++next_in;
            continue;
          }
          if (!p) break;
          auto* b = static_cast<uint64_t*>(p);
          if (b[4] != ~b[0] || (b[0] >> 32) != static_cast<uint64_t>((t + kThreads - 1) % kThreads)) ++bad;
          fnd::detail::free_message(p, 40, 8);
          ++next_in;
        }
      }
      // The rest, once the sender is done.
      auto& in = mail[t];
      for (; next_in < static_cast<int>(in.size()); ++next_in) {
        if (next_in % 2) continue;
        void* p;
        while (!(p = in[next_in].load(std::memory_order_acquire))) std::this_thread::yield();
        auto* b = static_cast<uint64_t*>(p);
        if (b[4] != ~b[0]) ++bad;
        fnd::detail::free_message(p, 40, 8);
      }
    });
  for (auto& t : ts) t.join();
  CHECK(bad == 0);
}

// ---- the send path ----

struct Seq {
  int sender;
  int64_t n;
};
struct Flood {
  fnd::Pid to;
  int index;
  int64_t count;
};
struct Done {};

// Sends `count` sequenced messages to `to` in one handler (a producer loop), then stops.
struct Producer : fnd::Actor {
  void on_message(fnd::Message& m) override {
    if (auto* f = m.try_get<Flood>()) {
      for (int64_t i = 0; i < f->count; ++i) send(f->to, Seq{f->index, i});
      stop();
    }
  }
};

// Checks per-sender order and that every message names its (possibly dead) sender.
struct Consumer : fnd::Actor {
  std::vector<int64_t> next;
  int64_t expected_total;
  int64_t total = 0;
  bool ok = true;
  Channel<std::string>* out;
  Consumer(int senders, int64_t total_, Channel<std::string>* o) : next(senders, 0), expected_total(total_), out(o) {}
  void on_message(fnd::Message& m) override {
    if (auto* s = m.try_get<Seq>()) {
      if (s->n != next[s->sender]++) ok = false;
      if (!m.sender()) ok = false;
      if (++total == expected_total) out->push(ok ? "in order" : "out of order");
    }
  }
};

TEST_CASE("floods from several producers arrive complete and in order per sender") {
  fnd::Node node({.threads = 2});
  constexpr int kSenders = 6;
  const int64_t per = 200000 / kScale;
  Channel<std::string> out;
  auto c = node.spawn<Consumer>(kSenders, kSenders * per, &out);
  std::vector<fnd::Pid> ps;
  for (int i = 0; i < kSenders; ++i) ps.push_back(node.spawn<Producer>());
  for (int i = 0; i < kSenders; ++i) node.send(ps[i], Flood{c, i, per});
  CHECK(out.pop() == "in order");
  // Every producer stopped while its messages were still queued: their control blocks live on
  // through the messages' sender references, which the consumer released in batches.
  for (auto& p : ps) CHECK_FALSE(p.alive());
  // The consumer is idle now: its depth is exact.
  for (int i = 0; i < 1000 && node.mailbox_depth(c) != 0; ++i) std::this_thread::sleep_for(1ms);
  CHECK(node.mailbox_depth(c) == 0);
}

// Many short-lived senders whose only remaining references are in flight: exercises the batched
// release of the last reference (the control block is freed by the consumer's worker).
struct Once : fnd::Actor {
  fnd::Pid to;
  int index;
  Once(fnd::Pid t, int i) : to(std::move(t)), index(i) {}
  void on_start() override {
    for (int k = 0; k < 3; ++k) send(to, Seq{index, k});
    stop();
  }
  void on_message(fnd::Message&) override {}
};

struct Tally : fnd::Actor {
  int64_t expected;
  int64_t got = 0;
  std::vector<int64_t> next;
  bool ok = true;
  Channel<std::string>* out;
  Tally(int64_t e, int senders, Channel<std::string>* o) : expected(e), next(senders, 0), out(o) {}
  void on_message(fnd::Message& m) override {
    if (auto* s = m.try_get<Seq>()) {
      if (s->n != next[s->sender]++) ok = false;
      if (m.sender().id() == 0) ok = false;
      if (++got == expected) out->push(ok ? "all" : "wrong");
    }
  }
};

TEST_CASE("short-lived senders: their control blocks outlive them exactly as long as their messages") {
  fnd::Node node({.threads = 2});
  const int kSenders = 20000 / kScale;
  Channel<std::string> out;
  auto t = node.spawn<Tally>(int64_t{3} * kSenders, kSenders, &out);
  for (int i = 0; i < kSenders; ++i) node.spawn<Once>(t, i);
  CHECK(out.pop() == "all");
}

// Messages of several sizes and alignments through the runtime (payloads checked on arrival).
struct alignas(16) Wide {
  uint64_t a, b;
};
struct Big {
  char bytes[200];
};
struct Mixed : fnd::Actor {
  int64_t expected, got = 0;
  bool ok = true;
  Channel<std::string>* out;
  Mixed(int64_t e, Channel<std::string>* o) : expected(e), out(o) {}
  void on_message(fnd::Message& m) override {
    if (auto* w = m.try_get<Wide>()) {
      if (reinterpret_cast<uintptr_t>(w) % 16 || w->b != ~w->a) ok = false;
    } else if (auto* b = m.try_get<Big>()) {
      for (int i = 1; i < 200; ++i)
        if (b->bytes[i] != static_cast<char>(b->bytes[0] + i)) ok = false;
    } else if (auto* s = m.try_get<std::string>()) {
      if (s->size() != 40 || (*s)[39] != 'x') ok = false;
    } else {
      return;
    }
    if (++got == expected) out->push(ok ? "intact" : "corrupt");
  }
};
struct MixedFlood {
  fnd::Pid to;
  int n;
};
struct MixedProducer : fnd::Actor {
  void on_message(fnd::Message& m) override {
    if (auto* f = m.try_get<MixedFlood>()) {
      for (int i = 0; i < f->n; ++i) {
        send(f->to, Wide{static_cast<uint64_t>(i), ~static_cast<uint64_t>(i)});
        Big b;
        for (int k = 0; k < 200; ++k) b.bytes[k] = static_cast<char>(i + k);
        send(f->to, b);
        send(f->to, std::string(39, 'a') + "x");
      }
    }
  }
};

TEST_CASE("payloads of every size class and alignment arrive intact") {
  fnd::Node node({.threads = 2});
  const int n = 30000 / kScale;
  Channel<std::string> out;
  auto c = node.spawn<Mixed>(int64_t{6} * n, &out);
  auto p1 = node.spawn<MixedProducer>();
  auto p2 = node.spawn<MixedProducer>();
  node.send(p1, MixedFlood{c, n});
  node.send(p2, MixedFlood{c, n});
  CHECK(out.pop() == "intact");
}

}  // namespace
