// Links, monitors, exit signals, trap_exit: Erlang's semantics.
#include <future>
#include <map>

#include "helpers.hpp"

namespace {
struct Crash {};
struct ExitWith {
  fnd::ExitReason reason;
};
struct ExitWithTwice {  // stop(first), then stop(second), in one handler
  fnd::ExitReason first, second;
};
struct LinkTo {
  fnd::Pid pid;
};
struct UnlinkFrom {
  fnd::Pid pid;
};

// Does what it is told; reports Exit/Down messages to a channel.
struct Puppet : fnd::Actor {
  Channel<std::string>* out;
  bool trap;
  Puppet(Channel<std::string>* o, bool t) : out(o), trap(t) {}
  void on_start() override { trap_exit(trap); }
  void on_message(fnd::Message& m) override {
    if (m.is<Crash>()) throw std::runtime_error("puppet crashed");
    if (auto* e = m.try_get<ExitWith>()) stop(e->reason);
    if (auto* e = m.try_get<ExitWithTwice>()) {
      stop(e->first);
      stop(e->second);
    }
    if (auto* l = m.try_get<LinkTo>()) {
      link(l->pid);
      out->push("linked");
    }
    if (auto* u = m.try_get<UnlinkFrom>()) {
      unlink(u->pid);
      out->push("unlinked");
    }
    if (auto* x = m.try_get<fnd::Exit>()) out->push("exit:" + x->reason.to_string());
    if (auto* d = m.try_get<fnd::Down>()) out->push("down:" + d->reason.to_string());
    if (auto* s = m.try_get<std::string>()) out->push(*s);
  }
};

struct Fx {
  Channel<std::string> out;
  fnd::Node node{{.threads = 2}};
  fnd::Pid puppet(bool trap = false) { return node.spawn<Puppet>(&out, trap); }
  // Links a and b from a's side and waits for it to take effect.
  void link(const fnd::Pid& a, const fnd::Pid& b) {
    node.send(a, LinkTo{b});
    REQUIRE(out.pop() == "linked");
  }
};
}  // namespace

TEST_CASE_METHOD(Fx, "a crash propagates through links; the handler's exception is the reason") {
  auto a = puppet(), b = puppet();
  link(a, b);
  auto fa = node.watch(a), fb = node.watch(b);
  node.send(a, Crash{});
  auto ra = get_exit(fa), rb = get_exit(fb);
  REQUIRE(ra.is_error());
  CHECK(ra.error_value()->message == "puppet crashed");
  CHECK(rb == ra);  // b dies with a's reason
}

TEST_CASE_METHOD(Fx, "of two stops in one handler the last one's reason is the exit reason") {
  const fnd::ExitReason boom = fnd::ExitReason::error("boom", "first");
  const std::pair<fnd::ExitReason, fnd::ExitReason> cases[] = {
      {boom, fnd::ExitReason::normal()},
      {fnd::ExitReason::normal(), boom},
      {fnd::ExitReason::normal(), fnd::ExitReason::shutdown()},
      {fnd::ExitReason::shutdown(), fnd::ExitReason::normal()},
  };
  for (const auto& [first, second] : cases) {
    auto a = puppet();
    auto fa = node.watch(a);
    node.send(a, ExitWithTwice{first, second});
    CHECK(get_exit(fa) == second);
  }
}

TEST_CASE_METHOD(Fx, "links are bidirectional") {
  auto a = puppet(), b = puppet();
  link(a, b);
  auto fa = node.watch(a);
  node.send(b, Crash{});  // b never called link itself
  CHECK(get_exit(fa).is_error());
}

TEST_CASE_METHOD(Fx, "a normal exit does not kill linked processes") {
  auto a = puppet(), b = puppet(true), c = puppet();
  link(a, b);
  link(a, c);
  auto fa = node.watch(a);
  node.send(a, ExitWith{fnd::ExitReason::normal()});
  CHECK(get_exit(fa).is_normal());
  CHECK(out.pop() == "exit:normal");  // the trapping one sees it as a message
  node.send(c, std::string("c alive"));
  CHECK(out.pop() == "c alive");
}

TEST_CASE_METHOD(Fx, "trap_exit turns exit signals into Exit messages") {
  auto a = puppet(), t = puppet(true);
  link(t, a);
  node.send(a, Crash{});
  CHECK(out.pop() == "exit:error(exception: puppet crashed)");
  node.send(t, std::string("still alive"));
  CHECK(out.pop() == "still alive");
  node.exit(t, fnd::ExitReason::shutdown());  // exit/2 is trapped too
  CHECK(out.pop() == "exit:shutdown");
}

TEST_CASE_METHOD(Fx, "kill is untrappable and linked processes see killed") {
  auto t = puppet(true), w = puppet(true);
  link(w, t);
  auto ft = node.watch(t);
  node.exit(t, fnd::ExitReason::kill());
  CHECK(get_exit(ft).kind() == fnd::ExitKind::killed);
  CHECK(out.pop() == "exit:killed");  // not kill: a linked kill does not cascade untrappably
}

TEST_CASE_METHOD(Fx, "exit signals: shutdown kills a non-trapping process, normal is ignored") {
  auto a = puppet();
  node.exit(a, fnd::ExitReason::normal());
  node.send(a, std::string("ignored normal"));
  CHECK(out.pop() == "ignored normal");
  auto fa = node.watch(a);
  node.exit(a, fnd::ExitReason::shutdown());
  CHECK(get_exit(fa).is_shutdown());
}

TEST_CASE_METHOD(Fx, "exit(self, normal) terminates a process") {
  auto [p, f] = spawn_watched(node, [](fnd::Process& self) {
    self.exit(self.self(), fnd::ExitReason::normal());
    self.receive<Crash>();  // never arrives: the signal ends the process here
  });
  CHECK(get_exit(f).is_normal());
}

TEST_CASE_METHOD(Fx, "unlink removes the link both ways") {
  auto a = puppet(), b = puppet();
  link(a, b);
  node.send(a, UnlinkFrom{b});
  CHECK(out.pop() == "unlinked");
  auto fb = node.watch(b);
  node.send(b, Crash{});
  CHECK(get_exit(fb).is_error());
  node.send(a, std::string("a survived"));
  CHECK(out.pop() == "a survived");
}

TEST_CASE_METHOD(Fx, "linking to a dead process delivers noproc") {
  auto dead = puppet();
  auto fd = node.watch(dead);
  node.exit(dead, fnd::ExitReason::kill());
  get_exit(fd);
  auto t = puppet(true);
  link(t, dead);
  CHECK(out.pop() == "exit:noproc");
  auto a = puppet();
  auto fa = node.watch(a);
  node.send(a, LinkTo{dead});
  CHECK(out.pop() == "linked");
  CHECK(get_exit(fa).kind() == fnd::ExitKind::noproc);  // not trapping: noproc kills it
}

TEST_CASE_METHOD(Fx, "monitors deliver Down with the reason, once") {
  auto a = puppet();
  Channel<std::string> got;
  auto [m, fm] = spawn_watched(node, [&](fnd::Process& self) {
    auto ref = self.monitor(a);
    self.send(a, Crash{});
    auto d = self.receive<fnd::Down>();
    got.push(d.ref == ref ? "ref ok" : "ref wrong");
    got.push(d.pid == a ? "pid ok" : "pid wrong");
    got.push(d.reason.to_string());
    got.push(self.trapping_exits() ? "trapping" : "not trapping");  // a monitor is not a link
  });
  CHECK(got.pop() == "ref ok");
  CHECK(got.pop() == "pid ok");
  CHECK(got.pop() == "error(exception: puppet crashed)");
  CHECK(got.pop() == "not trapping");
  CHECK(get_exit(fm).is_normal());  // the watcher itself does not die
}

TEST_CASE_METHOD(Fx, "monitoring a dead process gives Down noproc; demonitor stops Down") {
  auto dead = puppet();
  auto fd = node.watch(dead);
  node.exit(dead, fnd::ExitReason::kill());
  get_exit(fd);
  Channel<std::string> got;
  auto a = puppet();
  spawn_watched(node, [&](fnd::Process& self) {
    self.monitor(dead);
    got.push(self.receive<fnd::Down>().reason.to_string());
    auto ref = self.monitor(a);
    got.push(self.demonitor(ref) ? "removed" : "unknown");
    got.push(self.demonitor(ref) ? "removed" : "unknown");
    self.exit(a, fnd::ExitReason::kill());
    // A second monitor to learn when a is gone; the first must stay silent.
    auto ref2 = self.monitor(a);
    auto d = self.receive<fnd::Down>();
    got.push(d.ref == ref2 ? "only the live monitor fired" : "demonitored monitor fired");
    got.push(std::to_string(self.queued()));
  });
  CHECK(got.pop() == "noproc");
  CHECK(got.pop() == "removed");
  CHECK(got.pop() == "unknown");
  CHECK(got.pop() == "only the live monitor fired");
  CHECK(got.pop() == "0");
}

TEST_CASE_METHOD(Fx, "spawn_link from a handler and SpawnOptions.link_to") {
  // The parent traps exits and outlives this body: when the fixture's node stops it, it may first
  // get its other child's exit, so it reports to the fixture's channel, which outlives the node.
  struct Parent : fnd::Actor {
    Channel<std::string>* out;
    explicit Parent(Channel<std::string>* o) : out(o) {}
    void on_start() override {
      trap_exit(true);
      spawn_link<Puppet>(out, false);
      auto child = spawn_link<Puppet>(out, false);
      send(child, Crash{});
    }
    void on_message(fnd::Message& m) override {
      if (auto* e = m.try_get<fnd::Exit>()) out->push("parent got exit:" + e->reason.to_string());
    }
  };
  node.spawn<Parent>(&out);
  CHECK(out.pop() == "parent got exit:error(exception: puppet crashed)");

  auto t = puppet(true);
  fnd::SpawnOptions o;
  o.link_to = t;
  auto c = node.spawn_opt<Puppet>(o, &out, false);
  node.send(c, Crash{});
  CHECK(out.pop() == "exit:error(exception: puppet crashed)");
}

TEST_CASE_METHOD(Fx, "signals are ordered with messages from the same sender") {
  // A sends m1, links, sends m2, then crashes: the trapping B sees m1, m2, then the Exit, in that order.
  auto b = puppet(true);
  Channel<std::string> got;
  auto [a, fa] = spawn_watched(node, [&](fnd::Process& self) {
    self.send(b, std::string("m1"));
    self.link(b);
    self.send(b, std::string("m2"));
    throw std::runtime_error("a dies");
  });
  CHECK(out.pop() == "m1");
  CHECK(out.pop() == "m2");
  CHECK(out.pop() == "exit:error(exception: a dies)");
}

TEST_CASE_METHOD(Fx, "signals keep their place among many concurrent senders' messages") {
  // Eight linked senders each send kEach numbered messages and then exit (shutdown), while an outside thread sends
  // plain data: batches the receiver takes hold signals and data from several senders at once. Each
  // sender's messages must arrive complete and in order, then its Exit, and nothing after it.
  constexpr int kSenders = 8, kEach = 3000, kOutside = 20000;
  struct Seq {
    int sender, n;
  };
  struct Receiver : fnd::Actor {
    std::promise<std::string>* done;
    std::map<fnd::Pid, int> seen;     // sender -> messages so far
    std::map<fnd::Pid, bool> exited;
    int outside = 0, exits = 0;
    std::string error;
    explicit Receiver(std::promise<std::string>* d) : done(d) {}
    void on_start() override { trap_exit(true); }
    void on_message(fnd::Message& m) override {
      if (auto* s = m.try_get<Seq>()) {
        if (s->sender < 0) {
          if (s->n != outside++) error = "outside message out of order";
        } else {
          int& k = seen[m.sender()];
          if (exited[m.sender()]) error = "a message after its sender's Exit";
          if (s->n != k++) error = "sender " + std::to_string(s->sender) + " out of order";
        }
      } else if (auto* x = m.try_get<fnd::Exit>()) {
        if (seen[x->from] != kEach) error = "Exit before all of its sender's messages";
        exited[x->from] = true;
        ++exits;
      }
      if (exits == kSenders && outside == kOutside) done->set_value(error.empty() ? "ok" : error);
    }
  };
  std::promise<std::string> done;
  auto r = node.spawn<Receiver>(&done);
  for (int s = 0; s < kSenders; ++s) {
    node.spawn_fiber([r, s](fnd::Process& self) {
      self.link(r);
      for (int i = 0; i < kEach; ++i) self.send(r, Seq{s, i});
      self.stop(fnd::ExitReason::shutdown());  // trapped by the receiver as an Exit; no crash report
    });
  }
  for (int i = 0; i < kOutside; ++i) node.send(r, Seq{-1, i});
  REQUIRE(done.get_future().get() == "ok");
}

TEST_CASE_METHOD(Fx, "on_stop runs with the reason (not for kill)") {
  Channel<std::string> got;
  struct Stopper : fnd::Actor {
    Channel<std::string>* out;
    explicit Stopper(Channel<std::string>* o) : out(o) {}
    void on_message(fnd::Message& m) override {
      if (m.is<Crash>()) crash("by request");
      if (m.is<int>()) stop();
    }
    void on_stop(const fnd::ExitReason& r) override { out->push("on_stop " + r.to_string()); }
  };
  auto a = node.spawn<Stopper>(&got);
  node.send(a, Crash{});
  CHECK(got.pop() == "on_stop error(crash: by request)");
  auto b = node.spawn<Stopper>(&got);
  node.send(b, 1);
  CHECK(got.pop() == "on_stop normal");
  auto c = node.spawn<Stopper>(&got);
  auto fc = node.watch(c);
  node.exit(c, fnd::ExitReason::kill());
  get_exit(fc);
  auto d = node.spawn<Stopper>(&got);
  node.exit(d, fnd::ExitReason::shutdown());
  CHECK(got.pop() == "on_stop shutdown");  // c (killed) produced nothing before this
}
