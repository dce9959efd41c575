// Societies (docs/language.md section 11) through the runtime's C ABI (fnd/runtime.h, "societies"):
// a society's spec is a one_for_one supervisor built at start-up with fnd_society_spec_new and one
// fnd_society_spec_add_role per role; members reach their society through their ctx (role lists,
// neighbors(), broadcast, publish, subscribe), as the C++ back end's fnd::lang::Actor does. Extern
// members (C++ fnd::lang::Actor subclasses) join the same society state through
// fnd_society_spec_add_native_role.
#include "backends/llvm/lowering.hpp"

namespace fnd::backend::llvmgen {

llvm::Value* Lowering::societySpec(const SocietyDecl& s, llvm::Value* nameStr, const std::string& name) {
  llvm::Value* spec = b_.CreateCall(
      rt("fnd_society_spec_new"),
      {nameStr, b_.getInt32(static_cast<uint32_t>(s.topology)),  // same order as fnd_topology
       b_.getInt32(s.faultTolerance == FaultTolerance::SelfHealing ? 1 : 0),
       b_.getInt32(static_cast<uint32_t>(s.intensity.maxRestarts)),
       b_.getInt32(static_cast<uint32_t>(s.intensity.periodMs))});
  const SocietyDecl* outerScope = societyScope_;
  const std::string outerName = societyName_;
  societyScope_ = &s;
  societyName_ = name;
  for (const auto& r : s.roles) {
    const ActorDecl& a = *r->start.actor;
    ActorInfo& info = actorInfo(&a);
    llvm::Value* args = buildArgs(r->start, nullptr, true, name);
    // An extern member is made by the glue's factory; being a fnd::lang::Actor, it takes the same
    // membership (the runtime's fnd::Society) as the C members.
    b_.CreateCall(rt(info.make ? "fnd_society_spec_add_native_role" : "fnd_society_spec_add_role"),
                  {spec, cstr(r->name.name), b_.getInt64(static_cast<uint64_t>(r->count)),
                   b_.CreateBitCast(info.make ? static_cast<llvm::Value*>(info.make) : info.cls, i8p()),
                   b_.CreateBitCast(args, i8p()), spawnOpts(a)});
  }
  societyScope_ = outerScope;
  societyName_ = outerName;
  return spec;
}

Val Lowering::lowerRoleName(const NameExpr& n) {
  llvm::Value* list;
  if (societyScope_) {
    // A member argument: the role's members by name, from outside the members.
    const RoleDecl* role = societyScope_->findRole(n.name.name);
    list = b_.CreateCall(rt("fnd_role_refs"), {cstr(societyName_), cstr(n.name.name),
                                               b_.getInt64(static_cast<uint64_t>(role ? role->count : 0))});
  } else if (f_.ctx) {
    list = b_.CreateCall(rt("fnd_role_members"), {f_.ctx, cstr(n.name.name)});
  } else {
    throw Unsupported{n.range, n.name.name};
  }
  Val v{list, n.type};
  addTemp(v);
  return v;
}

void Lowering::lowerSocietyStmt(const Stmt& s) {
  if (!f_.ctx) throw Unsupported{s.range, "a society statement outside a handler"};
  if (s.kind == StmtKind::Subscribe) {
    b_.CreateCall(rt("fnd_subscribe"), {f_.ctx, cstr(s.as<SubscribeStmt>().topic.name)});
    return;
  }
  const bool isBroadcast = s.kind == StmtKind::Broadcast;
  const Expr& msg = isBroadcast ? *s.as<BroadcastStmt>().message : *s.as<PublishStmt>().message;
  const std::string& to = isBroadcast ? s.as<BroadcastStmt>().role.name : s.as<PublishStmt>().topic.name;
  // The runtime sends a copy to each recipient; the message itself stays ours (a temporary is
  // released with the statement's others).
  Val m = lowerExpr(msg);
  b_.CreateCall(rt(isBroadcast ? "fnd_broadcast" : "fnd_publish"),
                {f_.ctx, cstr(to), b_.CreateBitCast(messageType(m.type->message), i8p()), b_.CreateBitCast(m.v, i8p())});
}

}  // namespace fnd::backend::llvmgen
