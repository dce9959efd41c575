// Runtime statistics for monitoring (the services' runtime metrics read these). Cheap to keep up:
// workers count handled messages in a word only they write; the rest is computed when asked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fnd {

class Node;

struct WorkerStats {
  uint64_t messages = 0;     // messages handled by processes on this worker so far
  double cpu_seconds = 0;    // CPU time of the worker thread (running handlers and looking for work)
};

struct RuntimeStats {
  size_t processes = 0;
  uint64_t mailbox_depth_total = 0;  // messages queued over all live processes
  uint64_t mailbox_depth_max = 0;    // the deepest mailbox
  uint64_t messages = 0;             // handled so far, all workers
  uint64_t mailbox_dropped = 0;      // messages bounded mailboxes dropped (drop_newest, drop_oldest) so far
  uint64_t mailbox_rejected = 0;     // sends bounded mailboxes refused (reject) so far
  std::vector<WorkerStats> workers;
};

// O(live processes): walks them for the mailbox depths. Call it from monitoring, not per message.
RuntimeStats runtime_stats(const Node& node);

}  // namespace fnd
