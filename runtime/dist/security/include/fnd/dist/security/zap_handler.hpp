// The ZAP handler (ZeroMQ RFC 27) of one ZeroMQ context: a thread that owns a REP socket bound at
// inproc://zeromq.zap.01 and answers each CURVE handshake of the context's server sockets with the
// AdmissionPolicy's decision.
//
// Fails closed together with configureCurveServer (curve_sockets.hpp), which sets
// ZMQ_ZAP_ENFORCE_DOMAIN: while no handler runs (before start, after stop), libzmq refuses every
// handshake on those sockets instead of admitting it.
//
// Stop the handler before terminating the context (zmq_ctx_term waits for its sockets). If the
// context is shut down first (zmq_ctx_shutdown), the thread notices and exits; stop() then joins.
#pragma once

#include <memory>
#include <mutex>
#include <thread>

#include "fnd/dist/security/admission.hpp"
#include "fnd/dist/security/metrics.hpp"

namespace fnd::dist::security {

inline constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

class ZapHandler {
 public:
  // context: the zmq context (zmq::context_t::handle() with cppzmq) of the server sockets.
  ZapHandler(void* context, AdmissionPolicy policy);
  ~ZapHandler();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  // Binds the endpoint and starts the thread. Throws SecurityError if the endpoint is taken
  // (another ZAP handler in this context) or the handler already runs.
  void start();
  // Idempotent; returns once the thread has closed its sockets.
  void stop();
  bool running() const;

  // Takes effect from the next handshake (e.g. an allow-list reloaded to revoke a node).
  void replacePolicy(AdmissionPolicy policy);

  SecurityMetrics& metrics() { return metrics_; }
  const SecurityMetrics& metrics() const { return metrics_; }

 private:
  void run(void* zapSocket, void* controlSocket);
  bool serveOne(void* zapSocket);
  std::shared_ptr<const AdmissionPolicy> currentPolicy() const;

  void* context_;
  mutable std::mutex mutex_;  // guards policy_, thread_, controlClient_
  std::shared_ptr<const AdmissionPolicy> policy_;
  std::thread thread_;
  void* controlClient_ = nullptr;  // PAIR; a message on it tells the thread to stop
  SecurityMetrics metrics_;
};

}  // namespace fnd::dist::security
