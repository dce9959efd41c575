// Options given when a process is spawned.
#pragma once

#include <string>

#include "fnd/mailbox.hpp"
#include "fnd/pid.hpp"

namespace fnd {

struct SpawnOptions {
  MailboxOptions mailbox;  // unbounded unless capacity > 0
  std::string name;        // registered name (registration failure makes spawn return the null pid)
  Pid link_to;             // link the new process to this pid before it runs
  bool trap_exit = false;  // start with trap_exit(true)
};

}  // namespace fnd
