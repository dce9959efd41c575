// supervision_demo: a small supervised shop that survives injected crashes.
//
//   shop (one_for_one)
//   ├── inventory            permanent actor: stock counts, answers calls
//   ├── payments (rest_for_one, intensity 2 in 10s)
//   │   ├── gateway          permanent actor: charges cards; crashes on injected faults
//   │   └── ledger           permanent actor: records charges (restarted when the gateway is)
//   └── orders (simple_one_for_one)
//       └── order workers    transient fibers: one per order, may fail
//
// The story is printed on stdout; the runtime's crash and supervisor reports go to stderr.
// Exit code 0 when every check of the story holds.
#include <cstdio>
#include <string>

#include "fnd/fnd.hpp"

using namespace std::chrono_literals;

namespace {
struct Reserve {
  std::string item;
};
struct Charge {
  int cents;
};
struct Record {
  int cents;
};
struct Total {};
struct Fault {};  // injected crash

bool g_ok = true;
void say(const std::string& s) {
  std::printf("%s\n", s.c_str());
  std::fflush(stdout);
}
void check(bool c, const std::string& what) {
  say(std::string(c ? "  ok: " : "  FAILED: ") + what);
  if (!c) g_ok = false;
}

struct Inventory : fnd::Actor {
  int widgets = 3;
  void on_message(fnd::Message& m) override {
    if (m.is<Fault>()) throw std::runtime_error("inventory index corrupted (injected)");
    if (m.is<Reserve>()) reply(widgets > 0 ? --widgets : -1);
  }
};

struct Ledger : fnd::Actor {
  int total = 0;
  void on_message(fnd::Message& m) override {
    if (auto* r = m.try_get<Record>()) total += r->cents;
    if (m.is<Total>()) reply(total);
  }
};

struct Gateway : fnd::Actor {
  void on_message(fnd::Message& m) override {
    if (m.is<Fault>()) throw std::runtime_error("card network timeout (injected)");
    if (auto* c = m.try_get<Charge>()) {
      send(fnd::child_ref("payments", "ledger"), Record{c->cents});
      reply(std::string("charged " + std::to_string(c->cents)));
    }
  }
};

// Waits (inside a fiber) until `name` is held by a live process other than `old`.
fnd::Pid await_new(fnd::Process& p, const std::string& name, const fnd::Pid& old) {
  for (int i = 0; i < 5000; ++i) {
    fnd::Pid now = p.whereis(name);
    if (now && now != old && now.alive()) return now;
    p.receive_for(1ms);
  }
  return {};
}

void story(fnd::Process& p, fnd::Node& node, const fnd::Pid& shop) {
  say("== Foundation supervision demo");
  auto tree = fnd::which_children(node, shop);
  say("shop supervisor " + shop.to_string() + " started " + std::to_string(tree.size()) + " children:");
  for (auto& c : tree) say("  " + c.id + " " + c.pid.to_string());

  say("\n-- 1. normal operation");
  auto r = p.call<int>(fnd::child_ref("shop", "inventory"), Reserve{"widget"}, 1s);
  check(r.ok() && *r == 2, "reserved a widget, 2 left");
  auto c = p.call<std::string>(fnd::child_ref("payments", "gateway"), Charge{1999}, 1s);
  check(c.ok() && *c == "charged 1999", "gateway charged 19.99");

  say("\n-- 2. inject a crash into inventory (one_for_one: only inventory restarts)");
  fnd::Pid inv = p.whereis("shop.inventory");
  fnd::Pid gw = p.whereis("payments.gateway");
  p.send(inv, Fault{});
  fnd::Pid inv2 = await_new(p, "shop.inventory", inv);
  check(bool(inv2), "inventory restarted: " + inv.to_string() + " -> " + inv2.to_string());
  check(p.whereis("payments.gateway") == gw, "payments untouched");
  r = p.call<int>(fnd::child_ref("shop", "inventory"), Reserve{"widget"}, 1s);
  check(r.ok() && *r == 2, "fresh inventory state after restart (3 widgets, 1 reserved)");

  say("\n-- 3. inject a crash into the gateway (rest_for_one: gateway and ledger restart)");
  fnd::Pid ledger = p.whereis("payments.ledger");
  p.send(gw, Fault{});
  fnd::Pid gw2 = await_new(p, "payments.gateway", gw);
  fnd::Pid ledger2 = await_new(p, "payments.ledger", ledger);
  check(gw2 && ledger2, "gateway " + gw2.to_string() + " and ledger " + ledger2.to_string() + " restarted");
  c = p.call<std::string>(fnd::child_ref("payments", "gateway"), Charge{500}, 1s);
  check(c.ok(), "payments work again: " + (c.ok() ? *c : c.error().to_string()));
  auto t = p.call<int>(fnd::child_ref("payments", "ledger"), Total{}, 1s);
  check(t.ok() && *t == 500, "new ledger holds only the new charge");

  say("\n-- 4. order workers: dynamic children, a failing order");
  fnd::Pid orders = p.whereis("orders");
  auto o1 = fnd::start_child(node, orders, std::any(std::string("order-1")));
  auto o2 = fnd::start_child(node, orders, std::any(std::string("order-bad")));
  check(o1.ok() && o2.ok(), "two order workers started");
  auto watch1 = p.monitor(*o1);
  auto watch2 = p.monitor(*o2);
  int normal = 0, crashed = 0;
  for (int i = 0; i < 2; ++i) {
    auto d = p.receive<fnd::Down>([&](const fnd::Down& x) { return x.ref == watch1 || x.ref == watch2; });
    if (d.reason.is_normal()) ++normal;
    else ++crashed;
  }
  check(normal == 1 && crashed == 1, "order-1 completed, order-bad crashed (and was retried once)");

  say("\n-- 5. repeated gateway crashes exceed payments' intensity (2 in 10s): escalation");
  fnd::Pid pay = p.whereis("payments");
  fnd::Pid g;
  int injected = 0;
  while (p.whereis("payments") == pay) {  // crash the current gateway until payments gives up
    g = await_new(p, "payments.gateway", g);
    if (!g || p.whereis("payments") != pay) break;
    auto m = p.monitor(g);
    p.send(g, Fault{});
    ++injected;
    p.receive<fnd::Down>([&](const fnd::Down& x) { return x.ref == m; });
    p.receive_for(2ms);  // let the supervisor act on the exit
  }
  say("  injected " + std::to_string(injected) + " more gateway crashes");
  fnd::Pid pay2 = await_new(p, "payments", pay);
  check(bool(pay2), "payments gave up and the shop restarted it: " + pay.to_string() + " -> " + pay2.to_string());
  check(bool(await_new(p, "payments.gateway", g)), "a new gateway runs under the new payments supervisor");
  c = p.call<std::string>(fnd::child_ref("payments", "gateway"), Charge{100}, 1s);
  check(c.ok(), "payments work after the escalation");
  check(p.whereis("shop.inventory") == inv2, "inventory survived the payments storm");

  auto counts = fnd::count_children(node, shop);
  say("\nshop: " + std::to_string(counts.active) + " active children (" + std::to_string(counts.supervisors) +
      " supervisors, " + std::to_string(counts.workers) + " workers)");
  say(g_ok ? "== all checks passed; shutting down" : "== some checks FAILED");
  node.shutdown(g_ok ? 0 : 1);
}
}  // namespace

int main() {
  fnd::Node node({.threads = 0, .name = "demo"});

  fnd::SupervisorSpec payments{"payments", fnd::Strategy::rest_for_one, 2, 10s,
                               {fnd::worker<Gateway>("gateway"), fnd::worker<Ledger>("ledger")}};
  fnd::ChildSpec order;
  order.id = "order";
  order.restart = fnd::Restart::transient;
  order.start = [](fnd::ChildContext& ctx) -> fnd::Result<fnd::Pid> {
    auto id = std::any_cast<std::string>(ctx.args());
    return ctx.spawn_fiber([id](fnd::Process& p) {
      static std::atomic<int> bad_attempts{0};
      if (id == "order-bad" && bad_attempts.fetch_add(1) == 0)
        throw std::runtime_error(id + ": payment declined (injected)");
      p.receive_for(1ms);  // "work"
    });
  };
  fnd::SupervisorSpec orders{"orders", fnd::Strategy::simple_one_for_one, 5, 10s, {order}};
  fnd::SupervisorSpec shop{"shop", fnd::Strategy::one_for_one, 5, 10s,
                           {fnd::worker<Inventory>("inventory"), fnd::supervisor_child("payments", payments),
                            fnd::supervisor_child("orders", orders)}};

  auto root = fnd::start_supervisor(node, shop);
  if (!root) {
    std::fprintf(stderr, "cannot start: %s\n", root.error().to_string().c_str());
    return 1;
  }
  node.set_root(*root);
  node.spawn_fiber([&node, sup = *root](fnd::Process& p) { story(p, node, sup); });
  return node.run();
}
