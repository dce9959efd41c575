#include "fnd/dist/security/zap_handler.hpp"

#include <zmq.h>

#include <atomic>
#include <cerrno>
#include <exception>
#include <string>
#include <vector>

#include "fnd/dist/security/error.hpp"

namespace fnd::dist::security {

namespace {

// libzmq only ever sends 7 frames of a few bytes; anything beyond is drained but not kept.
constexpr std::size_t kMaxFramesKept = 16;
constexpr std::size_t kMaxFrameBytes = 1024;

void closeNow(void* socket) {
  int zero = 0;
  zmq_setsockopt(socket, ZMQ_LINGER, &zero, sizeof zero);
  zmq_close(socket);
}

std::string uniqueControlEndpoint(const void* self) {
  static std::atomic<unsigned> counter{0};
  return "inproc://fnd.security.zap-control." + std::to_string(reinterpret_cast<std::uintptr_t>(self)) + "." +
         std::to_string(counter.fetch_add(1));
}

[[noreturn]] void fail(const std::string& what, void* a = nullptr, void* b = nullptr, void* c = nullptr) {
  std::string msg = what + ": " + zmq_strerror(errno);
  for (void* s : {a, b, c})
    if (s) closeNow(s);
  throw SecurityError(msg);
}

}  // namespace

ZapHandler::ZapHandler(void* context, AdmissionPolicy policy)
    : context_(context), policy_(std::make_shared<const AdmissionPolicy>(std::move(policy))) {}

ZapHandler::~ZapHandler() { stop(); }

void ZapHandler::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable()) throw SecurityError("the ZAP handler is already running");
  void* zap = zmq_socket(context_, ZMQ_REP);
  if (!zap) fail("cannot create the ZAP socket");
  int zero = 0;
  zmq_setsockopt(zap, ZMQ_LINGER, &zero, sizeof zero);
  if (zmq_bind(zap, kZapEndpoint) != 0) {
    if (errno == EADDRINUSE) {
      closeNow(zap);
      throw SecurityError(std::string("cannot bind the ZAP handler at ") + kZapEndpoint +
                          ": another ZAP handler is bound in this ZeroMQ context");
    }
    fail(std::string("cannot bind the ZAP handler at ") + kZapEndpoint, zap);
  }
  std::string endpoint = uniqueControlEndpoint(this);
  void* controlServer = zmq_socket(context_, ZMQ_PAIR);
  if (!controlServer) fail("cannot create the ZAP control socket", zap);
  zmq_setsockopt(controlServer, ZMQ_LINGER, &zero, sizeof zero);
  if (zmq_bind(controlServer, endpoint.c_str()) != 0) fail("cannot bind the ZAP control socket", zap, controlServer);
  void* controlClient = zmq_socket(context_, ZMQ_PAIR);
  if (!controlClient) fail("cannot create the ZAP control socket", zap, controlServer);
  zmq_setsockopt(controlClient, ZMQ_LINGER, &zero, sizeof zero);
  if (zmq_connect(controlClient, endpoint.c_str()) != 0)
    fail("cannot connect the ZAP control socket", zap, controlServer, controlClient);
  // Starting the thread is the full memory barrier ZeroMQ asks for when a socket changes threads.
  thread_ = std::thread([this, zap, controlServer] { run(zap, controlServer); });
  controlClient_ = controlClient;
}

void ZapHandler::stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!thread_.joinable()) return;
  // Fails only if the context is being shut down, and then the thread is leaving anyway.
  zmq_send(controlClient_, "", 0, ZMQ_DONTWAIT);
  thread_.join();
  closeNow(controlClient_);
  controlClient_ = nullptr;
}

bool ZapHandler::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return thread_.joinable();
}

void ZapHandler::replacePolicy(AdmissionPolicy policy) {
  auto next = std::make_shared<const AdmissionPolicy>(std::move(policy));
  std::lock_guard<std::mutex> lock(mutex_);
  policy_ = std::move(next);
}

std::shared_ptr<const AdmissionPolicy> ZapHandler::currentPolicy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return policy_;
}

void ZapHandler::run(void* zapSocket, void* controlSocket) {
  zmq_pollitem_t items[2] = {{zapSocket, 0, ZMQ_POLLIN, 0}, {controlSocket, 0, ZMQ_POLLIN, 0}};
  for (;;) {
    if (zmq_poll(items, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;  // ETERM: the context is shutting down
    }
    if (items[1].revents & ZMQ_POLLIN) break;
    if ((items[0].revents & ZMQ_POLLIN) && !serveOne(zapSocket)) break;
  }
  // Unbinding is immediate for inproc, closing is not (the reaper thread finishes it): without
  // it, a handler started right after stop() could find the endpoint still taken.
  zmq_unbind(zapSocket, kZapEndpoint);
  closeNow(zapSocket);
  closeNow(controlSocket);
}

// Receives one request, answers it. False when the context is going away.
bool ZapHandler::serveOne(void* zapSocket) {
  std::vector<std::string> frames;
  bool oversized = false;
  for (;;) {
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, zapSocket, 0) < 0) {
      zmq_msg_close(&msg);
      if (errno == EINTR) continue;
      return false;
    }
    std::size_t n = zmq_msg_size(&msg);
    if (frames.size() >= kMaxFramesKept || n > kMaxFrameBytes)
      oversized = true;
    else
      frames.emplace_back(static_cast<const char*>(zmq_msg_data(&msg)), n);
    bool more = zmq_msg_more(&msg);
    zmq_msg_close(&msg);
    if (!more) break;
  }
  ZapDecision d{ZapVerdict::Malformed, "500", "oversized ZAP request", ""};
  if (!oversized) {
    try {
      d = decideZapRequest(*currentPolicy(), frames);
    } catch (const std::exception&) {  // out of memory: refuse, and keep the thread serving
      d = {ZapVerdict::Malformed, "500", "internal error", ""};
    }
  }
  metrics_.count(d.verdict);
  const std::string requestId = frames.size() >= 2 ? frames[1] : std::string();
  const std::string version = "1.0", noMetadata;
  const std::string* reply[] = {&version, &requestId, &d.statusCode, &d.statusText, &d.userId, &noMetadata};
  for (int i = 0; i < 6; ++i) {
    while (zmq_send(zapSocket, reply[i]->data(), reply[i]->size(), i < 5 ? ZMQ_SNDMORE : 0) < 0)
      if (errno != EINTR) return false;
  }
  return true;
}

}  // namespace fnd::dist::security
