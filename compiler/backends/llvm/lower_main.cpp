// Start sites: `spawn` (an unsupervised actor), supervisors (a spec table built at start-up through
// fnd_sup_spec_*), and `main` (the C `main` that hands a start function to fnd_program_main).
#include <llvm/IR/MDBuilder.h>

#include "backends/llvm/lowering.hpp"

namespace fnd::backend::llvmgen {

// The start arguments of an actor as its args record: on the stack for spawn, borrowing the values
// (init, a pool or an extern actor's factory copies what it keeps, during the call), on the heap for
// supervisor children, owning them (the runtime passes them to init at every restart: they live as
// long as the program). Sibling names become refs to `<supName>.<child>`.
llvm::Value* Lowering::buildArgs(const StartArgs& st, llvm::Value* ctxOrNull, bool heap, const std::string& supName,
                                  const StartArgs* poolTemplate) {
  (void)ctxOrNull;
  ActorInfo& info = actorInfo(st.actor);
  const RecordLayout& r = info.args;
  if (st.actor->isExtern && !st.actor->externHasInterface && !st.args.empty())
    throw Unsupported{st.argsRange, "start arguments of an extern actor without an interface"};
  llvm::Value* mem;
  if (heap) {
    const uint64_t size = mod_.getDataLayout().getTypeAllocSize(r.type);
    llvm::Value* raw = b_.CreateCall(rt("malloc"), {b_.getInt64(size ? size : 1)});
    auto* keep = new llvm::GlobalVariable(mod_, i8p(), false, llvm::GlobalValue::PrivateLinkage,
                                          llvm::ConstantPointerNull::get(i8p()), "args.heap");
    b_.CreateStore(raw, keep);
    heapArgs_.emplace_back(keep, &r);
    mem = b_.CreateBitCast(raw, r.type->getPointerTo());
  } else {
    llvm::IRBuilder<> e(&f_.fn->getEntryBlock(), f_.fn->getEntryBlock().begin());
    e.SetCurrentDebugLocation(llvm::DebugLoc());
    mem = e.CreateAlloca(r.type, nullptr, "args." + st.actor->name.name);
  }
  b_.CreateStore(llvm::Constant::getNullValue(r.type), mem);
  for (size_t i = 0; i < st.actor->params.size(); ++i) {
    const ParamDecl& p = *st.actor->params[i];
    const Expr* e = i < st.byParam.size() ? st.byParam[i] : nullptr;
    // A pool spawn: what the site does not give, the pool's template does, else the default.
    if (!e && poolTemplate && i < poolTemplate->byParam.size()) e = poolTemplate->byParam[i];
    if (!e) e = p.defaultValue.get();
    if (!e) throw Unsupported{st.target.range, "a start site without every argument (a pool template)"};
    Val v;
    if (e->is<NameExpr>() && e->as<NameExpr>().ref == NameRef::Child) {
      const std::string full = supName + "." + e->as<NameExpr>().child->name.name;
      v = {b_.CreateCall(rt("fnd_ref_named"), {cstr(full)}), e->type};
      addTemp(v);
    } else {
      v = lowerExpr(*e);
    }
    llvm::Value* at = b_.CreateStructGEP(r.type, mem, static_cast<unsigned>(i));
    if (heap) storeNew(p.type, at, v);
    else if (p.type->kind == TypeKind::Message) {
      const uint64_t size = mod_.getDataLayout().getTypeAllocSize(messageLayout(p.type->message).type);
      if (size) b_.CreateMemCpy(at, llvm::MaybeAlign(), v.v, llvm::MaybeAlign(), size);
    } else if (p.type->kind == TypeKind::Bool) b_.CreateStore(b_.CreateZExt(v.v, b_.getInt8Ty()), at);
    else b_.CreateStore(v.v, at);
  }
  return mem;
}

std::vector<uint64_t> Lowering::offsets(const RecordLayout& r) {
  const llvm::StructLayout* sl = mod_.getDataLayout().getStructLayout(r.type);
  std::vector<uint64_t> out;
  for (unsigned i = 0; i < r.type->getNumElements(); ++i) out.push_back(sl->getElementOffset(i));
  return out;
}

llvm::Value* Lowering::spawnActor(ActorInfo& info, llvm::Value* ctx, llvm::Value* node, llvm::Value* args) {
  llvm::Value* opts = spawnOpts(*info.decl);
  args = b_.CreateBitCast(args, i8p());
  if (info.make) {
    llvm::Value* null = llvm::ConstantPointerNull::get(i8p());
    return b_.CreateCall(rt("fnd_spawn_native"), {ctx ? ctx : null, node ? node : null,
                                                  b_.CreateBitCast(info.make, i8p()), args, opts});
  }
  llvm::Value* cls = b_.CreateBitCast(info.cls, i8p());
  if (!ctx) return b_.CreateCall(rt("fnd_node_spawn"), {node, cls, args, opts});
  // From a process: the state is constructed in place by a direct call of the class's init, which
  // the optimizer inlines (the argument record then disappears): fnd_actor_new, init, then
  // fnd_actor_spawn, which also takes the NULL of a failed fnd_actor_new (its error is set).
  llvm::Value* state = b_.CreateCall(rt("fnd_actor_new"), {cls});
  auto* initBB = llvm::BasicBlock::Create(ctx_, "spawn.init", f_.fn);
  auto* startBB = llvm::BasicBlock::Create(ctx_, "spawn.start", f_.fn);
  b_.CreateCondBr(b_.CreateIsNull(state), startBB, initBB, llvm::MDBuilder(ctx_).createBranchWeights(1, 1000));
  b_.SetInsertPoint(initBB);
  b_.CreateCall(info.init, {state, args});  // generated inits cannot fail
  b_.CreateBr(startBB);
  b_.SetInsertPoint(startBB);
  return b_.CreateCall(rt("fnd_actor_spawn"), {ctx, state, opts});
}

llvm::Value* Lowering::spawnOpts(const ActorDecl& a) {
  // fnd_spawn_opts {capacity, overflow, name, link, trap_exit}
  const uint32_t cap = a.mailbox.bounded ? static_cast<uint32_t>(a.mailbox.capacity) : 0;
  const uint32_t overflow = a.mailbox.overflow == Overflow::DropOldest ? 1 : 0;
  // No options: NULL, which the runtime takes without reading anything.
  if (cap == 0 && overflow == 0 && !a.trapExit) return llvm::ConstantPointerNull::get(i8p());
  auto* g = new llvm::GlobalVariable(
      mod_, optsTy_, true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantStruct::get(optsTy_, {b_.getInt32(cap), b_.getInt32(overflow), llvm::ConstantPointerNull::get(i8p()),
                                          b_.getInt32(0), b_.getInt32(a.trapExit ? 1 : 0)}),
      "opts." + a.name.name);
  return b_.CreateBitCast(g, i8p());
}

Val Lowering::lowerSpawn(const SpawnExpr& s) {
  if (s.poolTemplate) return lowerPoolSpawn(s);
  if (s.start.targetKind != TargetKind::Actor) throw Unsupported{s.range, "spawn of a " + s.start.target.name};
  ActorInfo& info = actorInfo(s.start.actor);
  const size_t mark = f_.temps.size();
  llvm::Value* args = buildArgs(s.start, f_.ctx, false, "");
  llvm::Value* pid = spawnActor(info, f_.ctx, nullptr, args);
  releaseTemps(mark);  // the arguments' values: init copied what it keeps
  Val v{pidRef(pid, true), s.type};  // the owned pid becomes the ref
  addTemp(v);
  return v;
}

// `spawn pool(...)`: a child of the running instance of a simple_one_for_one supervisor
// (fnd_pool_spawn). When it cannot start, the runtime has set the crash: the handler ends here.
Val Lowering::lowerPoolSpawn(const SpawnExpr& s) {
  if (!f_.exit) throw Unsupported{s.range, "spawn of a pool outside a handler"};
  ActorInfo& info = actorInfo(s.start.actor);
  const size_t mark = f_.temps.size();
  llvm::Value* args = buildArgs(s.start, f_.ctx, false, "", &s.poolTemplate->start);
  llvm::Value* null = llvm::ConstantPointerNull::get(i8p());
  llvm::Value* pid = b_.CreateCall(
      rt("fnd_pool_spawn"),
      {f_.ctx, cstr(s.start.supervisor->name.name), info.cls ? b_.CreateBitCast(info.cls, i8p()) : null,
       info.make ? b_.CreateBitCast(info.make, i8p()) : null, b_.CreateBitCast(info.args.desc, i8p()),
       b_.CreateBitCast(args, i8p()), spawnOpts(*s.start.actor)});
  releaseTemps(mark);  // the arguments' values: fnd_pool_spawn copied them
  auto* failBB = llvm::BasicBlock::Create(ctx_, "pool.fail", f_.fn);
  auto* okBB = llvm::BasicBlock::Create(ctx_, "pool.ok", f_.fn);
  b_.CreateCondBr(b_.CreateIsNull(pid), failBB, okBB, llvm::MDBuilder(ctx_).createBranchWeights(1, 1000));
  b_.SetInsertPoint(failBB);
  for (auto it = f_.temps.rbegin(); it != f_.temps.rend(); ++it) release(it->type, it->v, it->type->kind == TypeKind::Message);
  b_.CreateBr(f_.exit);
  b_.SetInsertPoint(okBB);
  Val v{pidRef(pid, false), s.type};  // the owned pid becomes the ref
  addTemp(v);
  return v;
}

// Builds the spec of supervisor `s` registered as `name` (its children as `name.child`).
llvm::Value* Lowering::supervisorSpec(const SupervisorDecl& s, llvm::Value* nameStr, const std::string& name) {
  llvm::Value* spec = b_.CreateCall(
      rt("fnd_sup_spec_new"), {nameStr, b_.getInt32(static_cast<uint32_t>(s.strategy)),
                               b_.getInt32(static_cast<uint32_t>(s.intensity.maxRestarts)),
                               b_.getInt32(static_cast<uint32_t>(s.intensity.periodMs))});
  if (s.strategy == Strategy::SimpleOneForOne) {
    // A pool: its one child is a template, started by `spawn <pool>(...)` (lowerPoolSpawn).
    b_.CreateCall(rt("fnd_pool_register"), {cstr(s.name.name), nameStr});
    for (const auto& c : s.children) {
      if (c->start.targetKind != TargetKind::Actor) throw Unsupported{c->range, "a pool of supervisors or societies"};
      actorInfo(c->start.actor);
      b_.CreateCall(rt("fnd_sup_spec_add_pool_template"), {spec, b_.getInt32(static_cast<uint32_t>(c->restart))});
    }
    return spec;
  }
  for (const auto& c : s.children) {
    const uint32_t restart = static_cast<uint32_t>(c->restart);
    switch (c->start.targetKind) {
      case TargetKind::Actor: {
        const ActorDecl& a = *c->start.actor;
        ActorInfo& info = actorInfo(&a);
        llvm::Value* args = buildArgs(c->start, nullptr, true, name);
        // Shutdown: a 5 s timeout, as the C++ runtime's default child spec.
        llvm::Value* null = llvm::ConstantPointerNull::get(i8p());
        b_.CreateCall(rt("fnd_sup_spec_add_child_opts"),
                      {spec, cstr(c->name.name), info.cls ? b_.CreateBitCast(info.cls, i8p()) : null,
                       info.make ? b_.CreateBitCast(info.make, i8p()) : null, b_.CreateBitCast(args, i8p()),
                       b_.getInt32(restart), b_.getInt32(1), b_.getInt32(5000), spawnOpts(a)});
        break;
      }
      case TargetKind::Supervisor: {
        const std::string childName = name + "." + c->name.name;
        llvm::Value* child = supervisorSpec(*c->start.supervisor, cstr(childName), childName);
        b_.CreateCall(rt("fnd_sup_spec_add_supervisor"), {spec, cstr(c->name.name), child, b_.getInt32(restart)});
        b_.CreateCall(rt("fnd_sup_spec_free"), {child});
        break;
      }
      case TargetKind::Society: {
        const std::string childName = name + "." + c->name.name;
        llvm::Value* child = societySpec(*c->start.society, cstr(childName), childName);
        b_.CreateCall(rt("fnd_sup_spec_add_supervisor"), {spec, cstr(c->name.name), child, b_.getInt32(restart)});
        b_.CreateCall(rt("fnd_sup_spec_free"), {child});
        break;
      }
      default: throw Unsupported{c->range, "a child of unresolved kind"};
    }
  }
  return spec;
}

void Lowering::lowerMain(const MainDecl& m) {
  // fnd_pid start_root(fnd_node* node)
  auto* startTy = llvm::FunctionType::get(i8p(), {i8p()}, false);
  auto* start = llvm::Function::Create(startTy, llvm::GlobalValue::PrivateLinkage, "fnd.start_root", mod_);
  f_ = FnState{};
  f_.fn = start;
  b_.SetCurrentDebugLocation(llvm::DebugLoc());
  auto* entry = llvm::BasicBlock::Create(ctx_, "entry", start);
  auto* body = llvm::BasicBlock::Create(ctx_, "body", start);
  b_.SetInsertPoint(entry);
  b_.CreateBr(body);
  b_.SetInsertPoint(body);
  debugFunction(start, m.range);
  debugLocation(m.range);
  llvm::Value* node = start->getArg(0);
  lowerServicesStart(node);
  const StartArgs& st = m.start;
  llvm::Value* pid = nullptr;
  switch (st.targetKind) {
    case TargetKind::Actor: {
      ActorInfo& info = actorInfo(st.actor);
      llvm::Value* args = buildArgs(st, nullptr, false, "");
      pid = spawnActor(info, nullptr, node, args);  // borrowed arguments: released with the temporaries
      break;
    }
    case TargetKind::Supervisor: {
      // The root is registered under its declaration's name.
      llvm::Value* spec = supervisorSpec(*st.supervisor, cstr(st.target.name), st.target.name);
      pid = b_.CreateCall(rt("fnd_start_supervisor"), {node, spec});
      b_.CreateCall(rt("fnd_sup_spec_free"), {spec});
      break;
    }
    case TargetKind::Society: {
      // The root society's supervisor is registered under the society's name (its members as
      // `<name>.<role>.<i>`).
      llvm::Value* spec = societySpec(*st.society, cstr(st.target.name), st.target.name);
      pid = b_.CreateCall(rt("fnd_start_supervisor"), {node, spec});
      b_.CreateCall(rt("fnd_sup_spec_free"), {spec});
      break;
    }
    default: throw Unsupported{st.target.range, "main of an unresolved target"};
  }
  releaseTemps(0);
  b_.CreateRet(pid);

  // int main(int argc, char** argv)
  auto* mainTy = llvm::FunctionType::get(b_.getInt32Ty(), {b_.getInt32Ty(), i8p()->getPointerTo()}, false);
  auto* mainFn = llvm::Function::Create(mainTy, llvm::GlobalValue::ExternalLinkage, "main", mod_);
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", mainFn));
  b_.SetCurrentDebugLocation(llvm::DebugLoc());
  {
    // The runtime linked in must speak the C ABI this fndc lowered to (the C++ back end
    // static_asserts the same): otherwise a clear message and exit 70, before any other call.
    auto* bad = llvm::BasicBlock::Create(ctx_, "abi.mismatch", mainFn);
    auto* ok = llvm::BasicBlock::Create(ctx_, "abi.ok", mainFn);
    llvm::Value* v = b_.CreateCall(rt("fnd_abi_version"), {});
    b_.CreateCondBr(b_.CreateICmpEQ(v, b_.getInt32(FND_C_ABI_VERSION_AT_BUILD)), ok, bad);
    b_.SetInsertPoint(bad);
    const std::string text = "fnd: this program was compiled for runtime C ABI " +
                             std::to_string(FND_C_ABI_VERSION_AT_BUILD) +
                             " but is linked with a runtime of another version; rebuild it with the fndc of that runtime\n";
    b_.CreateCall(rt("write"), {b_.getInt32(2), cstr(text), b_.getInt64(text.size())});
    b_.CreateRet(b_.getInt32(70));
    b_.SetInsertPoint(ok);
  }
  const Module* mm = nullptr;
  for (const auto& mod : program_.modules)
    for (const auto& md : mod->mains)
      if (md.get() == &m) mm = mod.get();
  const std::string progName = mm ? mm->name : "program";
  if (glue_.needed()) {
    // The glue learns the messages' descriptors, in GluePlan order.
    std::vector<llvm::Constant*> types, records;
    for (const auto& gm : glue_.messages) {
      types.push_back(llvm::ConstantExpr::getBitCast(messageTypes_.at(gm.decl), i8p()));
      records.push_back(llvm::ConstantExpr::getBitCast(messages_.at(gm.decl).desc, i8p()));
    }
    auto table = [&](std::vector<llvm::Constant*>& elems, const char* name) -> llvm::Value* {
      auto* ty = llvm::ArrayType::get(i8p(), elems.size());
      auto* g = new llvm::GlobalVariable(mod_, ty, true, llvm::GlobalValue::PrivateLinkage,
                                         llvm::ConstantArray::get(ty, elems), name);
      return b_.CreateBitCast(g, i8p());
    };
    b_.CreateCall(rt("fnd_glue_init"), {table(types, "glue.types"), table(records, "glue.records"),
                                        b_.getInt64(glue_.messages.size())});
  }
  llvm::Value* argc = lowerServicesInit(mainFn, progName);
  llvm::Value* status = b_.CreateCall(
      rt(glue_.cluster ? "fnd_glue_cluster_main" : "fnd_program_main"), {argc, b_.CreateBitCast(mainFn->getArg(1), i8p()), cstr(progName),
                               cstr("main " + st.target.name), llvm::ConstantExpr::getBitCast(start, i8p())});
  lowerServicesFinish();
  // The node is gone: release the supervisor children's start arguments.
  for (const auto& [keep, rec] : heapArgs_) {
    llvm::Value* p = b_.CreateLoad(i8p(), keep);
    b_.CreateCall(rt("fnd_record_destroy"), {b_.CreateBitCast(rec->desc, i8p()), p});
    b_.CreateCall(rt("free"), {p});
  }
  b_.CreateRet(status);
}

}  // namespace fnd::backend::llvmgen
