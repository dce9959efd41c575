// The reliable-link logic between two node incarnations, free of threads, sockets and clocks so that it
// can be tested exhaustively (tests/dist/transport/test_dist_link.cpp). ZeroMQ is at-most-once; this
// layer makes a link exactly-once and ordered. Messages are numbered one by one; how many travel in one
// frame (a batch) is the transmitter's choice and changes nothing here:
//   OutStream  numbers messages 1, 2, ... and keeps each until the peer's cumulative ack covers it (the
//              resend buffer, bounded by the caller's window: backpressure happens before append()).
//              transmit() hands the due ones out in runs of consecutive seqs (one batch frame each);
//              rewind() makes every unacknowledged message due again (go-back-N after a timeout or a
//              reconnect); the receiver drops what it already has.
//   InStream   delivers messages strictly in sequence, drops duplicates, keeps a bounded number of
//              early (out-of-order) messages and reports the cumulative ack to send back.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fnd::dist {

class OutStream {
 public:
  // One message in the resend buffer; its body lives in the stream's chunk storage.
  struct Entry {
    uint64_t seq;
    const char* data;
    uint32_t size;
    uint8_t kind;
    bool sent;  // transmitted at least once (a further transmission is a resend)
    std::string_view body() const noexcept { return {data, size}; }
  };
  // A run of consecutive due messages, handed to transmit()'s callback.
  class Run {
   public:
    size_t size() const noexcept { return n_; }
    const Entry& operator[](size_t i) const noexcept { return q_[first_ + i]; }
    uint64_t first_seq() const noexcept { return q_[first_].seq; }

   private:
    friend class OutStream;
    Run(const std::deque<Entry>& q, size_t first, size_t n) : q_(q), first_(first), n_(n) {}
    const std::deque<Entry>& q_;
    size_t first_, n_;
  };

  OutStream() = default;
  OutStream(OutStream&&) = default;
  OutStream& operator=(OutStream&&) = default;

  // Copies the message (its body is head followed by tail) into the stream; returns its seq.
  uint64_t append(uint8_t kind, std::string_view head, std::string_view tail = {}) {
    size_t size = head.size() + tail.size();
    char* at = reserve(size);
    if (!head.empty()) std::memcpy(at, head.data(), head.size());
    if (!tail.empty()) std::memcpy(at + head.size(), tail.data(), tail.size());
    uint64_t seq = next_seq_++;
    q_.push_back(Entry{seq, at, static_cast<uint32_t>(size), kind, false});
    ++chunks_.back().live;
    return seq;
  }
  // Releases every message with seq <= ack; returns how many (acks for unsent or unknown seqs are clamped).
  size_t ack(uint64_t ack) {
    size_t n = 0;
    while (!q_.empty() && q_.front().seq <= ack) {
      release();
      q_.pop_front();
      ++n;
      if (next_tx_ > 0) --next_tx_;
    }
    return n;
  }
  // Hands the messages not transmitted yet to send(run), in order, in runs of at most max_count messages
  // whose sizes add up to at most max_bytes (a single larger message goes alone). send returns false to
  // stop (socket full: the run stays due). Returns how many messages went out.
  template <class F>
  size_t transmit(size_t max_count, size_t max_bytes, F&& send) {
    size_t n = 0;
    while (next_tx_ < q_.size()) {
      size_t end = next_tx_ + 1, bytes = q_[next_tx_].size;
      while (end < q_.size() && end - next_tx_ < max_count && bytes + q_[end].size <= max_bytes)
        bytes += q_[end++].size;
      if (!send(Run(q_, next_tx_, end - next_tx_))) break;
      for (size_t i = next_tx_; i < end; ++i) q_[i].sent = true;
      n += end - next_tx_;
      next_tx_ = end;
    }
    return n;
  }
  // Everything unacknowledged becomes due again.
  void rewind() noexcept { next_tx_ = 0; }
  void clear() noexcept {
    q_.clear();
    chunks_.clear();
    next_tx_ = 0;
    next_seq_ = 1;
  }
  // Hands every queued message (in order) to f(kind, body), then empties the stream: to requeue them
  // behind another message.
  template <class F>
  void take_all(F&& f) {
    for (auto& e : q_) f(e.kind, e.body());
    clear();
  }
  size_t unacked() const noexcept { return q_.size(); }
  size_t untransmitted() const noexcept { return q_.size() - next_tx_; }
  uint64_t next_seq() const noexcept { return next_seq_; }

 private:
  // Bodies are stored back to back in chunks, in seq order, so that appending a message allocates only
  // when a chunk fills up and releasing acknowledged ones frees whole chunks (a few are kept for reuse:
  // a steady stream then allocates nothing).
  static constexpr size_t kChunk = 64 * 1024;
  static constexpr size_t kSpares = 2;
  struct Chunk {
    std::unique_ptr<char[]> mem;
    size_t cap = 0, used = 0, live = 0;  // live: messages stored here and not yet released
  };
  char* reserve(size_t size) {
    if (chunks_.empty() || chunks_.back().cap - chunks_.back().used < size) {
      if (!chunks_.empty() && chunks_.back().live == 0) {  // the only chunk, empty but too small
        recycle(std::move(chunks_.back()));
        chunks_.pop_back();
      }
      Chunk c;
      if (size <= kChunk && !spares_.empty()) {
        c.mem = std::move(spares_.back());
        c.cap = kChunk;
        spares_.pop_back();
      } else {
        c.mem.reset(new char[c.cap = std::max(size, kChunk)]);
      }
      c.used = c.live = 0;
      chunks_.push_back(std::move(c));
    }
    Chunk& c = chunks_.back();
    char* at = c.mem.get() + c.used;
    c.used += size;
    return at;
  }
  // Messages are released in the order they were stored, so the oldest chunk holds the one released.
  // Every chunk but the newest holds at least one live message.
  void release() {
    Chunk& c = chunks_.front();
    if (--c.live > 0) return;
    if (chunks_.size() == 1) {
      c.used = 0;  // the only chunk: reuse it from the start
      return;
    }
    recycle(std::move(c));
    chunks_.pop_front();
  }
  void recycle(Chunk&& c) {
    if (c.cap == kChunk && spares_.size() < kSpares) spares_.push_back(std::move(c.mem));
  }

  std::deque<Entry> q_;
  std::deque<Chunk> chunks_;
  std::vector<std::unique_ptr<char[]>> spares_;
  size_t next_tx_ = 0;
  uint64_t next_seq_ = 1;
};

class InStream {
 public:
  enum class Result { delivered, duplicate, early, dropped };
  explicit InStream(size_t early_capacity = 1024) : cap_(early_capacity) {}

  // Accepts message `seq` (kind, body); deliver(kind, body) is called for it and for every buffered
  // message it makes consecutive, in sequence order. An early message's body is copied (it outlives the
  // frame it came in); an in-order one is delivered straight from the frame.
  template <class F>
  Result accept(uint64_t seq, uint8_t kind, std::string_view body, F&& deliver) {
    if (seq <= delivered_) return Result::duplicate;
    if (seq != delivered_ + 1) {
      if (early_.count(seq)) return Result::duplicate;
      if (early_.size() >= cap_) return Result::dropped;  // the sender resends it later
      early_.emplace(seq, std::make_pair(kind, std::string(body)));
      return Result::early;
    }
    // Counted before delivery, and each early one taken out first: deliver() may clear() the stream
    // (the peer found to be restarted), which must leave it empty at 0 for the next session.
    ++delivered_;
    deliver(kind, body);
    while (!early_.empty() && early_.begin()->first == delivered_ + 1) {
      auto next = early_.extract(early_.begin());
      ++delivered_;
      deliver(next.mapped().first, std::string_view(next.mapped().second));
    }
    return Result::delivered;
  }
  uint64_t cumulative_ack() const noexcept { return delivered_; }
  size_t early() const noexcept { return early_.size(); }
  void clear() noexcept {
    delivered_ = 0;
    early_.clear();
  }

 private:
  uint64_t delivered_ = 0;
  std::map<uint64_t, std::pair<uint8_t, std::string>> early_;
  size_t cap_;
};

}  // namespace fnd::dist
