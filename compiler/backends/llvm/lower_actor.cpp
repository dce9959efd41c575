// Actors: a state record (params, then states), an fnd_actor_class whose callbacks are generated
// here (init copies the start arguments, start runs the state initializers, arms the `every` timers
// and runs `on start`, receive dispatches every message on the envelope's class with the C ABI's
// fixed layout and passes the rest back through fnd_msg_deliver to message_data, which dispatches
// on the fnd_type pointer the runtime hands it with the payload and handles downs and exits,
// destroy releases the state), and one function per handler (ctx, state, msg, payload).
#include "backends/llvm/lowering.hpp"

namespace fnd::backend::llvmgen {

ActorInfo& Lowering::actorInfo(const ActorDecl* a) {
  if (auto it = actors_.find(a); it != actors_.end()) return *it->second;
  if (auto it = actorErrors_.find(a); it != actorErrors_.end()) throw it->second;  // reported once, where it is
  auto info = std::make_unique<ActorInfo>();
  info->decl = a;
  if (a->isExtern) {
    // Implemented in C++: the glue's factory builds it from the args record (glue.cpp).
    std::vector<std::pair<std::string, const Type*>> params;
    try {
      for (const auto& p : a->params) {
        checkSupportedType(p->type, p->range);
        params.emplace_back(p->name.name, p->type);
      }
    } catch (const Unsupported& u) {
      actorErrors_.emplace(a, u);
      throw;
    }
    info->args = makeRecord("args." + a->name.name, params);
    const std::string index = std::to_string(glue_.actors.size());
    info->make = llvm::Function::Create(llvm::FunctionType::get(i8p(), {i8p()}, false),
                                        llvm::GlobalValue::ExternalLinkage, "fnd_glue_make_" + index, mod_);
    glue_.actors.push_back({a, offsets(info->args)});
    return *actors_.emplace(a, std::move(info)).first->second;
  }
  std::vector<std::pair<std::string, const Type*>> params, all;
  try {
    for (const auto& p : a->params) {
      checkSupportedType(p->type, p->range);
      params.emplace_back(p->name.name, p->type);
    }
    all = params;
    for (const auto& s : a->states) {
      checkSupportedType(s->type, s->range);
      all.emplace_back(s->name.name, s->type);
    }
  } catch (const Unsupported& u) {
    actorErrors_.emplace(a, u);
    throw;
  }
  info->args = makeRecord("args." + a->name.name, params);
  info->state = makeRecord("state." + a->name.name, all);
  // The class and init are defined by lowerActor; declared now so spawn sites can refer to them.
  info->cls = new llvm::GlobalVariable(mod_, classTy_, true, llvm::GlobalValue::PrivateLinkage, nullptr,
                                       "class." + a->name.name);
  info->init = llvm::Function::Create(llvm::FunctionType::get(b_.getInt32Ty(), {i8p(), i8p()}, false),
                                      llvm::GlobalValue::PrivateLinkage, a->name.name + ".init", mod_);
  return *actors_.emplace(a, std::move(info)).first->second;
}

// The runtime never passes NULL for these parameters (fnd/runtime.h): saying so lets the optimizer
// drop the null tests of the inlined runtime paths.
void Lowering::markNonNull(llvm::Function* fn, std::initializer_list<unsigned> params) {
  for (unsigned i : params) fn->addParamAttr(i, llvm::Attribute::NonNull);
}

llvm::Function* Lowering::lowerHandler(ActorInfo& info, const HandlerDecl* h, const std::string& fnName,
                                       const std::string& kind) {
  auto* fnTy = llvm::FunctionType::get(b_.getVoidTy(), {i8p(), i8p(), i8p(), i8p()}, false);
  auto* fn = llvm::Function::Create(fnTy, llvm::GlobalValue::PrivateLinkage, fnName, mod_);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  markNonNull(fn, {0, 1});  // ctx and state (the runtime's sender_of then folds its null test)
  f_ = FnState{};
  f_.fn = fn;
  f_.actor = &info;
  b_.SetCurrentDebugLocation(llvm::DebugLoc());
  f_.ctx = fn->getArg(0);
  f_.ctx->setName("ctx");
  f_.msg = fn->getArg(2);
  f_.msg->setName("msg");
  fn->getArg(3)->setName("data");
  auto* entry = llvm::BasicBlock::Create(ctx_, "entry", fn);
  auto* body = llvm::BasicBlock::Create(ctx_, "body", fn);
  f_.exit = llvm::BasicBlock::Create(ctx_, "exit", fn);
  b_.SetInsertPoint(entry);
  b_.CreateBr(body);
  b_.SetInsertPoint(body);
  if (h) debugFunction(fn, h->range);
  else debugFunction(fn, info.decl->name.range);
  f_.state = b_.CreateBitCast(fn->getArg(1), info.state.type->getPointerTo(), "state");

  if (kind == "start") {
    // State initializers in declaration order (they may use params, earlier states and self).
    for (const auto& s : info.decl->states) {
      if (!s->init) continue;
      debugLocation(s->range);
      const size_t mark = f_.temps.size();
      Val v = lowerExpr(*s->init);
      const unsigned idx = static_cast<unsigned>(info.decl->params.size() + s->index);
      assign(s->type, b_.CreateStructGEP(info.state.type, f_.state, idx), v);
      releaseTemps(mark);
    }
    if (info.decl->trapExit) b_.CreateCall(rt("fnd_trap_exit"), {f_.ctx, b_.getInt32(1)});
    // `every D`: a periodic timer to self carrying the timer's own tick type.
    size_t timer = 0;
    for (const auto& hd : info.decl->handlers) {
      if (hd->kind != HandlerKind::Every) continue;
      debugLocation(hd->range);
      llvm::Value* period = lowerCond(*hd->interval);
      // A literal is positive (E0302); a computed interval is checked as the actor starts.
      if (!hd->interval->is<DurationLit>())
        crashIfDynamic(b_.CreateICmpSLE(period, b_.getInt64(0)),
                       {"timer interval ", Val{period, hd->interval->type}, " is not positive"});
      llvm::Value* self = b_.CreateCall(rt("fnd_self"), {f_.ctx});
      b_.CreateCall(rt("fnd_send_every"), {f_.ctx, period, self, b_.CreateBitCast(info.tickTypes[timer], i8p()),
                                           llvm::ConstantPointerNull::get(i8p())});
      ++timer;
    }
  }
  if (h && (h->kind == HandlerKind::Down || h->kind == HandlerKind::Exit)) {
    // who and reason: owned values in slots, released at the exit.
    llvm::Value* who = slotFor(h->params[0]->type, h->params[0]->name.name);
    llvm::Value* why = slotFor(h->params[1]->type, h->params[1]->name.name);
    f_.locals[h->params[0].get()] = who;
    f_.locals[h->params[1].get()] = why;
    llvm::Value* whoP = b_.CreateBitCast(who, i8p());
    llvm::Value* whyP = b_.CreateBitCast(why, i8p());
    if (h->kind == HandlerKind::Down) b_.CreateCall(rt("fnd_msg_down"), {monitorsSlot(), f_.msg, whoP, whyP});
    else b_.CreateCall(rt("fnd_msg_exit"), {f_.msg, whoP, whyP});
  }
  if (h && h->kind == HandlerKind::Message && !h->params.empty()) {
    f_.locals[h->params[0].get()] =
        b_.CreateBitCast(fn->getArg(3), messageLayout(h->message).type->getPointerTo(), h->params[0]->name.name);
  }
  lowerProtectEnter(h);  // lower_services.cpp
  if (h) lowerBlock(*h->body);
  b_.CreateBr(f_.exit);
  b_.SetInsertPoint(f_.exit);
  lowerProtectExit(h);
  for (auto it = f_.slots.rbegin(); it != f_.slots.rend(); ++it) release(it->first, it->second, true);
  b_.CreateRetVoid();
  return fn;
}

// A handler that calls out (the runtime, a helper) keeps a function of its own, which the dispatcher
// tail-calls: the dispatcher and the leaf handlers inlined into it then need no stack frame (LLVM
// cannot shrink-wrap a frame that only some of several exits need, so one handler that sends would
// otherwise make every message, `count = count + 1` too, push and pop registers).
static bool callsOut(const llvm::Function& fn) {
  for (const auto& bb : fn)
    for (const auto& i : bb)
      if (const auto* call = llvm::dyn_cast<llvm::CallBase>(&i)) {
        const llvm::Function* callee = call->getCalledFunction();
        if (!callee || !callee->isIntrinsic()) return true;
      }
  return false;
}

// The actor's monitor table lives in the runtime's C actor (fnd_ctx_monitors), not in the state:
// an actor that never monitors pays nothing for it.
llvm::Value* Lowering::monitorsSlot() { return b_.CreateCall(rt("fnd_ctx_monitors"), {f_.ctx}); }

void Lowering::lowerActor(const ActorDecl& a) {
  ActorInfo& info = actorInfo(&a);
  for (const auto& h : a.handlers) {
    if (h->kind == HandlerKind::Every)
      info.tickTypes.push_back(makeFndType(a.name.name + ".every" + std::to_string(info.tickTypes.size()), nullptr));
  }
  const std::string base = a.name.name;

  // init(state, arg): zero the state, copy the params from the start arguments.
  llvm::Function* init = info.init;
  {
    f_ = FnState{};
    f_.fn = init;
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", init));
    b_.SetCurrentDebugLocation(llvm::DebugLoc());
    llvm::Value* st = b_.CreateBitCast(init->getArg(0), info.state.type->getPointerTo());
    llvm::Value* args = b_.CreateBitCast(init->getArg(1), info.args.type->getPointerTo());
    b_.CreateStore(llvm::Constant::getNullValue(info.state.type), st);
    for (size_t i = 0; i < a.params.size(); ++i) {
      const Type* t = a.params[i]->type;
      Val v{load(t, b_.CreateStructGEP(info.args.type, args, static_cast<unsigned>(i))), t};
      storeNew(t, b_.CreateStructGEP(info.state.type, st, static_cast<unsigned>(i)), v);
    }
    b_.CreateRet(b_.getInt32(0));
  }

  const HandlerDecl* startH = nullptr;
  for (const auto& h : a.handlers)
    if (h->kind == HandlerKind::Start) startH = h.get();
  llvm::Function* start = lowerHandler(info, startH, base + ".on_start", "start");

  std::vector<std::pair<llvm::GlobalVariable*, llvm::Function*>> dispatch;
  llvm::Function* downFn = nullptr;
  llvm::Function* exitFn = nullptr;
  size_t timer = 0;
  for (const auto& h : a.handlers) {
    if (h->kind == HandlerKind::Down) downFn = lowerHandler(info, h.get(), base + ".on_down", "down");
    if (h->kind == HandlerKind::Exit) exitFn = lowerHandler(info, h.get(), base + ".on_exit", "exit");
    if (h->kind == HandlerKind::Message)
      dispatch.emplace_back(messageType(h->message), lowerHandler(info, h.get(), base + ".on_" + h->message->name.name, "message"));
    else if (h->kind == HandlerKind::Every) {
      dispatch.emplace_back(info.tickTypes[timer], lowerHandler(info, h.get(), base + ".every" + std::to_string(timer), "every"));
      ++timer;
    }
  }

  // message_data(ctx, state, msg, type, payload): dispatch on the message's fnd_type; others are
  // discarded.
  auto* hTy = llvm::FunctionType::get(b_.getVoidTy(), {i8p(), i8p(), i8p(), i8p(), i8p()}, false);
  auto* msgFn = llvm::Function::Create(hTy, llvm::GlobalValue::PrivateLinkage, base + ".message", mod_);
  markNonNull(msgFn, {0, 1, 2});  // ctx, state, msg
  {
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", msgFn));
    b_.SetCurrentDebugLocation(llvm::DebugLoc());
    llvm::Value* type = msgFn->getArg(3);
    llvm::Value* data = msgFn->getArg(4);
    for (auto& [ty, fn] : dispatch) {
      auto* yes = llvm::BasicBlock::Create(ctx_, "handle", msgFn);
      auto* no = llvm::BasicBlock::Create(ctx_, "next", msgFn);
      b_.CreateCondBr(b_.CreateICmpEQ(type, b_.CreateBitCast(ty, i8p())), yes, no);
      b_.SetInsertPoint(yes);
      if (callsOut(*fn)) fn->addFnAttr(llvm::Attribute::NoInline);
      b_.CreateCall(fn, {msgFn->getArg(0), msgFn->getArg(1), msgFn->getArg(2), data})->setTailCall();
      b_.CreateRetVoid();
      b_.SetInsertPoint(no);
    }
    llvm::Value* null = llvm::ConstantPointerNull::get(i8p());
    for (auto [fn, isDown] : {std::pair{downFn, true}, std::pair{exitFn, false}}) {
      if (!fn) continue;
      llvm::Value* is = isDown ? b_.CreateCall(rt("fnd_msg_is_down"), {msgFn->getArg(2), null, null, null})
                               : b_.CreateCall(rt("fnd_msg_is_exit"), {msgFn->getArg(2), null, null});
      auto* yes = llvm::BasicBlock::Create(ctx_, isDown ? "down" : "exit", msgFn);
      auto* no = llvm::BasicBlock::Create(ctx_, "next", msgFn);
      b_.CreateCondBr(b_.CreateICmpNE(is, b_.getInt32(0)), yes, no);
      b_.SetInsertPoint(yes);
      b_.CreateCall(fn, {msgFn->getArg(0), msgFn->getArg(1), msgFn->getArg(2), data})->setTailCall();
      b_.CreateRetVoid();
      b_.SetInsertPoint(no);
    }
    b_.CreateRetVoid();
  }

  llvm::Constant* null = llvm::ConstantPointerNull::get(i8p());
  llvm::Constant* receive = dispatch.empty() ? null : llvm::ConstantExpr::getBitCast(lowerReceive(base, dispatch), i8p());
  llvm::Constant* destroy = null;
  {
    auto* dTy = llvm::FunctionType::get(b_.getVoidTy(), {i8p()}, false);
    auto* d = llvm::Function::Create(dTy, llvm::GlobalValue::PrivateLinkage, base + ".destroy", mod_);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", d));
    b_.SetCurrentDebugLocation(llvm::DebugLoc());
    llvm::Value* st = b_.CreateBitCast(d->getArg(0), info.state.type->getPointerTo());
    destroyFields(info.state, st);
    b_.CreateRetVoid();
    destroy = llvm::ConstantExpr::getBitCast(d, i8p());
  }
  const llvm::StructLayout* sl = mod_.getDataLayout().getStructLayout(info.state.type);
  info.cls->setInitializer(llvm::ConstantStruct::get(
      classTy_, {cstr(a.name.name), b_.getInt64(sl->getSizeInBytes()), b_.getInt64(sl->getAlignment().value()),
                 llvm::ConstantExpr::getBitCast(init, i8p()), llvm::ConstantExpr::getBitCast(start, i8p()),
                 null, null, destroy, llvm::ConstantExpr::getBitCast(msgFn, i8p()), receive}));
}

// receive(ctx, msg): the same dispatch as message_data, on the envelope's class, with the state and
// the payload at the constant offsets of the C ABI (fnd/runtime.h), so that the runtime reaches a
// handler with one indirect jump and the dispatch loads only the class and the classes it compares.
// Anything else (exits, downs, extern actors' replies) goes back to the runtime, which hands it to
// message_data.
llvm::Function* Lowering::lowerReceive(const std::string& base,
                                       const std::vector<std::pair<llvm::GlobalVariable*, llvm::Function*>>& dispatch) {
  auto* ty = llvm::FunctionType::get(b_.getVoidTy(), {i8p(), i8p()}, false);
  auto* fn = llvm::Function::Create(ty, llvm::GlobalValue::PrivateLinkage, base + ".receive", mod_);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  markNonNull(fn, {0, 1});  // ctx, msg
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn));
  b_.SetCurrentDebugLocation(llvm::DebugLoc());
  llvm::Value* ctx = fn->getArg(0);
  llvm::Value* msg = fn->getArg(1);
  llvm::Value* state = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), ctx, FND_CTX_STATE_OFFSET_AT_BUILD, "state");
  llvm::Value* clsSlot = b_.CreateBitCast(
      b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), msg, FND_MSG_CLASS_OFFSET_AT_BUILD), i8p()->getPointerTo());
  llvm::Value* cls = b_.CreateLoad(i8p(), clsSlot, "class");
  for (auto& [type, handler] : dispatch) {
    auto* yes = llvm::BasicBlock::Create(ctx_, "handle", fn);
    auto* no = llvm::BasicBlock::Create(ctx_, "next", fn);
    b_.CreateCondBr(b_.CreateICmpEQ(cls, classOf(type)), yes, no);
    b_.SetInsertPoint(yes);
    // The payload follows the header, rounded up to the type's alignment (0: max_align_t's).
    const auto* desc = llvm::cast<llvm::ConstantStruct>(type->getInitializer());
    uint64_t align = llvm::cast<llvm::ConstantInt>(desc->getOperand(2))->getZExtValue();
    if (align == 0) align = alignof(std::max_align_t);
    const uint64_t header = (FND_MSG_HEADER_AT_BUILD + align - 1) & ~(align - 1);
    llvm::Value* payload = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), msg, header, "payload");
    b_.CreateCall(handler, {ctx, state, msg, payload})->setTailCall();
    b_.CreateRetVoid();
    b_.SetInsertPoint(no);
  }
  b_.CreateCall(rt("fnd_msg_deliver"), {ctx, msg})->setTailCall();
  b_.CreateRetVoid();
  return fn;
}

}  // namespace fnd::backend::llvmgen
