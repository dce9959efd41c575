// OTP supervisors. A supervisor is a fiber process that traps exits, starts its children in order,
// restarts them according to its strategy, and stops them in reverse order.
//
//   fnd::SupervisorSpec spec{
//     .name = "app", .strategy = fnd::Strategy::one_for_one, .intensity = 3, .period = 5s,
//     .children = {fnd::worker<Db>("db"), fnd::worker<Web>("web", port)}};
//   fnd::Result<fnd::Pid> sup = fnd::start_supervisor(node, spec);
//   node.send(fnd::child_ref("app", "db"), Query{...});  // reaches the current incarnation
//
// Semantics (OTP's): strategies one_for_one, one_for_all, rest_for_one, simple_one_for_one (children
// from start_child(sup, args), all of the single template spec). More than `intensity` restarts within
// `period` → the supervisor stops all children and exits with reason shutdown (a supervisor report is
// logged). Restart types: permanent (always), transient (unless the exit is normal/shutdown), temporary
// (never). Shutdown: brutal_kill (exit kill), timeout (exit shutdown, kill after the timeout), infinity.
// A child that fails to start during init makes start_supervisor fail (started children are stopped).
// Starts are synchronous, as OTP's start_link: an actor child counts as started once its on_start has
// completed (or it has exited), and only then is the next child started — at init, on every restart
// (one_for_all / rest_for_one: stopped in reverse order, restarted in order) and in start_child. An
// exit during on_start is handled after the start like any child exit. Nested supervisors are started
// once their own children are; fiber children once spawned. So a child's on_start must not wait for
// its own supervisor (e.g. call which_children on it): as in OTP, that deadlocks.
// Each child of a named supervisor is registered as "<sup_name>.<child_id>" while it runs.
// The calls below block the caller: from a fiber they suspend it; from outside they block the thread;
// from an actor handler they block the worker thread (avoid; use a fiber).
#pragma once

#include <any>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "fnd/node.hpp"

namespace fnd {

enum class Strategy : uint8_t { one_for_one, one_for_all, rest_for_one, simple_one_for_one };
enum class Restart : uint8_t { permanent, transient, temporary };
enum class ChildType : uint8_t { worker, supervisor };
const char* to_string(Strategy s) noexcept;
const char* to_string(Restart r) noexcept;

struct Shutdown {
  enum Kind : uint8_t { brutal_kill, timeout, infinity };
  Kind kind = timeout;
  std::chrono::milliseconds ms{5000};
  static Shutdown brutal() { return {brutal_kill, {}}; }
  static Shutdown after(std::chrono::milliseconds t) { return {timeout, t}; }
  static Shutdown infinite() { return {infinity, {}}; }
};

// Given to a child's start function; it runs inside the supervisor.
class ChildContext {
 public:
  ChildContext(Process& sup, const std::any& args, std::string name) : sup_(sup), args_(args), name_(std::move(name)) {}
  Node& node() const noexcept { return sup_.node(); }
  Pid supervisor() const noexcept { return sup_.self(); }
  // simple_one_for_one: the args given to start_child.
  const std::any& args() const noexcept { return args_; }
  // The name the supervisor registers for this child ("" if the supervisor is unnamed).
  const std::string& registered_name() const noexcept { return name_; }
  // Spawn the child linked to the supervisor (what a start function must do).
  template <class A, class... Args>
  Pid spawn(Args&&... args) {
    return sup_.spawn_link<A>(std::forward<Args>(args)...);
  }
  template <class A, class... Args>
  Pid spawn_opt(SpawnOptions opts, Args&&... args) {
    opts.link_to = sup_.self();
    return sup_.spawn_opt<A>(opts, std::forward<Args>(args)...);
  }
  Pid spawn_fiber(std::function<void(Process&)> fn, SpawnOptions opts = {}) {
    return sup_.spawn_fiber_link(std::move(fn), opts);
  }
  Process& supervisor_process() noexcept { return sup_; }

 private:
  Process& sup_;
  const std::any& args_;
  std::string name_;
};

struct ChildSpec {
  std::string id;
  // Spawns the child linked to the supervisor; an Error (or a null pid) means "failed to start".
  std::function<Result<Pid>(ChildContext&)> start;
  Restart restart = Restart::permanent;
  Shutdown shutdown = Shutdown::after(std::chrono::milliseconds(5000));
  ChildType type = ChildType::worker;
};

struct SupervisorSpec {
  std::string name;  // registered name ("" = unnamed); also prefixes children's names
  Strategy strategy = Strategy::one_for_one;
  uint32_t intensity = 3;
  std::chrono::milliseconds period{5000};
  std::vector<ChildSpec> children;  // simple_one_for_one: exactly one template spec
};

// A worker child running actor A constructed from copies of args (on every restart).
template <class A, class... Args>
ChildSpec worker(std::string id, Args... args) {
  ChildSpec c;
  c.id = std::move(id);
  c.start = [=](ChildContext& ctx) -> Result<Pid> { return ctx.spawn<A>(args...); };
  return c;
}
// A fiber worker child.
ChildSpec fiber_worker(std::string id, std::function<void(Process&)> fn);
// A nested supervisor child.
ChildSpec supervisor_child(std::string id, SupervisorSpec spec);

// Starts a supervisor (and its children, in order). Fails if a child fails to start or the name is taken.
Result<Pid> start_supervisor(Node& node, SupervisorSpec spec);
// Within a process (e.g. a parent supervisor's start function): start linked to the caller.
Result<Pid> start_supervisor_link(Context& parent, SupervisorSpec spec);

struct ChildInfo {
  std::string id;   // "" for simple_one_for_one children
  Pid pid;          // null if not running
  ChildType type = ChildType::worker;
  Restart restart = Restart::permanent;
};
struct ChildCounts {
  size_t specs = 0, active = 0, supervisors = 0, workers = 0;
};

// Adds and starts a child (not for simple_one_for_one).
Result<Pid> start_child(Node& node, const Pid& sup, ChildSpec spec);
// simple_one_for_one: starts a child of the template spec with these args (ChildContext::args()).
Result<Pid> start_child(Node& node, const Pid& sup, std::any args);
// Stops a child (kept as a spec; restart_child starts it again). simple_one_for_one: by pid.
Result<void> terminate_child(Node& node, const Pid& sup, const std::string& id);
Result<void> terminate_child(Node& node, const Pid& sup, const Pid& child);
Result<Pid> restart_child(Node& node, const Pid& sup, const std::string& id);
Result<void> delete_child(Node& node, const Pid& sup, const std::string& id);
std::vector<ChildInfo> which_children(Node& node, const Pid& sup);
ChildCounts count_children(Node& node, const Pid& sup);

// The Ref reaching the current incarnation of a named supervisor's child: "<sup_name>.<child_id>".
Ref child_ref(std::string_view sup_name, std::string_view child_id);

}  // namespace fnd
