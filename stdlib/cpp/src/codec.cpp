// Refs in the binary format (the rest of the codec is inline in codec.hpp).
#include "fnd/lang/codec.hpp"

#include <mutex>

namespace fnd::lang {

namespace {
std::mutex resolver_mu;
PidResolver resolver;
}  // namespace

void set_pid_resolver(PidResolver r) {
  std::lock_guard<std::mutex> lock(resolver_mu);
  resolver = std::move(r);
}

void Writer::put(const fnd::Ref& v) {
  if (v.is_name()) {
    out_.push_back(1);
    put(v.name());
  } else if (v.pid().is_null()) {
    out_.push_back(0);
  } else {
    out_.push_back(2);
    put_varint(v.pid().node());
    put_varint(v.pid().id());
  }
}

void Reader::get(fnd::Ref& v) {
  switch (byte()) {
    case 0:
      v = fnd::Ref();
      return;
    case 1: {
      std::string name;
      get(name);
      v = fnd::Ref::name(name);
      return;
    }
    case 2: {
      const auto node = get_varint();
      const auto id = get_varint();
      if (node > 0xffffffffu) throw DecodeError("pid node out of range");
      PidResolver r;
      {
        std::lock_guard<std::mutex> lock(resolver_mu);
        r = resolver;
      }
      v = r ? r(static_cast<std::uint32_t>(node), id) : fnd::Ref();
      return;
    }
    default:
      throw DecodeError("unknown ref tag");
  }
}

}  // namespace fnd::lang
