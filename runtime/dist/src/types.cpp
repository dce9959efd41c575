#include "fnd/dist/types.hpp"

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace fnd::dist {

namespace {
struct Registry {
  std::shared_mutex mu;
  std::unordered_map<const TypeInfo*, std::shared_ptr<WireType>> by_info;
  std::unordered_map<uint32_t, std::shared_ptr<WireType>> by_id;
};

void put_error(const Error& e, lang::Writer& w) {
  w.put(e.code);
  w.put(e.category);
  w.put(static_cast<int64_t>(e.severity));
  w.put(e.message);
  w.put(e.context);
}
Error get_error(lang::Reader& r) {
  Error e;
  r.get(e.code);
  r.get(e.category);
  int64_t sev = 0;
  r.get(sev);
  if (sev < 0 || sev > static_cast<int64_t>(Severity::critical)) throw lang::DecodeError("severity out of range");
  e.severity = static_cast<Severity>(sev);
  r.get(e.message);
  r.get(e.context);
  return e;
}

Registry& make_registry();
Registry& registry() {
  static Registry& r = make_registry();
  return r;
}

void add_builtin(Registry& reg, WireType t) {
  auto p = std::make_shared<WireType>(std::move(t));
  reg.by_info[p->info] = p;
  reg.by_id[p->id] = p;
}

template <class T>
WireType builtin(std::string_view name, std::function<void(const T&, lang::Writer&)> enc,
                 std::function<T(lang::Reader&)> dec) {
  WireType t;
  t.name = std::string(name);
  t.id = type_id_of(name);
  t.info = type_of<T>();
  t.encode = [enc](Message& m, lang::Writer& w) { enc(m.get<T>(), w); };
  t.decode = [dec](lang::Reader& r) -> Message* { return detail::make_message<T>(dec(r)); };
  return t;
}

Registry& make_registry() {
  auto* reg = new Registry();  // never destroyed: lookups may run during static destruction
  add_builtin(*reg, builtin<int>(
                        "i32", [](const int& v, lang::Writer& w) { w.put(static_cast<int64_t>(v)); },
                        [](lang::Reader& r) {
                          int64_t v = 0;
                          r.get(v);
                          if (v < INT32_MIN || v > INT32_MAX) throw lang::DecodeError("i32 out of range");
                          return static_cast<int>(v);
                        }));
  add_builtin(*reg, builtin<int64_t>(
                        "int", [](const int64_t& v, lang::Writer& w) { w.put(v); },
                        [](lang::Reader& r) {
                          int64_t v = 0;
                          r.get(v);
                          return v;
                        }));
  add_builtin(*reg, builtin<double>(
                        "float", [](const double& v, lang::Writer& w) { w.put(v); },
                        [](lang::Reader& r) {
                          double v = 0;
                          r.get(v);
                          return v;
                        }));
  add_builtin(*reg, builtin<bool>(
                        "bool", [](const bool& v, lang::Writer& w) { w.put(v); },
                        [](lang::Reader& r) {
                          bool v = false;
                          r.get(v);
                          return v;
                        }));
  add_builtin(*reg, builtin<std::string>(
                        "string", [](const std::string& v, lang::Writer& w) { w.put(v); },
                        [](lang::Reader& r) {
                          std::string v;
                          r.get(v);
                          return v;
                        }));
  add_builtin(*reg, builtin<Error>("fnd.Error", put_error, get_error));
  return *reg;
}
}  // namespace

uint32_t type_id_of(std::string_view name) noexcept {
  uint32_t h = 2166136261u;
  for (unsigned char c : name) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

Result<void> register_type(WireType t) {
  Registry& reg = registry();
  std::unique_lock<std::shared_mutex> l(reg.mu);
  if (auto it = reg.by_info.find(t.info); it != reg.by_info.end()) {
    if (it->second->name == t.name) return ok();  // registered again under the same name: fine
    return Error(errc::badarg, "message type already registered as " + it->second->name).with("name", t.name);
  }
  if (auto it = reg.by_id.find(t.id); it != reg.by_id.end())
    return Error(errc::badarg, "type name " + t.name + " has the same wire id as " + it->second->name +
                                   " (rename one)")
        .with("name", t.name);
  auto p = std::make_shared<WireType>(std::move(t));
  reg.by_info[p->info] = p;
  reg.by_id[p->id] = p;
  return ok();
}

Result<void> register_alias(std::string_view name, const TypeInfo* info, std::function<void(Message&, lang::Writer&)> encode) {
  Registry& reg = registry();
  std::unique_lock<std::shared_mutex> l(reg.mu);
  auto primary = reg.by_id.find(type_id_of(name));
  if (primary == reg.by_id.end() || primary->second->name != name)
    return Error(errc::badarg, "no message type registered as " + std::string(name));
  if (auto it = reg.by_info.find(info); it != reg.by_info.end())
    return it->second->name == name ? ok() : Error(errc::badarg, "message type already registered as " + it->second->name);
  auto alias = std::make_shared<WireType>(*primary->second);  // same name, id and decoder
  alias->info = info;
  alias->encode = std::move(encode);
  reg.by_info[info] = std::move(alias);  // by_id keeps the primary: received messages are of that type
  return ok();
}

const WireType* find_type(const TypeInfo* info) noexcept {
  // Entries are never removed, so a thread may remember its last answer (a stream sends one type).
  thread_local const TypeInfo* last_info = nullptr;
  thread_local const WireType* last_type = nullptr;
  if (info == last_info && last_type) return last_type;
  Registry& reg = registry();
  std::shared_lock<std::shared_mutex> l(reg.mu);
  auto it = reg.by_info.find(info);
  if (it == reg.by_info.end()) return nullptr;
  last_info = info;
  last_type = it->second.get();
  return last_type;
}

const WireType* find_type(uint32_t id) noexcept {
  thread_local uint32_t last_id = 0;
  thread_local const WireType* last_type = nullptr;
  if (id == last_id && last_type) return last_type;
  Registry& reg = registry();
  std::shared_lock<std::shared_mutex> l(reg.mu);
  auto it = reg.by_id.find(id);
  if (it == reg.by_id.end()) return nullptr;
  last_id = id;
  last_type = it->second.get();
  return last_type;
}

}  // namespace fnd::dist
