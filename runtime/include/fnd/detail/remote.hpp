// Internal: the runtime's seam for distribution (library fnd_dist, docs/distribution.md). A pid on another
// node is a proxy control block flagged kCbRemote whose inbox is permanently closed, so the local send
// path needs no extra branch: a push onto it fails like a send to a dead process, and deliver() then hands
// the message to the installed RemoteHooks instead of bouncing it.
#pragma once

#include <cstdint>

#include "fnd/detail/control_block.hpp"
#include "fnd/error.hpp"
#include "fnd/pid.hpp"

namespace fnd {
class Message;
class Node;
namespace detail {

enum : uint32_t {
  kCbRemote = 4,    // a proxy for a process on another node (allocated and freed by the hooks' owner)
  kCbExported = 8,  // this local pid has been put on the wire (the distribution layer can resolve its id)
};

struct RemoteHooks {
  // Takes ownership of `m`, addressed to the remote proxy `to`. Returns false if it was dropped (the peer
  // is down or the message cannot be serialized); try_send then reports errc::noproc.
  bool (*route)(ControlBlock* to, Message* m);
  // Frees a proxy block whose last reference went away.
  void (*destroy)(ControlBlock* cb) noexcept;
};
// Installed once per program by the distribution layer (later calls replace the hooks).
void set_remote_hooks(const RemoteHooks* hooks) noexcept;
bool route_remote(ControlBlock* to, Message* m);

// Delivery of a message that arrived from another node: never blocks (a bounded `block` mailbox does not
// make the network thread wait) and keeps m->sender_ as set by the caller.
void deliver_from_remote(const Pid& to, Message* m);

// Signals as the wire carries them. `ref` is the monitor reference (monitor, demonitor, down); `linked`
// and `reason` belong to exit (and reason to down).
struct SignalFields {
  uint8_t kind = 0;  // Sys value: link=1, unlink, monitor, demonitor, exit, down (see message.hpp)
  uint64_t ref = 0;
  bool linked = false;
  ExitReason reason;
};
// True (and `out` filled) if `m` is a signal that can cross nodes (link .. down).
bool read_signal(const Message* m, SignalFields& out);
Message* make_remote_signal(const SignalFields& f);

// The live local process with this id, or the null pid (dead or unknown): how the distribution
// layer resolves local pids that arrive as ids (a message's receiver, pids inside payloads). A
// look-up in the node's index by id once index_local_pids has been called (a DistNode does, when it
// attaches), else a scan of the live processes.
Pid find_local_pid(const Node& node, uint64_t id);
// Keeps the node's index by id from now on (idempotent): spawns and exits then update it.
void index_local_pids(const Node& node);

}  // namespace detail
}  // namespace fnd
