// CAF 0.17 side of the benchmark: one actor system configured like the fnd runtime under test.
#pragma once

#include <caf/all.hpp>

#include "bench_util.hpp"

namespace cafbench {

using start_atom = caf::atom_constant<caf::atom("start")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;
using pong_atom = caf::atom_constant<caf::atom("pong")>;
using done_atom = caf::atom_constant<caf::atom("done")>;
using inc_atom = caf::atom_constant<caf::atom("inc")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using count_atom = caf::atom_constant<caf::atom("count")>;
using work_atom = caf::atom_constant<caf::atom("work")>;
using sum_atom = caf::atom_constant<caf::atom("sum")>;
using next_atom = caf::atom_constant<caf::atom("next")>;
using token_atom = caf::atom_constant<caf::atom("token")>;
using meet_atom = caf::atom_constant<caf::atom("meet")>;
using change_atom = caf::atom_constant<caf::atom("change")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using faded_atom = caf::atom_constant<caf::atom("faded")>;

// Same worker-thread count as the fnd scheduler gets (bench::threads()).
struct config : caf::actor_system_config {
  config() {
    set("scheduler.max-threads", static_cast<size_t>(bench::threads()));
    set("logger.verbosity", caf::atom("quiet"));
  }
};

// The sender of the message being handled, as a handle one can send to.
inline caf::actor sender_of(caf::local_actor* self) {
  return caf::actor_cast<caf::actor>(self->current_sender());
}

}  // namespace cafbench
