// Structured errors: the role of an Erlang error tuple plus metadata. Used across the runtime's API.
//   fnd::Error      code, category, severity, message, context, retry strategy
//   fnd::Result<T>  a value or an Error (Result<void> too)
//   fnd::ExitReason why a process ended: normal, shutdown, kill, killed, noproc, or an Error
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace fnd {

enum class Severity : uint8_t { debug, info, warning, error, critical };
const char* to_string(Severity s) noexcept;

// How a caller may retry the operation that failed.
enum class RetryKind : uint8_t { none, immediate, fixed, exponential_backoff };

struct RetryStrategy {
  RetryKind kind = RetryKind::none;
  uint32_t max_attempts = 0;
  std::chrono::milliseconds base_delay{0};

  static RetryStrategy none() { return {}; }
  static RetryStrategy immediate(uint32_t attempts) { return {RetryKind::immediate, attempts, {}}; }
  static RetryStrategy fixed(uint32_t attempts, std::chrono::milliseconds d) { return {RetryKind::fixed, attempts, d}; }
  static RetryStrategy exponential_backoff(uint32_t attempts, std::chrono::milliseconds base) {
    return {RetryKind::exponential_backoff, attempts, base};
  }
  // Delay before attempt number `attempt` (1-based); nullopt when no further attempt is allowed.
  std::optional<std::chrono::milliseconds> delay_for(uint32_t attempt) const;
};

// Well-known error codes (atoms, in Erlang's words). Codes are strings so that user code and generated
// code can add their own.
namespace errc {
inline constexpr const char* noproc = "noproc";              // target process does not exist (any more)
inline constexpr const char* timeout = "timeout";            // a call or receive timed out
inline constexpr const char* mailbox_full = "mailbox_full";  // bounded mailbox with reject policy
inline constexpr const char* name_taken = "name_taken";      // register_name: the name has a holder
inline constexpr const char* not_found = "not_found";        // unknown name, child id, ...
inline constexpr const char* badarg = "badarg";              // invalid argument
inline constexpr const char* badreply = "badreply";          // a call got a reply of another type
inline constexpr const char* exception = "exception";        // a handler threw a C++ exception
inline constexpr const char* crash = "crash";                // crash(reason) without an explicit code
inline constexpr const char* start_failed = "start_failed";  // a child failed to start
inline constexpr const char* already_present = "already_present";  // child id exists (not running)
inline constexpr const char* running = "running";            // child is running (delete/restart)
inline constexpr const char* shutdown = "shutdown";          // the node or a supervisor is stopping
}  // namespace errc

struct Error {
  std::string code;                            // e.g. errc::noproc
  std::string category = "runtime";            // runtime | user | io | ... (free form)
  Severity severity = Severity::error;
  std::string message;                         // human readable
  std::map<std::string, std::string> context;  // key/value metadata (pid, name, child id, ...)
  RetryStrategy retry;

  Error() = default;
  Error(std::string code_, std::string message_, std::string category_ = "runtime",
        Severity sev = Severity::error)
      : code(std::move(code_)), category(std::move(category_)), severity(sev), message(std::move(message_)) {}

  Error& with(std::string key, std::string value) & {
    context[std::move(key)] = std::move(value);
    return *this;
  }
  Error&& with(std::string key, std::string value) && {
    context[std::move(key)] = std::move(value);
    return std::move(*this);
  }
  Error& with_retry(RetryStrategy r) & { retry = r; return *this; }
  Error&& with_retry(RetryStrategy r) && { retry = r; return std::move(*this); }

  // "code: message {k=v, ...}"
  std::string to_string() const;
  friend bool operator==(const Error& a, const Error& b) { return a.code == b.code && a.message == b.message; }
};

// Thrown by Result::value() on an error.
class BadResultAccess : public std::runtime_error {
 public:
  explicit BadResultAccess(Error e) : std::runtime_error(e.to_string()), error_(std::move(e)) {}
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

// An exception whose text may hold NUL bytes (what() stops at the first): a handler that throws
// it crashes its process with error(exception: text), the whole text.
class TextError : public std::runtime_error {
 public:
  explicit TextError(const std::string& text) : std::runtime_error(text), text_(text) {}
  const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
};

// Tag to construct an error Result: `return fnd::fail(Error{...});`
struct Failure {
  Error error;
};
inline Failure fail(Error e) { return Failure{std::move(e)}; }
inline Failure fail(std::string code, std::string message) { return Failure{Error(std::move(code), std::move(message))}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T v) : v_(std::in_place_index<0>, std::move(v)) {}  // NOLINT: implicit by design
  Result(Failure f) : v_(std::in_place_index<1>, std::move(f.error)) {}
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  template <class U>
  T value_or(U&& u) const& { return ok() ? std::get<0>(v_) : T(std::forward<U>(u)); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  void check() const {
    if (!ok()) throw BadResultAccess(std::get<1>(v_));
  }
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure f) : e_(std::move(f.error)) {}
  Result(Error e) : e_(std::move(e)) {}
  bool ok() const noexcept { return !e_; }
  explicit operator bool() const noexcept { return ok(); }
  void value() const {
    if (e_) throw BadResultAccess(*e_);
  }
  const Error& error() const& { return *e_; }

 private:
  std::optional<Error> e_;
};

inline Result<void> ok() { return {}; }

// Why a process ended (Erlang's exit reasons).
//   normal   the process finished; links ignore it unless they trap exits
//   shutdown an orderly stop requested by a supervisor or the node
//   kill     only as a *signal*: untrappable; the victim's reason becomes `killed`
//   killed   reason of a process that received `kill`
//   noproc   the target did not exist (link/monitor to a dead pid)
//   error    anything else: an Error (a thrown exception, crash(), a user error)
enum class ExitKind : uint8_t { normal, shutdown, kill, killed, noproc, error };
const char* to_string(ExitKind k) noexcept;

class ExitReason {
 public:
  ExitReason() = default;  // normal
  static ExitReason normal() { return ExitReason(ExitKind::normal); }
  static ExitReason shutdown() { return ExitReason(ExitKind::shutdown); }
  static ExitReason kill() { return ExitReason(ExitKind::kill); }
  static ExitReason killed() { return ExitReason(ExitKind::killed); }
  static ExitReason noproc() { return ExitReason(ExitKind::noproc); }
  static ExitReason error(Error e) {
    ExitReason r(ExitKind::error);
    r.error_ = std::make_shared<const Error>(std::move(e));
    return r;
  }
  static ExitReason error(std::string code, std::string message) { return error(Error(std::move(code), std::move(message))); }

  ExitKind kind() const noexcept { return kind_; }
  bool is_normal() const noexcept { return kind_ == ExitKind::normal; }
  bool is_shutdown() const noexcept { return kind_ == ExitKind::shutdown; }
  bool is_error() const noexcept { return kind_ == ExitKind::error; }
  // normal or shutdown: not a crash (no crash report; transient children are not restarted)
  bool is_clean() const noexcept { return kind_ == ExitKind::normal || kind_ == ExitKind::shutdown; }
  // The Error for kind()==error, else nullptr.
  const Error* error_value() const noexcept { return error_.get(); }
  // "normal", "shutdown", "killed", "error(code: message)"
  std::string to_string() const;

  friend bool operator==(const ExitReason& a, const ExitReason& b) {
    if (a.kind_ != b.kind_) return false;
    if (a.kind_ != ExitKind::error) return true;
    return *a.error_ == *b.error_;
  }

 private:
  explicit ExitReason(ExitKind k) : kind_(k) {}
  ExitKind kind_ = ExitKind::normal;
  std::shared_ptr<const Error> error_;
};

}  // namespace fnd
