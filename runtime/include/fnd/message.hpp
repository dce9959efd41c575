// Typed messages. Any movable C++ type can be sent; it travels inside a Message (an envelope with an
// intrusive next pointer, the sender, a type descriptor and the payload). Type identity is the address
// of a per-type static descriptor (fnd::type_of<T>()), so dispatch is a pointer compare: no RTTI.
// Ordering: messages from one sender to one receiver arrive in the order they were sent.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "fnd/error.hpp"
#include "fnd/pid.hpp"
#include "fnd/request_context.hpp"

struct fnd_type;  // C ABI message type descriptor (fnd/runtime.h)

namespace fnd {

class Message;

// Describes one message type. One static instance per C++ type; one per C ABI type descriptor.
struct TypeInfo {
  const char* name;                          // for logs (compiler-provided spelling for C++ types)
  void* (*payload)(Message*) noexcept;       // address of the payload inside its Message
  void (*destroy)(Message*) noexcept;        // destroys payload and frees the envelope
  const ::fnd_type* c_type = nullptr;        // set for messages sent through the C ABI
};

namespace detail {
// Pooled, thread-cached allocation for envelopes. The block is aligned to `align` (at most 16); the
// one-argument forms align to 16 (alignof(max_align_t)). Free with the same size and alignment.
void* alloc_message(size_t size);
void free_message(void* p, size_t size) noexcept;
void* alloc_message(size_t size, size_t align);
void free_message(void* p, size_t size, size_t align) noexcept;
// The same by size class (blocks of (c + 1) * 8 bytes, c < 32), for sizes known at compile time.
void* alloc_block(size_t c);
void free_block(void* p, size_t c) noexcept;
template <size_t Size, size_t Align>
constexpr size_t block_class() noexcept {
  constexpr size_t g = Align > 8 ? 16 : 8;
  constexpr size_t r = ((Size < 16 ? 16 : Size) + g - 1) / g * g;
  return r / 8 - 1;  // >= 32: not pooled
}
template <class T>
constexpr const char* type_name() noexcept {
  return __PRETTY_FUNCTION__;
}
// System signal kinds carried by Message::sys_ (0 = a data message).
enum class Sys : uint8_t { none = 0, link, unlink, monitor, demonitor, exit, down, unmute, timeout, wake };
}  // namespace detail

class Message {
 public:
  const TypeInfo* type() const noexcept { return type_; }
  template <class T>
  bool is() const noexcept;
  // The payload as T (the type must match: check with is<T>() first).
  template <class T>
  T& get() noexcept;
  // The payload as T, or nullptr if the message holds another type.
  template <class T>
  T* try_get() noexcept {
    return is<T>() ? &get<T>() : nullptr;
  }
  void* data() noexcept { return type_->payload(this); }
  // The sending process (null pid for sends from outside any process, e.g. a timer or main()).
  const Pid& sender() const noexcept { return sender_; }
  // True if the sender used call() and waits for a reply().
  bool is_request() const noexcept { return flags_ & kRequest; }

  // ---- internal (runtime use) ----
  static constexpr uint8_t kRequest = 1;  // corr_ is the request id of a call
  static constexpr uint8_t kReply = 2;    // corr_ is the request id being answered
  static constexpr uint8_t kPeriodic = 4;

  // The request context the message carries (fnd/request_context.hpp), or null.
  RequestContext context() const noexcept { return RequestContext::share(ctx_); }

  // A 40-byte header: request ids (corr_) are 48 bits, which a node does not exhaust (2.8e14 calls).
  Message* next_ = nullptr;
  Pid sender_;
  const TypeInfo* type_ = nullptr;
  uint64_t corr_ : 48 = 0;
  detail::Sys sys_ : 8 = detail::Sys::none;
  uint8_t flags_ : 8 = 0;
  detail::ContextData* ctx_ = nullptr;  // one reference, released with the message

 protected:
  Message() = default;
  ~Message() {
    if (ctx_) [[unlikely]] detail::release_context(ctx_);
  }
};

namespace detail {
template <class T>
struct TypedMessage final : Message {
  template <class... A>
  explicit TypedMessage(A&&... a) : value(std::forward<A>(a)...) {}
  [[no_unique_address]] T value;  // an empty message type adds nothing to the header

  static void* operator new(size_t n) {
    if constexpr (alignof(TypedMessage) > 16) return ::operator new(n, std::align_val_t(alignof(TypedMessage)));
    else if constexpr (sizeof(TypedMessage) <= 256) return alloc_block(block_class<sizeof(TypedMessage), alignof(TypedMessage)>());
    else return alloc_message(n, alignof(TypedMessage));
  }
  static void operator delete(void* p, size_t n) noexcept {
    if constexpr (alignof(TypedMessage) > 16) ::operator delete(p, std::align_val_t(alignof(TypedMessage)));
    else if constexpr (sizeof(TypedMessage) <= 256) free_block(p, block_class<sizeof(TypedMessage), alignof(TypedMessage)>());
    else free_message(p, n, alignof(TypedMessage));
  }
  static void destroy(Message* m) noexcept { delete static_cast<TypedMessage*>(m); }
  static void* payload(Message* m) noexcept { return &static_cast<TypedMessage*>(m)->value; }
};

template <class T>
struct TypeTag {
  static constexpr TypeInfo info{type_name<T>(), &TypedMessage<T>::payload, &TypedMessage<T>::destroy, nullptr};
};

inline void destroy_message(Message* m) noexcept {
  if (m) m->type_->destroy(m);
}

template <class T, class... A>
Message* make_message(A&&... a) {
  auto* m = new TypedMessage<T>(std::forward<A>(a)...);
  m->type_ = &TypeTag<T>::info;
  return m;
}
}  // namespace detail

// The descriptor of T: its address is T's message type id.
template <class T>
const TypeInfo* type_of() noexcept {
  return &detail::TypeTag<std::decay_t<T>>::info;
}

template <class T>
bool Message::is() const noexcept {
  return type_ == &detail::TypeTag<std::decay_t<T>>::info;
}
template <class T>
T& Message::get() noexcept {
  assert(is<T>());
  return static_cast<detail::TypedMessage<std::decay_t<T>>*>(this)->value;
}

// Owning handle to a received message (fibers' receive()).
class MessagePtr {
 public:
  MessagePtr() = default;
  explicit MessagePtr(Message* m) noexcept : m_(m) {}
  MessagePtr(MessagePtr&& o) noexcept : m_(o.m_) { o.m_ = nullptr; }
  MessagePtr& operator=(MessagePtr&& o) noexcept {
    if (this != &o) {
      detail::destroy_message(m_);
      m_ = o.m_;
      o.m_ = nullptr;
    }
    return *this;
  }
  ~MessagePtr() { detail::destroy_message(m_); }
  Message* get() const noexcept { return m_; }
  Message* operator->() const noexcept { return m_; }
  Message& operator*() const noexcept { return *m_; }
  explicit operator bool() const noexcept { return m_ != nullptr; }
  Message* release() noexcept {
    auto* m = m_;
    m_ = nullptr;
    return m;
  }

 private:
  Message* m_ = nullptr;
};

// A monitor's identity (returned by monitor(), carried by Down).
struct MonitorRef {
  uint64_t id = 0;
  explicit operator bool() const noexcept { return id != 0; }
  friend bool operator==(MonitorRef a, MonitorRef b) noexcept { return a.id == b.id; }
};

// Delivered to a process that traps exits instead of dying: a linked process ended, or someone sent an
// exit signal (Erlang's {'EXIT', From, Reason}).
struct Exit {
  Pid from;
  ExitReason reason;
};

// Delivered to the owner of a monitor when the monitored process ends (Erlang's {'DOWN', Ref, process,
// Pid, Reason}); reason is noproc if the process was already dead when the monitor was set.
struct Down {
  MonitorRef ref;
  Pid pid;
  ExitReason reason;
};

}  // namespace fnd
