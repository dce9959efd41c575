#pragma once
#include <fnd/request_context.hpp>
#include "cluster_context.fnd.hpp"

namespace cluster_context {

// Starts a request (correlation id 4242) for each Start and sends it to the first hop.
class Gateway : public fnd::Actor {
 public:
  explicit Gateway(fnd::Ref hop) : hop_(std::move(hop)) {}
  void on_message(fnd::Message& m) override {
    if (!m.is<Start>()) return;
    fnd::set_request_context(fnd::RequestContext::start(4242));
    send(hop_, Req{.n = 1});
  }

 private:
  fnd::Ref hop_;
};

}  // namespace cluster_context
