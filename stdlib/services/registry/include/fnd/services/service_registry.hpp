// Service registry (issue #5) on the runtime's process registry: a service is a process registered
// under "svc:<namespace>:<name>" (so fnd::Ref::name / Node::whereis reach it too) plus metadata and
// an optional health check. Namespaces keep users apart (tests use one each). Entries go away when
// their process dies (the runtime unregisters the name; a monitor drops the metadata).
//
//   fnd::services::ServiceRegistry services(node);
//   services.register_service("prod", "billing", pid, {{"version", "2"}}, [] { return db_ok(); });
//   fnd::Result<fnd::services::ServiceInfo> s = services.lookup("prod", "billing");
//   fnd::Result<fnd::Pid> p = services.wait_for("prod", "billing", 5s);   // timeout if it never comes
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fnd/error.hpp"
#include "fnd/node.hpp"

namespace fnd::services {

using Metadata = std::map<std::string, std::string>;
using HealthCheck = std::function<Result<void>()>;

struct ServiceInfo {
  std::string ns, name;
  Pid pid;
  Metadata metadata;
  bool has_health_check = false;
  std::chrono::system_clock::time_point registered_at;
};

class ServiceRegistry {
 public:
  explicit ServiceRegistry(Node& node);
  ~ServiceRegistry();  // unregisters what it registered; destroy before the node
  ServiceRegistry(const ServiceRegistry&) = delete;
  ServiceRegistry& operator=(const ServiceRegistry&) = delete;

  // Errors: badarg (empty or ':' in namespace/name, null pid), noproc (dead pid), name_taken (holder
  // in the context).
  Result<void> register_service(const std::string& ns, const std::string& name, const Pid& pid, Metadata metadata = {},
                                HealthCheck health = {});
  Result<void> unregister_service(const std::string& ns, const std::string& name);  // not_found
  Result<ServiceInfo> lookup(const std::string& ns, const std::string& name) const;  // not_found
  std::vector<ServiceInfo> list(const std::string& ns) const;  // by name
  std::vector<std::string> namespaces() const;
  // Waits until the service is registered (at once if it is). A fiber suspends; an outside thread
  // blocks; an actor handler would block its worker. Error: timeout.
  Result<Pid> wait_for(const std::string& ns, const std::string& name, std::chrono::milliseconds timeout);
  // Runs the service's health check (ok without one if the process is alive). Errors: not_found,
  // service_unavailable (wrapping the check's error, or a dead process).
  Result<void> check_health(const std::string& ns, const std::string& name) const;
  // The runtime registry name of a service: "svc:<ns>:<name>".
  static std::string process_name(const std::string& ns, const std::string& name);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace fnd::services
