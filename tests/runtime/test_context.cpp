// Request contexts: W3C traceparent handling, and propagation through sends, calls, replies, one-shot
// timers and process chains; a handler's context does not leak into later messages.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "helpers.hpp"

namespace {
using fnd::RequestContext;

// What a process saw: the correlation id and traceparent in effect, and one baggage key.
struct Seen {
  std::string tag;
  uint64_t corr = 0;
  std::string traceparent;
  std::string tenant;
};
Seen seen_now(std::string tag) {
  RequestContext c = fnd::current_request_context();
  return Seen{std::move(tag), c.correlation_id(), std::string(c.traceparent()),
              std::string(c.get("tenant").value_or(""))};
}

struct Hop {
  int left;
};
struct Report {};

// Passes Hop along a chain; the last one reports what it saw.
struct ChainLink : fnd::Actor {
  fnd::Pid next;
  Channel<Seen>* out;
  ChainLink(fnd::Pid n, Channel<Seen>* o) : next(std::move(n)), out(o) {}
  void on_message(fnd::Message& m) override {
    if (auto* h = m.try_get<Hop>()) {
      if (next) send(next, Hop{h->left - 1});
      else out->push(seen_now("end"));
    } else if (m.is<Report>()) {
      out->push(seen_now("report"));
    }
  }
};

struct Ask {
  int v;
};
// Replies with the correlation id it saw (+ the value), and records the context.
struct Server : fnd::Actor {
  void on_message(fnd::Message& m) override {
    if (auto* a = m.try_get<Ask>()) reply(static_cast<int64_t>(fnd::current_request_context().correlation_id()) + a->v);
  }
};

struct Later {};
// On Ask: sets a timer that sends Later to itself; on Later: reports what it saw.
struct Delayer : fnd::Actor {
  Channel<Seen>* out;
  explicit Delayer(Channel<Seen>* o) : out(o) {}
  void on_message(fnd::Message& m) override {
    if (m.is<Ask>()) send_after(std::chrono::milliseconds(1), Later{});
    else if (m.is<Later>()) out->push(seen_now("later"));
  }
};

// On Ask: starts a new request context for what it sends next (a gateway).
struct Gateway : fnd::Actor {
  fnd::Pid next;
  explicit Gateway(fnd::Pid n) : next(std::move(n)) {}
  void on_message(fnd::Message& m) override {
    if (m.is<Ask>()) {
      fnd::set_request_context(fnd::current_request_context().with_correlation(777).with("tenant", "beta"));
      send(next, Hop{0});
    }
  }
};
}  // namespace

TEST_CASE("traceparent: validation, new traces, child spans, baggage") {
  CHECK(RequestContext::valid_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  CHECK_FALSE(RequestContext::valid_traceparent(""));
  CHECK_FALSE(RequestContext::valid_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  CHECK_FALSE(RequestContext::valid_traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  CHECK_FALSE(RequestContext::valid_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
  CHECK_FALSE(RequestContext::valid_traceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  CHECK_FALSE(RequestContext::valid_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0"));

  RequestContext kept = RequestContext::start(5, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  CHECK(kept.correlation_id() == 5);
  CHECK(kept.trace_id() == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(kept.traceparent() == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

  RequestContext fresh = RequestContext::start(6, "garbage");
  CHECK(RequestContext::valid_traceparent(fresh.traceparent()));
  CHECK(fresh.trace_id() != kept.trace_id());

  RequestContext child = kept.child_span();
  CHECK(child.trace_id() == kept.trace_id());
  CHECK(child.traceparent() != kept.traceparent());
  CHECK(RequestContext::valid_traceparent(child.traceparent()));
  CHECK(child.correlation_id() == 5);

  RequestContext a = kept.with("tenant", "acme").with("user", "u1").with("tenant", "zeta");
  CHECK(a.get("tenant") == std::optional<std::string_view>("zeta"));
  CHECK(a.get("user") == std::optional<std::string_view>("u1"));
  CHECK_FALSE(a.get("none").has_value());
  CHECK(a.baggage().size() == 2);
  CHECK_FALSE(kept.get("tenant").has_value());  // contexts never change
  CHECK(RequestContext().empty());
  CHECK(RequestContext().correlation_id() == 0);
  CHECK(RequestContext::new_correlation_id() != RequestContext::new_correlation_id());
}

TEST_CASE("a context crosses a chain of processes through plain sends") {
  fnd::Node node({.threads = 2});
  Channel<Seen> out;
  fnd::Pid last = node.spawn<ChainLink>(fnd::Pid(), &out);
  fnd::Pid mid = node.spawn<ChainLink>(last, &out);
  fnd::Pid first = node.spawn<ChainLink>(mid, &out);

  RequestContext ctx = RequestContext::start(RequestContext::new_correlation_id()).with("tenant", "acme");
  {
    fnd::ContextScope scope(ctx);
    node.send(first, Hop{2});
  }
  Seen s = out.pop();
  CHECK(s.corr == ctx.correlation_id());
  CHECK(s.traceparent == ctx.traceparent());
  CHECK(s.tenant == "acme");

  // Outside the scope, and in the handler of a message without a context: nothing is in effect.
  node.send(first, Hop{2});
  Seen none = out.pop();
  CHECK(none.corr == 0);
  CHECK(none.traceparent.empty());

  // A handler's context does not outlive the message: the next message (no context) sees none.
  {
    fnd::ContextScope scope(ctx);
    node.send(last, Report{});
  }
  CHECK(out.pop().corr == ctx.correlation_id());
  node.send(last, Report{});
  CHECK(out.pop().corr == 0);
  node.stop();
}

TEST_CASE("call and reply carry the caller's context; one-shot timers carry the setter's") {
  fnd::Node node({.threads = 2});
  fnd::Pid server = node.spawn<Server>();
  Channel<int64_t> replies;
  RequestContext ctx = RequestContext::start(4242);
  node.spawn_fiber([&, ctx](fnd::Process& p) {
    fnd::set_request_context(ctx);
    auto r = p.call<int64_t>(server, Ask{1}, std::chrono::seconds(10));
    replies.push(r ? *r : -1);
    // The reply carried the context back: it is the one in effect after receiving it.
    replies.push(static_cast<int64_t>(fnd::current_request_context().correlation_id()));
  });
  CHECK(replies.pop() == 4243);
  CHECK(replies.pop() == 4242);

  Channel<Seen> out;
  fnd::Pid delayer = node.spawn<Delayer>(&out);
  {
    fnd::ContextScope scope(ctx);
    node.send(delayer, Ask{0});
  }
  CHECK(out.pop().corr == 4242);
  node.stop();
}

TEST_CASE("a handler can start a new context for what it sends") {
  fnd::Node node({.threads = 2});
  Channel<Seen> out;
  fnd::Pid end = node.spawn<ChainLink>(fnd::Pid(), &out);
  fnd::Pid gw = node.spawn<Gateway>(end);
  RequestContext ctx = RequestContext::start(1).with("tenant", "acme");
  {
    fnd::ContextScope scope(ctx);
    node.send(gw, Ask{0});
  }
  Seen s = out.pop();
  CHECK(s.corr == 777);
  CHECK(s.tenant == "beta");
  CHECK(s.traceparent == ctx.traceparent());  // same trace
  node.stop();
}

TEST_CASE("many concurrent requests keep their own contexts") {
  fnd::Node node({.threads = 4});
  Channel<Seen> out;
  constexpr int kChains = 16;
  std::vector<fnd::Pid> heads;
  for (int i = 0; i < kChains; ++i) {
    fnd::Pid c = node.spawn<ChainLink>(fnd::Pid(), &out);
    fnd::Pid b = node.spawn<ChainLink>(c, &out);
    heads.push_back(node.spawn<ChainLink>(b, &out));
  }
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t)
    senders.emplace_back([&, t] {
      for (int i = t; i < kChains; i += 4) {
        fnd::ContextScope scope(RequestContext::start(1000 + i).with("tenant", std::to_string(i)));
        node.send(heads[i], Hop{2});
      }
    });
  for (auto& s : senders) s.join();
  std::vector<bool> got(kChains, false);
  for (int i = 0; i < kChains; ++i) {
    Seen s = out.pop();
    REQUIRE(s.corr >= 1000);
    REQUIRE(s.corr < 1000 + kChains);
    int idx = static_cast<int>(s.corr - 1000);
    CHECK(s.tenant == std::to_string(idx));
    CHECK_FALSE(got[idx]);
    got[idx] = true;
  }
  node.stop();
}
