// Mailbox options. Mailboxes are unbounded by default. A bounded mailbox has a capacity and an overflow
// policy applied to *data* messages (system signals — links, monitors, exits — are never dropped):
//   drop_newest  the new message is discarded (counted as dropped)
//   drop_oldest  the oldest queued message is discarded when the receiver takes new ones in
//                (depth may exceed capacity until the receiver next runs)
//   reject       the message is not delivered; try_send returns errc::mailbox_full, a plain send counts
//                a rejection
//   block        backpressure: the message is accepted, then the sender waits until the depth is below
//                capacity: a fiber suspends, an event-driven actor is muted (not scheduled again until the
//                receiver has room), an outside thread blocks. Depth may exceed capacity by one message per
//                waiting sender.
// Depth (messages queued, data and signals) is observable with Node::mailbox_depth(pid): exact for
// bounded mailboxes; for unbounded ones exact while the receiver waits, settled at the end of each of
// its turns while it runs (docs/runtime.md, "Depth").
#pragma once

#include <cstdint>

namespace fnd {

enum class OverflowPolicy : uint8_t { drop_newest, drop_oldest, reject, block };

struct MailboxOptions {
  uint32_t capacity = 0;  // 0 = unbounded
  OverflowPolicy policy = OverflowPolicy::drop_newest;
};

}  // namespace fnd
