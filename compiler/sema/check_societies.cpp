// Pass 6: societies. Checks: E0403 (duplicate roles), E0404 (member counts), E0410 (no members),
// E0302 (intensity), E0208 (a published message that a subscriber of the topic cannot handle).
#include "sema/context.hpp"

namespace fnd::sema {

using namespace fnd::ast;
using diag::Code;

void checkIntensity(Context& cx, const Intensity& in);  // check_supervision.cpp

void checkSocieties(Context& cx) {
  for (auto& m : cx.program.modules) {
    for (auto& soc : m->societies) {
      checkIntensity(cx, soc->intensity);
      if (soc->roles.empty())
        cx.error(Code::E0410, soc->name.range, "society '" + soc->name.name + "' has no members")
            .note({}, "add 'members { role: Actor x COUNT }'");
      std::map<std::string, const RoleDecl*> seen;
      for (auto& r : soc->roles) {
        auto [it, fresh] = seen.emplace(r->name.name, r.get());
        if (!fresh)
          cx.error(Code::E0403, r->name.range, "duplicate role '" + r->name.name + "' in society '" + soc->name.name + "'")
              .note(it->second->name.range, "previous role is here");
        if (r->count < 1 || r->count > 100000)
          cx.error(Code::E0404, r->countRange.valid() ? r->countRange : r->range,
                   "member count must be between 1 and 100000, not " + std::to_string(r->count));
      }
    }
  }
  // Every subscriber of a topic must handle every message published on it.
  for (const PublishSite& pub : cx.publishes) {
    for (const SubscribeSite& sub : cx.subscribes) {
      if (sub.topic != pub.topic || sub.actor->accepts(pub.message)) continue;
      bool shareSociety = false;
      for (auto* a : pub.actor->societies)
        for (auto* b : sub.actor->societies)
          if (a == b) shareSociety = true;
      if (!shareSociety) continue;
      cx.error(Code::E0208, pub.range, "actor '" + sub.actor->name.name + "' subscribes to '" + pub.topic +
                                           "' but has no handler for message '" + pub.message->name.name + "'")
          .note(sub.range, "subscribed here");
    }
  }
}

}  // namespace fnd::sema
