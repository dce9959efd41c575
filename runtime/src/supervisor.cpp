// OTP supervisors as fiber processes trapping exits. Selective receive keeps the shutdown protocol
// simple: monitor the child, unlink, send exit(shutdown), wait for *its* Down (other messages stay
// queued), kill after the timeout.
//
// Reports (stderr, through fnd::log):
//   SUPERVISOR REPORT supervisor=<name> <pid> child=<id> <pid> reason=<reason> action=<action> restarts=<n>/<intensity> period=<ms>ms
//   action: restart | not_restarted | removed | shutdown (intensity reached: the supervisor exits)
#include "fnd/supervisor.hpp"

#include <any>
#include <deque>
#include <future>
#include <list>
#include <unordered_map>
#include <unordered_set>

#include "fnd/log.hpp"
#include "fnd/telemetry.hpp"
#include "internal.hpp"

namespace fnd {
using namespace detail;

const char* to_string(Strategy s) noexcept {
  switch (s) {
    case Strategy::one_for_one: return "one_for_one";
    case Strategy::one_for_all: return "one_for_all";
    case Strategy::rest_for_one: return "rest_for_one";
    case Strategy::simple_one_for_one: return "simple_one_for_one";
  }
  return "?";
}

const char* to_string(Restart r) noexcept {
  switch (r) {
    case Restart::permanent: return "permanent";
    case Restart::transient: return "transient";
    case Restart::temporary: return "temporary";
  }
  return "?";
}

namespace {
constexpr auto kForever = std::chrono::hours(24 * 365);

// Requests (sent with call) and their replies.
struct SupStartChild {
  ChildSpec spec;
};
struct SupStartDynamic {
  std::any args;
};
struct SupTerminate {
  std::string id;
  Pid pid;
};
struct SupRestart {
  std::string id;
};
struct SupDelete {
  std::string id;
};
struct SupWhich {};
struct SupCount {};
struct SupOk {};
struct SupInitAck {
  uint64_t id;
  std::optional<Error> error;
};

struct Replier {
  Process& p;
  Pid to;
  uint64_t corr;
  template <class T>
  void reply(T&& v) {
    detail::reply_to(&p, to, corr, detail::make_message<std::decay_t<T>>(std::forward<T>(v)));
  }
};

struct Child {
  ChildSpec spec;
  Pid pid;
  std::any args;
};

class Supervisor {
 public:
  Supervisor(Process& p, SupervisorSpec spec, Pid parent) : p_(p), spec_(std::move(spec)), parent_(std::move(parent)) {}

  // Returns the init result to the starter, then serves until it exits (by exception).
  void run(const std::function<void(std::optional<Error>)>& ack) {
    p_.trap_exit(true);
    p_.flags_ |= kSupervisor;
    if (!spec_.name.empty()) {
      auto r = p_.register_name(spec_.name);
      if (!r) fail_init(ack, r.error());
    }
    if (spec_.strategy == Strategy::simple_one_for_one) {
      if (spec_.children.size() != 1)
        fail_init(ack, Error(errc::badarg, "simple_one_for_one needs exactly one child spec"));
      template_ = spec_.children.front();
    } else {
      std::unordered_set<std::string> ids;  // find_id per child made a large init quadratic
      for (auto& cs : spec_.children) {
        if (!ids.insert(cs.id).second) fail_init(ack, Error(errc::badarg, "duplicate child id '" + cs.id + "'"));
        children_.push_back(Child{cs, {}, {}});
        auto r = start(std::prev(children_.end()));
        if (!r) {
          children_.pop_back();
          terminate_all();
          fail_init(ack, r.error());
        }
      }
    }
    ack(std::nullopt);
    for (;;) {
      while (!pending_exits_.empty()) {
        Exit e = std::move(pending_exits_.front());
        pending_exits_.pop_front();
        handle_exit(e);
      }
      MessagePtr m = p_.receive();
      if (m->is<Exit>()) handle_exit(m->get<Exit>());
      else if (m->is_request()) handle_request(*m);
      // Anything else is not for a supervisor: dropped (as OTP does, minus the log line).
    }
  }

 private:
  using It = std::list<Child>::iterator;

  [[noreturn]] void fail_init(const std::function<void(std::optional<Error>)>& ack, Error e) {
    ack(e);
    p_.stop(ExitReason::error(std::move(e)));
  }

  std::string child_name(const std::string& id) const {
    // simple_one_for_one children share one spec id: they are not registered (as in OTP).
    if (spec_.strategy == Strategy::simple_one_for_one) return std::string();
    return spec_.name.empty() || id.empty() ? std::string() : spec_.name + "." + id;
  }

  It find_id(const std::string& id) {
    for (auto it = children_.begin(); it != children_.end(); ++it)
      if (it->spec.id == id) return it;
    return children_.end();
  }

  Result<Pid> start(It c) {
    std::string name = child_name(c->spec.id);
    ChildContext ctx(p_, c->args, name);
    Result<Pid> r = Error(errc::start_failed, "no start function");
    p_.flags_ |= kStartingChild;  // the actor the start function spawns acks its on_start (internal.hpp)
    try {
      if (c->spec.start) r = c->spec.start(ctx);
    } catch (const ExitException&) {
      p_.flags_ &= ~kStartingChild;
      throw;
    } catch (const std::exception& e) {
      r = Error(errc::start_failed, e.what());
    }
    p_.flags_ &= ~kStartingChild;
    Pid acker;
    if (p_.ext_) std::swap(acker, p_.ext_->start_acker);
    if (r && !*r) r = Error(errc::start_failed, "start function returned the null pid");
    if (!r) {
      Error e = r.error();
      e.with("child", c->spec.id).with("supervisor", label());
      return e;
    }
    c->pid = *r;
    by_pid_[c->pid] = c;
    if (!name.empty()) {
      // noproc: the child already exited during its start (e.g. a child supervisor that gave up);
      // its exit is on the way through the link and handled like any other, so no name to register.
      auto reg = p_.node().register_name(name, c->pid);
      if (!reg && reg.error().code != errc::noproc)
        log::warning("supervisor " + label() + ": " + reg.error().to_string());
    }
    if (acker && acker == c->pid) await_start(acker);
    return r;
  }

  // Waits until the child's on_start has completed or the child has exited, so that children start
  // one after another in order (OTP's start_link). The child is linked to this supervisor, which
  // traps exits, so an exit before the ack arrives as an Exit message; it is kept for the main loop
  // (pending_exits_), as after any start: the child was started, and its exit is handled like any
  // other. (No monitor: its signals would sit in the child's mailbox and count against a bounded
  // mailbox's capacity.)
  void await_start(const Pid& child) {
    p_.receive_select(on<StartedAck>([&](const StartedAck& a) { return a.pid == child; }, [](StartedAck&) {}),
                      on<Exit>([&](const Exit& x) { return x.from == child; },
                               [&](Exit& x) { pending_exits_.push_back(std::move(x)); }));
  }

  // Starts `c`, retrying failed starts as restarts (they count towards the intensity).
  void start_with_retry(It c) {
    for (;;) {
      auto r = start(c);
      if (r) return;
      report(*c, Pid(), ExitReason::error(r.error()), "restart");
      if (!add_restart()) give_up(*c, Pid(), ExitReason::error(r.error()));
    }
  }

  void stop_child(Child& c) {
    if (!c.pid) return;
    Pid pid = c.pid;
    by_pid_.erase(pid);
    MonitorRef ref = p_.monitor(pid);
    p_.unlink(pid);
    while (p_.receive_for<Exit>(Duration::zero(), [&](const Exit& x) { return x.from == pid; })) {
    }
    auto is_down = [&](const Down& d) { return d.ref == ref; };
    switch (c.spec.shutdown.kind) {
      case Shutdown::brutal_kill:
        p_.exit(pid, ExitReason::kill());
        p_.receive<Down>(is_down);
        break;
      case Shutdown::timeout:
        p_.exit(pid, ExitReason::shutdown());
        if (!p_.receive_for<Down>(c.spec.shutdown.ms, is_down)) {
          log::warning("supervisor " + label() + ": child " + c.spec.id + " " + pid.to_string() +
                       " did not stop within " + std::to_string(c.spec.shutdown.ms.count()) + "ms; killing it");
          p_.exit(pid, ExitReason::kill());
          p_.receive<Down>(is_down);
        }
        break;
      case Shutdown::infinity:
        p_.exit(pid, ExitReason::shutdown());
        p_.receive<Down>(is_down);
        break;
    }
    c.pid = Pid();
  }

  void terminate_all() {
    for (auto it = children_.rbegin(); it != children_.rend(); ++it) stop_child(*it);
  }

  bool add_restart() {
    auto now = Clock::now();
    restarts_.push_back(now);
    while (!restarts_.empty() && now - restarts_.front() > spec_.period) restarts_.pop_front();
    return restarts_.size() <= spec_.intensity;
  }

  std::string label() const { return (spec_.name.empty() ? std::string("-") : spec_.name) + " " + p_.self().to_string(); }

  void report(const Child& c, const Pid& pid, const ExitReason& reason, const char* action) {
    std::string s = "SUPERVISOR REPORT supervisor=" + label() + " child=" + (c.spec.id.empty() ? "-" : c.spec.id) +
                    " " + pid.to_string() + " reason=" + reason.to_string() + " action=" + action +
                    " restarts=" + std::to_string(restarts_.size()) + "/" + std::to_string(spec_.intensity) +
                    " period=" + std::to_string(spec_.period.count()) + "ms";
    log::write(reason.is_clean() ? log::Level::info : log::Level::error, s);
  }

  [[noreturn]] void give_up(const Child& c, const Pid& dead, const ExitReason& reason) {
    report(c, dead, reason, "shutdown");
    log::error("SUPERVISOR REPORT supervisor=" + label() +
               " event=shutdown reason=reached_max_restart_intensity intensity=" + std::to_string(spec_.intensity) +
               " period=" + std::to_string(spec_.period.count()) + "ms");
    telemetry::emit("fnd.supervisor.shutdown", {});
    terminate_all();
    p_.stop(ExitReason::shutdown());
  }

  bool node_shutting_down() const {
    NodeImpl* n = p_.node_;
    if (n->stopping.load(std::memory_order_acquire)) return true;
    std::lock_guard<std::mutex> l(n->run_mu);
    return n->shutdown_requested;
  }

  void handle_exit(const Exit& e) {
    if (!e.from || e.from == parent_) {  // the node or the parent asks us to stop
      terminate_all();
      p_.stop(e.reason);
    }
    auto f = by_pid_.find(e.from);
    if (f == by_pid_.end()) return;  // an old incarnation or a stranger
    It c = f->second;
    by_pid_.erase(f);
    Pid dead = c->pid;
    c->pid = Pid();
    Restart rt = c->spec.restart;
    bool restart = rt == Restart::permanent || (rt == Restart::transient && !e.reason.is_clean());
    // Once shutdown(code) is asked for, the node is about to stop every tree: a child that ends
    // now is not restarted (its restart would run its start again, after the program's end began).
    if (restart && node_shutting_down()) {
      report(*c, dead, e.reason, "not_restarted");
      return;
    }
    if (!restart) {
      bool remove = rt == Restart::temporary || spec_.strategy == Strategy::simple_one_for_one;
      report(*c, dead, e.reason, remove ? "removed" : "not_restarted");
      if (remove) children_.erase(c);
      return;
    }
    if (!add_restart()) give_up(*c, dead, e.reason);
    report(*c, dead, e.reason, "restart");
    telemetry::emit("fnd.supervisor.restart", {{"restarts", static_cast<double>(restarts_.size())}});
    switch (spec_.strategy) {
      case Strategy::one_for_one:
      case Strategy::simple_one_for_one: start_with_retry(c); break;
      case Strategy::one_for_all: restart_group(children_.begin()); break;
      case Strategy::rest_for_one: restart_group(c); break;
    }
  }

  // Stops [from, end) in reverse, then starts them in order (temporary ones are dropped).
  void restart_group(It from) {
    std::vector<It> group;
    for (It it = from; it != children_.end(); ++it) group.push_back(it);
    for (auto it = group.rbegin(); it != group.rend(); ++it) stop_child(**it);
    for (It it : group) {
      if (it->spec.restart == Restart::temporary) {
        children_.erase(it);
        continue;
      }
      start_with_retry(it);
    }
  }

  void handle_request(Message& m) {
    // Replies go to this request's sender: stopping a child receives other messages meanwhile.
    Replier rp{p_, m.sender(), m.corr_};
    if (m.is<SupStartChild>()) {
      if (spec_.strategy == Strategy::simple_one_for_one)
        return rp.reply(Error(errc::badarg, "use start_child(sup, args) with simple_one_for_one"));
      ChildSpec cs = std::move(m.get<SupStartChild>().spec);
      auto existing = find_id(cs.id);
      if (existing != children_.end()) {
        if (existing->pid)
          return rp.reply(Error(errc::already_present, "child '" + cs.id + "' is running").with("pid", existing->pid.to_string()));
        return rp.reply(Error(errc::already_present, "child '" + cs.id + "' exists"));
      }
      children_.push_back(Child{std::move(cs), {}, {}});
      auto r = start(std::prev(children_.end()));
      if (!r) {
        children_.pop_back();
        return rp.reply(r.error());
      }
      return rp.reply(*r);
    }
    if (m.is<SupStartDynamic>()) {
      if (spec_.strategy != Strategy::simple_one_for_one)
        return rp.reply(Error(errc::badarg, "start_child(sup, args) needs simple_one_for_one"));
      children_.push_back(Child{template_, {}, std::move(m.get<SupStartDynamic>().args)});
      auto r = start(std::prev(children_.end()));
      if (!r) {
        children_.pop_back();
        return rp.reply(r.error());
      }
      return rp.reply(*r);
    }
    if (m.is<SupTerminate>()) {
      auto& t = m.get<SupTerminate>();
      It c = children_.end();
      if (t.pid) {
        auto f = by_pid_.find(t.pid);
        if (f != by_pid_.end()) c = f->second;
      } else {
        c = find_id(t.id);
      }
      if (c == children_.end()) return rp.reply(Error(errc::not_found, "no such child"));
      stop_child(*c);
      if (spec_.strategy == Strategy::simple_one_for_one || c->spec.restart == Restart::temporary) children_.erase(c);
      return rp.reply(SupOk{});
    }
    if (m.is<SupRestart>()) {
      It c = find_id(m.get<SupRestart>().id);
      if (c == children_.end()) return rp.reply(Error(errc::not_found, "no such child"));
      if (c->pid) return rp.reply(Error(errc::running, "child is running"));
      auto r = start(c);
      if (!r) return rp.reply(r.error());
      return rp.reply(*r);
    }
    if (m.is<SupDelete>()) {
      It c = find_id(m.get<SupDelete>().id);
      if (c == children_.end()) return rp.reply(Error(errc::not_found, "no such child"));
      if (c->pid) return rp.reply(Error(errc::running, "child is running"));
      children_.erase(c);
      return rp.reply(SupOk{});
    }
    if (m.is<SupWhich>()) {
      std::vector<ChildInfo> v;
      for (auto& c : children_) v.push_back(ChildInfo{c.spec.id, c.pid, c.spec.type, c.spec.restart});
      return rp.reply(std::move(v));
    }
    if (m.is<SupCount>()) {
      ChildCounts n;
      for (auto& c : children_) {
        ++n.specs;
        if (c.pid) ++n.active;
        if (c.spec.type == ChildType::supervisor) ++n.supervisors;
        else ++n.workers;
      }
      return rp.reply(n);
    }
    rp.reply(Error(errc::badarg, "unknown supervisor request"));
  }

  Process& p_;
  SupervisorSpec spec_;
  Pid parent_;
  ChildSpec template_;
  std::list<Child> children_;
  std::unordered_map<Pid, It, PidHash> by_pid_;
  std::deque<Clock::time_point> restarts_;
  std::deque<Exit> pending_exits_;  // children's exits taken in while waiting for a start (await_start)
};

}  // namespace

void detail::ack_start(ProcessCore* p) {
  p->flags_ &= ~kAckStart;
  Extras& e = extras(p);
  Pid to;
  std::swap(to, e.start_ack_to);
  post(p, to, make_message<StartedAck>(StartedAck{Pid::share(p->cb_)}));
}

namespace {
template <class R, class Req>
Result<R> sup_call(Node& node, const Pid& sup, Req req) {
  return node.call<R>(sup, std::move(req), kForever);
}

Result<void> void_result(Result<SupOk> r) {
  if (!r) return r.error();
  return ok();
}

std::atomic<uint64_t> g_ack_ids{1};

// Spawns the supervisor; `link` makes it a child of the current process. Waits for its init.
Result<Pid> start_impl(NodeImpl* node, SupervisorSpec spec, ProcessCore* parent, bool link) {
  ProcessCore* cur = current_process();
  bool by_message = cur && (cur->flags_ & kFiber) && cur->node_ == node;
  Pid parent_pid = link && parent ? Pid::share(parent->cb_) : Pid();
  auto body_spec = std::make_shared<SupervisorSpec>(std::move(spec));
  if (by_message) {
    auto* me = static_cast<Process*>(cur);
    uint64_t ack_id = g_ack_ids.fetch_add(1);
    Pid waiter = me->self();
    auto body = [body_spec, parent_pid, waiter, ack_id](Process& p) {
      Supervisor s(p, std::move(*body_spec), parent_pid);
      s.run([&](std::optional<Error> e) { p.send(waiter, SupInitAck{ack_id, std::move(e)}); });
    };
    Pid pid = link ? me->spawn_fiber_link(body) : me->spawn_fiber(body);
    if (!pid) return Error(errc::shutdown, "node is stopping");
    SupInitAck ack = me->receive<SupInitAck>([&](const SupInitAck& a) { return a.id == ack_id; });
    if (ack.error) return *ack.error;
    return pid;
  }
  auto prom = std::make_shared<std::promise<std::optional<Error>>>();
  auto fut = prom->get_future();
  auto body = [body_spec, parent_pid, prom](Process& p) {
    Supervisor s(p, std::move(*body_spec), parent_pid);
    s.run([&](std::optional<Error> e) { prom->set_value(std::move(e)); });
  };
  Pid pid = spawn_fiber_core(node, parent, body, {}, link && parent);
  if (!pid) return Error(errc::shutdown, "node is stopping");
  // An outside thread (a program's main starting its root tree): a child whose start never ends
  // must not keep shutdown(code) or a signal from ending the program, so the wait looks at them.
  while (fut.wait_for(std::chrono::milliseconds(10)) != std::future_status::ready) {
    std::lock_guard<std::mutex> l(node->run_mu);
    if (node->shutdown_requested)
      return Error(errc::shutdown, "shutdown requested while the supervision tree was starting");
  }
  auto e = fut.get();
  if (e) return *e;
  return pid;
}
}  // namespace

Result<Pid> start_supervisor(Node& node, SupervisorSpec spec) {
  auto r = start_impl(node.impl(), std::move(spec), nullptr, false);
  if (r) {
    std::lock_guard<std::mutex> g(node.impl()->sup_mu);
    node.impl()->top_sups.push_back(*r);
  }
  return r;
}

Result<Pid> start_supervisor_link(Context& parent, SupervisorSpec spec) {
  return start_impl(parent.node_, std::move(spec), &parent, true);
}

ChildSpec fiber_worker(std::string id, std::function<void(Process&)> fn) {
  ChildSpec c;
  c.id = std::move(id);
  c.start = [fn = std::move(fn)](ChildContext& ctx) -> Result<Pid> { return ctx.spawn_fiber(fn); };
  return c;
}

ChildSpec supervisor_child(std::string id, SupervisorSpec spec) {
  ChildSpec c;
  c.id = std::move(id);
  c.type = ChildType::supervisor;
  c.shutdown = Shutdown::infinite();
  c.start = [spec = std::move(spec)](ChildContext& ctx) -> Result<Pid> {
    return start_supervisor_link(ctx.supervisor_process(), spec);
  };
  return c;
}

Result<Pid> start_child(Node& node, const Pid& sup, ChildSpec spec) {
  return sup_call<Pid>(node, sup, SupStartChild{std::move(spec)});
}
Result<Pid> start_child(Node& node, const Pid& sup, std::any args) {
  return sup_call<Pid>(node, sup, SupStartDynamic{std::move(args)});
}
Result<void> terminate_child(Node& node, const Pid& sup, const std::string& id) {
  return void_result(sup_call<SupOk>(node, sup, SupTerminate{id, Pid()}));
}
Result<void> terminate_child(Node& node, const Pid& sup, const Pid& child) {
  return void_result(sup_call<SupOk>(node, sup, SupTerminate{std::string(), child}));
}
Result<Pid> restart_child(Node& node, const Pid& sup, const std::string& id) {
  return sup_call<Pid>(node, sup, SupRestart{id});
}
Result<void> delete_child(Node& node, const Pid& sup, const std::string& id) {
  return void_result(sup_call<SupOk>(node, sup, SupDelete{id}));
}
std::vector<ChildInfo> which_children(Node& node, const Pid& sup) {
  auto r = sup_call<std::vector<ChildInfo>>(node, sup, SupWhich{});
  return r ? std::move(r).value() : std::vector<ChildInfo>{};
}
ChildCounts count_children(Node& node, const Pid& sup) {
  auto r = sup_call<ChildCounts>(node, sup, SupCount{});
  return r ? *r : ChildCounts{};
}

Ref child_ref(std::string_view sup_name, std::string_view child_id) {
  std::string n(sup_name);
  n += '.';
  n += child_id;
  return Ref::name(n);
}

}  // namespace fnd
