#include "fnd/services/correlation.hpp"

#include "fnd/process.hpp"

namespace fnd::services {
namespace {
thread_local uint64_t t_scope = 0;
}

uint64_t current_correlation() noexcept {
  if (t_scope) return t_scope;
  // The request context's correlation id wins (it travels with every send, across nodes).
  if (uint64_t c = current_request_context().correlation_id()) return c;
  detail::ProcessCore* p = detail::current_process();
  if (!p) return 0;
  if (p->flags_ & detail::kFiber) return static_cast<Process*>(p)->last_msg_corr_;
  return p->current_ ? static_cast<uint64_t>(p->current_->corr_) : 0;
}

uint64_t new_correlation_id() noexcept { return detail::next_request_id(); }

RequestContext context_for_correlation(uint64_t corr) {
  RequestContext cur = current_request_context();
  if (cur.correlation_id() == corr) return cur;
  return cur ? cur.with_correlation(corr) : RequestContext::start(corr);
}

std::string current_process_string() {
  detail::ProcessCore* p = detail::current_process();
  return p ? Pid::share(p->cb_).to_string() : std::string();
}

CorrelationScope::CorrelationScope(uint64_t id) noexcept : prev_(t_scope) { t_scope = id; }
CorrelationScope::~CorrelationScope() { t_scope = prev_; }

}  // namespace fnd::services
