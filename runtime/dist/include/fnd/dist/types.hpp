// The message type registry: which C++ message types may cross nodes, under which stable name. The wire
// carries a 32-bit id (FNV-1a of the stable name), so both nodes must register the same name for a type;
// two names with the same id are refused at registration. Generated .fnd messages (which have
// encode/decode members, fnd/lang/codec.hpp) register with one call:
//
//   fnd::dist::register_message<shop::Order>("shop.Order");
//   fnd::dist::register_message<Point>("Point", [](const Point& p, fnd::lang::Writer& w) {...},
//                                               [](fnd::lang::Reader& r) { ...; return Point{...}; });
//
// Built in: int ("i32"), int64_t ("int"), double ("float"), bool, std::string ("string") and fnd::Error
// ("fnd.Error", the noproc/noconnection replies of calls).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "fnd/error.hpp"
#include "fnd/lang/codec.hpp"
#include "fnd/message.hpp"

namespace fnd::dist {

struct WireType {
  std::string name;
  uint32_t id = 0;
  const TypeInfo* info = nullptr;
  std::function<void(Message&, lang::Writer&)> encode;
  std::function<Message*(lang::Reader&)> decode;  // throws lang::DecodeError
};

uint32_t type_id_of(std::string_view stable_name) noexcept;  // FNV-1a, 32 bits
// Adds a type; fails with badarg if the name or C++ type is registered differently, or on an id clash.
Result<void> register_type(WireType t);
// A second local representation of a registered type (the LLVM back end's record of a generated
// message, whose C++ struct is registered under `name`): its messages are sent under that name,
// written by `encode` in the registered type's format, and arrive as the registered type. Fails with
// badarg when `name` is not registered or `info` is registered otherwise.
Result<void> register_alias(std::string_view name, const TypeInfo* info, std::function<void(Message&, lang::Writer&)> encode);
const WireType* find_type(const TypeInfo* info) noexcept;
const WireType* find_type(uint32_t id) noexcept;

template <class T>
Result<void> register_message(std::string_view name, std::function<void(const T&, lang::Writer&)> enc,
                              std::function<T(lang::Reader&)> dec) {
  WireType t;
  t.name = std::string(name);
  t.id = type_id_of(name);
  t.info = type_of<T>();
  t.encode = [enc](Message& m, lang::Writer& w) { enc(m.get<T>(), w); };
  t.decode = [dec](lang::Reader& r) -> Message* { return detail::make_message<T>(dec(r)); };
  return register_type(std::move(t));
}

template <class T>
Result<void> register_message(std::string_view name) {
  return register_message<T>(
      name, [](const T& v, lang::Writer& w) { w.put(v); },
      [](lang::Reader& r) {
        T v{};
        r.get(v);
        return v;
      });
}

}  // namespace fnd::dist
