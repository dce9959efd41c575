// Expressions: scalars as SSA values, strings/refs as owned-or-borrowed handles, messages as
// pointers to records. Temporaries are released at the end of their full expression.
#include "ast/expr_walk.hpp"
#include "backends/llvm/lowering.hpp"

#include <llvm/IR/MDBuilder.h>

namespace fnd::backend::llvmgen {

static llvm::AllocaInst* entryAlloca(llvm::IRBuilder<>& b, llvm::Function* f, llvm::Type* t, const std::string& name) {
  llvm::IRBuilder<> e(&f->getEntryBlock(), f->getEntryBlock().begin());
  e.SetCurrentDebugLocation(llvm::DebugLoc());  // allocas belong to no statement
  return e.CreateAlloca(t, nullptr, name);
}

llvm::Value* Lowering::slotFor(const Type* t, const std::string& name) {
  llvm::Type* mt = memType(t);
  llvm::AllocaInst* a = entryAlloca(b_, f_.fn, mt, name);
  // Zeroed in the entry block, so the exit block may release it on every path.
  llvm::IRBuilder<> z(&f_.fn->getEntryBlock());
  if (auto* term = f_.fn->getEntryBlock().getTerminator()) z.SetInsertPoint(term);
  z.CreateStore(llvm::Constant::getNullValue(mt), a);
  f_.slots.emplace_back(t, a);
  return a;
}

llvm::Value* Lowering::load(const Type* t, llvm::Value* ptr) {
  if (t->kind == TypeKind::Message) return ptr;
  llvm::Value* v = b_.CreateLoad(memType(t), ptr);
  if (t->kind == TypeKind::Bool) v = b_.CreateICmpNE(v, b_.getInt8(0));
  return v;
}

void Lowering::storeNew(const Type* t, llvm::Value* ptr, const Val& v) {
  switch (t->kind) {
    case TypeKind::Message: {
      copyFields(messageLayout(t->message), ptr, v.v);
      return;
    }
    case TypeKind::Bool: b_.CreateStore(b_.CreateZExt(v.v, b_.getInt8Ty()), ptr); return;
    case TypeKind::String: b_.CreateStore(b_.CreateCall(rt("fnd_str_retain"), {v.v}), ptr); return;
    case TypeKind::Bytes: b_.CreateStore(b_.CreateCall(rt("fnd_bytes_retain"), {v.v}), ptr); return;
    case TypeKind::Ref:
      refRetain(v.v);
      b_.CreateStore(v.v, ptr);
      return;
    case TypeKind::List: b_.CreateStore(b_.CreateCall(rt("fnd_list_retain"), {v.v}), ptr); return;
    case TypeKind::Map: b_.CreateStore(b_.CreateCall(rt("fnd_map_retain"), {v.v}), ptr); return;
    default: b_.CreateStore(v.v, ptr); return;
  }
}

void Lowering::release(const Type* t, llvm::Value* p, bool isPtr) {
  switch (t->kind) {
    case TypeKind::String:
      b_.CreateCall(rt("fnd_str_release"), {isPtr ? b_.CreateLoad(i8p(), p) : p});
      return;
    case TypeKind::Ref: refRelease(isPtr ? b_.CreateLoad(i8p(), p) : p); return;
    case TypeKind::Bytes:
      b_.CreateCall(rt("fnd_bytes_release"), {isPtr ? b_.CreateLoad(i8p(), p) : p});
      return;
    case TypeKind::List:
      b_.CreateCall(rt("fnd_list_release"), {isPtr ? b_.CreateLoad(i8p(), p) : p});
      return;
    case TypeKind::Map:
      b_.CreateCall(rt("fnd_map_release"), {isPtr ? b_.CreateLoad(i8p(), p) : p});
      return;
    case TypeKind::Message: destroyFields(messageLayout(t->message), p); return;
    default: return;
  }
}

llvm::Function* Lowering::refHelper(bool retain) {
  llvm::Function*& fn = retain ? refRetainFn_ : refReleaseFn_;
  if (fn) return fn;
  fn = llvm::Function::Create(llvm::FunctionType::get(b_.getVoidTy(), {i8p()}, false), llvm::GlobalValue::PrivateLinkage,
                              retain ? "fnd.ref_retain" : "fnd.ref_release", mod_);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  auto saved = b_.saveIP();
  const llvm::DebugLoc savedLoc = b_.getCurrentDebugLocation();
  b_.SetCurrentDebugLocation(llvm::DebugLoc());
  llvm::Value* r = fn->getArg(0);
  auto* entry = llvm::BasicBlock::Create(ctx_, "entry", fn);
  auto* count = llvm::BasicBlock::Create(ctx_, "count", fn);
  auto* done = llvm::BasicBlock::Create(ctx_, "done", fn);
  b_.SetInsertPoint(entry);
  b_.CreateCondBr(b_.CreateIsNull(r), done, count);
  b_.SetInsertPoint(count);
  // The 32-bit count at the start of the object, the low bit (a pid's tag) cleared.
  llvm::Value* addr = b_.CreateAnd(b_.CreatePtrToInt(r, b_.getInt64Ty()), b_.getInt64(~uint64_t{1}));
  llvm::Value* rc = b_.CreateIntToPtr(addr, b_.getInt32Ty()->getPointerTo());
  if (retain) {
    b_.CreateAtomicRMW(llvm::AtomicRMWInst::Add, rc, b_.getInt32(1), llvm::MaybeAlign(4), llvm::AtomicOrdering::Monotonic);
    b_.CreateBr(done);
  } else {
    llvm::Value* old = b_.CreateAtomicRMW(llvm::AtomicRMWInst::Sub, rc, b_.getInt32(1), llvm::MaybeAlign(4),
                                          llvm::AtomicOrdering::AcquireRelease);
    auto* last = llvm::BasicBlock::Create(ctx_, "last", fn);
    b_.CreateCondBr(b_.CreateICmpEQ(old, b_.getInt32(1)), last, done);
    b_.SetInsertPoint(last);
    b_.CreateCall(rt("fnd_ref_release_last"), {r});
    b_.CreateBr(done);
  }
  b_.SetInsertPoint(done);
  b_.CreateRetVoid();
  b_.restoreIP(saved);
  b_.SetCurrentDebugLocation(savedLoc);
  return fn;
}

void Lowering::refRetain(llvm::Value* r) { b_.CreateCall(refHelper(true), {r}); }
void Lowering::refRelease(llvm::Value* r) { b_.CreateCall(refHelper(false), {r}); }

// A pid handle is a ref once its low bit is set (fnd/runtime_values.h): the ref holds the pid's count.
llvm::Value* Lowering::pidRef(llvm::Value* pid, bool maybeNull) {
  llvm::Value* tagged = b_.CreateGEP(b_.getInt8Ty(), pid, b_.getInt64(1));
  if (!maybeNull) return tagged;
  return b_.CreateSelect(b_.CreateIsNull(pid), llvm::ConstantPointerNull::get(i8p()), tagged);
}

void Lowering::storeMessage(const Val& m, llvm::Value* dst) {
  const RecordLayout& r = messageLayout(m.type->message);
  const uint64_t size = mod_.getDataLayout().getTypeAllocSize(r.type);
  if (stealTemp(m)) {  // moved: its fields' counts go with the bytes
    if (size) b_.CreateMemCpy(dst, llvm::MaybeAlign(), m.v, llvm::MaybeAlign(), size);
    return;
  }
  storeNew(m.type, dst, m);
}

// Records are copied and destroyed field by field in the generated code (a memcpy, then one
// retain/release per counted field) rather than by the runtime's descriptor walk
// (fnd_record_copy/destroy): the common records have one or two counted fields, or none.
static bool needsCare(const Type* t, bool counted, bool trivialMessage) {
  return counted || (t->kind == TypeKind::Message && !trivialMessage);
}

void Lowering::copyFields(const RecordLayout& r, llvm::Value* dst, llvm::Value* src) {
  dst = b_.CreateBitCast(dst, r.type->getPointerTo());
  src = b_.CreateBitCast(src, r.type->getPointerTo());
  const uint64_t size = mod_.getDataLayout().getTypeAllocSize(r.type);
  if (size) b_.CreateMemCpy(dst, llvm::MaybeAlign(), src, llvm::MaybeAlign(), size);
  if (r.trivial) return;
  for (unsigned i = 0; i < r.fieldTypes.size(); ++i) {
    const Type* ft = r.fieldTypes[i];
    const bool msg = ft->kind == TypeKind::Message;
    if (!needsCare(ft, isCounted(ft), msg && messageLayout(ft->message).trivial)) continue;
    if (msg) {
      copyFields(messageLayout(ft->message), b_.CreateStructGEP(r.type, dst, i), b_.CreateStructGEP(r.type, src, i));
      continue;
    }
    llvm::Value* at = b_.CreateStructGEP(r.type, dst, i);
    storeNew(ft, at, {b_.CreateLoad(i8p(), at), ft});  // the memcpy'd handle, retained
  }
}

void Lowering::destroyFields(const RecordLayout& r, llvm::Value* p) {
  if (r.trivial) return;
  p = b_.CreateBitCast(p, r.type->getPointerTo());
  for (unsigned i = 0; i < r.fieldTypes.size(); ++i) {
    const Type* ft = r.fieldTypes[i];
    const bool msg = ft->kind == TypeKind::Message;
    if (needsCare(ft, isCounted(ft), msg && messageLayout(ft->message).trivial))
      release(ft, b_.CreateStructGEP(r.type, p, i), true);
  }
}

// An owned temporary handed over to whoever stores it (no retain here, no release at the end of
// the full expression); false when v is not one of the pending temporaries.
bool Lowering::stealTemp(const Val& v) {
  for (size_t i = f_.temps.size(); i-- > 0;) {
    if (f_.temps[i].v == v.v) {
      f_.temps.erase(f_.temps.begin() + static_cast<long>(i));
      return true;
    }
  }
  return false;
}

void Lowering::storeOwned(const Type* t, llvm::Value* ptr, const Val& v) {
  if (isCounted(t) && stealTemp(v)) b_.CreateStore(v.v, ptr);
  else storeNew(t, ptr, v);
}

void Lowering::assign(const Type* t, llvm::Value* ptr, const Val& v) {
  if (t->kind == TypeKind::Message) {
    // Copy first (the value may alias the place), then destroy the old value and move the copy in.
    const RecordLayout& r = messageLayout(t->message);
    llvm::Value* tmp = entryAlloca(b_, f_.fn, r.type, "assign.tmp");
    storeNew(t, tmp, v);
    release(t, ptr, true);
    const uint64_t size = mod_.getDataLayout().getTypeAllocSize(r.type);
    b_.CreateMemCpy(ptr, llvm::MaybeAlign(), tmp, llvm::MaybeAlign(), size);
    return;
  }
  if (isCounted(t)) {
    llvm::Value* old = b_.CreateLoad(i8p(), ptr);
    storeOwned(t, ptr, v);
    release(t, old, false);
    return;
  }
  storeNew(t, ptr, v);
}

void Lowering::addTemp(const Val& v) { f_.temps.push_back(v); }

// The receiver is evaluated before the operands after it (docs/language.md 8.1): `ys.contains(ys.pop())`
// asks the list as it was. A list or map is shared with its variable until it changes (copy on
// write), so when a later operand can change one, the receiver is retained here (released with
// the statement's temporaries) and that change copies instead of showing through.
Val Lowering::lowerReceiver(const Expr& base, std::initializer_list<const Expr*> later) {
  Val v = lowerExpr(base);
  const TypeKind k = v.type ? v.type->kind : TypeKind::Error;
  if (k != TypeKind::List && k != TypeKind::Map) return v;
  bool changes = false;
  for (const Expr* e : later) changes = changes || ast::anySubexpr(e, ast::isMutatingMethodCall);
  if (!changes) return v;
  Val owned{b_.CreateCall(rt(k == TypeKind::List ? "fnd_list_retain" : "fnd_map_retain"), {v.v}), v.type};
  addTemp(owned);
  return owned;
}

void Lowering::releaseTemps(size_t mark) {
  while (f_.temps.size() > mark) {
    Val v = f_.temps.back();
    f_.temps.pop_back();
    release(v.type, v.v, v.type->kind == TypeKind::Message);
  }
}

llvm::Value* Lowering::ownedMessage(const Val& v) {
  for (size_t i = 0; i < f_.temps.size(); ++i) {
    if (f_.temps[i].v == v.v) {  // a temporary: steal it
      f_.temps.erase(f_.temps.begin() + static_cast<long>(i));
      return v.v;
    }
  }
  llvm::Value* copy = entryAlloca(b_, f_.fn, messageLayout(v.type->message).type, "msg.copy");
  storeNew(v.type, copy, v);
  return copy;
}

void Lowering::crashIf(llvm::Value* cond, const std::string& message) {
  // A check that cannot fail (constant operands: `7 / 2` in a parameter's default) needs no crash path.
  if (auto* k = llvm::dyn_cast<llvm::ConstantInt>(cond); k && k->isZero()) return;
  if (!f_.exit) throw Unsupported{loweringRange_, "a checked operation that can fail outside a handler"};
  auto* crashBB = llvm::BasicBlock::Create(ctx_, "crash", f_.fn);
  auto* okBB = llvm::BasicBlock::Create(ctx_, "ok", f_.fn);
  b_.CreateCondBr(cond, crashBB, okBB, llvm::MDBuilder(ctx_).createBranchWeights(1, 1000));
  b_.SetInsertPoint(crashBB);
  b_.CreateCall(rt("fnd_crash_text"), {f_.ctx, cstr(message)});
  for (auto it = f_.temps.rbegin(); it != f_.temps.rend(); ++it) release(it->type, it->v, it->type->kind == TypeKind::Message);
  b_.CreateBr(f_.exit);
  b_.SetInsertPoint(okBB);
}

void Lowering::crashIfDynamic(llvm::Value* cond, const std::vector<CrashPart>& parts) {
  if (auto* k = llvm::dyn_cast<llvm::ConstantInt>(cond); k && k->isZero()) return;
  if (!f_.exit) throw Unsupported{loweringRange_, "a checked operation that can fail outside a handler"};
  auto* crashBB = llvm::BasicBlock::Create(ctx_, "crash", f_.fn);
  auto* okBB = llvm::BasicBlock::Create(ctx_, "ok", f_.fn);
  b_.CreateCondBr(cond, crashBB, okBB, llvm::MDBuilder(ctx_).createBranchWeights(1, 1000));
  b_.SetInsertPoint(crashBB);
  std::vector<llvm::Value*> args{f_.ctx};
  for (const CrashPart& p : parts) {
    if (p.lenOfList) args.push_back(p.lenOfList);
    else if (p.value.v) args.push_back(p.value.v);
  }
  b_.CreateCall(crashFunction(parts, args), args);
  for (auto it = f_.temps.rbegin(); it != f_.temps.rend(); ++it) release(it->type, it->v, it->type->kind == TypeKind::Message);
  b_.CreateBr(f_.exit);
  b_.SetInsertPoint(okBB);
}

// The message of a failed check built from the values at hand, in a cold function of its own (one
// per site), so that the handler's common path spends no registers, stack or code on it: a list
// index check inlined in the handler made it save every callee-saved register.
llvm::Function* Lowering::crashFunction(const std::vector<CrashPart>& parts, const std::vector<llvm::Value*>& args) {
  std::vector<llvm::Type*> types;
  for (llvm::Value* a : args) types.push_back(a->getType());
  auto* fn = llvm::Function::Create(llvm::FunctionType::get(b_.getVoidTy(), types, false),
                                    llvm::GlobalValue::PrivateLinkage, f_.fn->getName() + ".crash", mod_);
  fn->addFnAttr(llvm::Attribute::Cold);
  fn->addFnAttr(llvm::Attribute::NoInline);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  llvm::IRBuilderBase::InsertPoint saved = b_.saveIP();
  const llvm::DebugLoc savedLoc = b_.getCurrentDebugLocation();
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn));
  b_.SetCurrentDebugLocation(llvm::DebugLoc());  // no subprogram of its own
  auto* arrTy = llvm::ArrayType::get(i8p(), parts.size());
  llvm::Value* arr = b_.CreateAlloca(arrTy, nullptr, "crash.parts");
  std::vector<llvm::Value*> owned;
  unsigned arg = 1;  // 0 is the ctx
  for (size_t i = 0; i < parts.size(); ++i) {
    llvm::Value* p;
    if (parts[i].lenOfList) {
      p = b_.CreateCall(rt("fnd_fmt_int"), {b_.CreateCall(rt("fnd_list_len"), {fn->getArg(arg++)})});
    } else if (parts[i].value.v) {
      p = format(Val{fn->getArg(arg++), parts[i].value.type});
    } else {
      p = b_.CreateCall(rt("fnd_str_new"), {cstr(parts[i].text), b_.getInt64(parts[i].text.size())});
    }
    owned.push_back(p);
    b_.CreateStore(p, b_.CreateConstInBoundsGEP2_32(arrTy, arr, 0, static_cast<unsigned>(i)));
  }
  llvm::Value* text = b_.CreateCall(rt("fnd_str_concat"), {b_.CreateBitCast(arr, i8p()), b_.getInt64(parts.size())});
  b_.CreateCall(rt("fnd_crash_text_str"), {fn->getArg(0), text});  // whole: a key may hold NUL bytes
  b_.CreateCall(rt("fnd_str_release"), {text});
  for (llvm::Value* p : owned) b_.CreateCall(rt("fnd_str_release"), {p});
  b_.CreateRetVoid();
  b_.restoreIP(saved);
  b_.SetCurrentDebugLocation(savedLoc);
  return fn;
}

llvm::Value* Lowering::lowerCond(const Expr& e) {
  const size_t mark = f_.temps.size();
  llvm::Value* v = lowerExpr(e).v;
  releaseTemps(mark);
  return v;
}

llvm::Value* Lowering::format(const Val& v) {
  switch (v.type->kind) {
    case TypeKind::Int: return b_.CreateCall(rt("fnd_fmt_int"), {v.v});
    case TypeKind::Float: return b_.CreateCall(rt("fnd_fmt_float"), {v.v});
    case TypeKind::Bool: return b_.CreateCall(rt("fnd_fmt_bool"), {b_.CreateZExt(v.v, b_.getInt32Ty())});
    case TypeKind::Duration: return b_.CreateCall(rt("fnd_fmt_duration"), {v.v});
    case TypeKind::String: return b_.CreateCall(rt("fnd_str_retain"), {v.v});
    case TypeKind::Ref: return b_.CreateCall(rt("fnd_fmt_ref"), {v.v});
    default: return llvm::ConstantPointerNull::get(i8p());
  }
}

Val Lowering::lowerString(const StringLit& s) {
  const Type* st = program_.types.stringType();
  if (s.parts.size() == 1 && !s.parts[0].expr) {
    const std::string& t = s.parts[0].text;
    Val v{b_.CreateCall(rt("fnd_str_new"), {cstr(t), b_.getInt64(t.size())}), st};
    addTemp(v);
    return v;
  }
  auto* arrTy = llvm::ArrayType::get(i8p(), s.parts.size());
  llvm::Value* arr = entryAlloca(b_, f_.fn, arrTy, "interp");
  std::vector<llvm::Value*> owned;
  for (size_t i = 0; i < s.parts.size(); ++i) {
    llvm::Value* part;
    if (s.parts[i].expr) {
      part = format(lowerExpr(*s.parts[i].expr));
    } else {
      part = b_.CreateCall(rt("fnd_str_new"), {cstr(s.parts[i].text), b_.getInt64(s.parts[i].text.size())});
    }
    owned.push_back(part);
    b_.CreateStore(part, b_.CreateConstInBoundsGEP2_32(arrTy, arr, 0, static_cast<unsigned>(i)));
  }
  llvm::Value* out = b_.CreateCall(rt("fnd_str_concat"), {b_.CreateBitCast(arr, i8p()), b_.getInt64(s.parts.size())});
  for (llvm::Value* p : owned) b_.CreateCall(rt("fnd_str_release"), {p});
  Val v{out, st};
  addTemp(v);
  return v;
}

Val Lowering::lowerMessageLit(const MessageLit& m) {
  const RecordLayout& r = messageLayout(m.decl);
  llvm::Value* mem = entryAlloca(b_, f_.fn, r.type, "msg." + m.decl->name.name);
  b_.CreateStore(llvm::Constant::getNullValue(r.type), mem);
  for (size_t i = 0; i < m.byField.size(); ++i) {
    if (!m.byField[i]) continue;
    Val fv = lowerExpr(*m.byField[i]);
    storeOwned(r.fieldTypes[i], b_.CreateStructGEP(r.type, mem, static_cast<unsigned>(i)), fv);
  }
  Val v{mem, m.type};
  addTemp(v);
  return v;
}

llvm::Value* Lowering::equal(const Val& a, const Val& b) {
  switch (a.type->kind) {
    case TypeKind::Float: return b_.CreateFCmpOEQ(a.v, b.v);
    case TypeKind::String: return b_.CreateICmpNE(b_.CreateCall(rt("fnd_str_equal"), {a.v, b.v}), b_.getInt32(0));
    case TypeKind::Bytes: return b_.CreateICmpNE(b_.CreateCall(rt("fnd_bytes_equal"), {a.v, b.v}), b_.getInt32(0));
    case TypeKind::Ref:
      if (f_.ctx) return b_.CreateICmpNE(b_.CreateCall(rt("fnd_ref_same"), {f_.ctx, a.v, b.v}), b_.getInt32(0));
      return b_.CreateICmpNE(b_.CreateCall(rt("fnd_ref_equal"), {a.v, b.v}), b_.getInt32(0));
    case TypeKind::List: return b_.CreateICmpNE(b_.CreateCall(rt("fnd_list_equal"), {a.v, b.v}), b_.getInt32(0));
    case TypeKind::Map: return b_.CreateICmpNE(b_.CreateCall(rt("fnd_map_equal"), {a.v, b.v}), b_.getInt32(0));
    case TypeKind::Message: {
      const RecordLayout& r = messageLayout(a.type->message);
      return b_.CreateICmpNE(b_.CreateCall(rt("fnd_record_equal"), {b_.CreateBitCast(r.desc, i8p()),
                                                                     b_.CreateBitCast(a.v, i8p()),
                                                                     b_.CreateBitCast(b.v, i8p())}),
                             b_.getInt32(0));
    }
    default: return b_.CreateICmpEQ(a.v, b.v);
  }
}

Val Lowering::lowerBinary(const BinaryExpr& e) {
  const Type* bt = program_.types.boolType();
  if (e.op == BinaryOp::And || e.op == BinaryOp::Or) {
    llvm::Value* lhs = lowerExpr(*e.lhs).v;
    llvm::BasicBlock* from = b_.GetInsertBlock();
    auto* rhsBB = llvm::BasicBlock::Create(ctx_, e.op == BinaryOp::And ? "and.rhs" : "or.rhs", f_.fn);
    auto* endBB = llvm::BasicBlock::Create(ctx_, "logic.end", f_.fn);
    if (e.op == BinaryOp::And) b_.CreateCondBr(lhs, rhsBB, endBB);
    else b_.CreateCondBr(lhs, endBB, rhsBB);
    b_.SetInsertPoint(rhsBB);
    llvm::Value* rhs = lowerCond(*e.rhs);  // its temporaries end inside the conditional block
    llvm::BasicBlock* rhsEnd = b_.GetInsertBlock();
    b_.CreateBr(endBB);
    b_.SetInsertPoint(endBB);
    auto* phi = b_.CreatePHI(b_.getInt1Ty(), 2);
    phi->addIncoming(b_.getInt1(e.op == BinaryOp::Or), from);
    phi->addIncoming(rhs, rhsEnd);
    return {phi, bt};
  }
  Val a = lowerExpr(*e.lhs);
  Val c = lowerExpr(*e.rhs);
  const TypeKind k = a.type->kind;
  auto cmp = [&](llvm::CmpInst::Predicate si, llvm::CmpInst::Predicate fl) -> Val {
    if (k == TypeKind::Float) return {b_.CreateFCmp(fl, a.v, c.v), bt};
    if (k == TypeKind::String) {
      llvm::Value* r = b_.CreateCall(rt("fnd_str_compare"), {a.v, c.v});
      return {b_.CreateICmp(si, r, b_.getInt32(0)), bt};
    }
    if (k == TypeKind::Bool) {  // false < true
      llvm::CmpInst::Predicate u = llvm::CmpInst::getUnsignedPredicate(si);
      return {b_.CreateICmp(u, a.v, c.v), bt};
    }
    return {b_.CreateICmp(si, a.v, c.v), bt};
  };
  switch (e.op) {
    case BinaryOp::Eq: return {equal(a, c), bt};
    case BinaryOp::Ne: return {b_.CreateNot(equal(a, c)), bt};
    case BinaryOp::Lt: return cmp(llvm::CmpInst::ICMP_SLT, llvm::CmpInst::FCMP_OLT);
    case BinaryOp::Le: return cmp(llvm::CmpInst::ICMP_SLE, llvm::CmpInst::FCMP_OLE);
    case BinaryOp::Gt: return cmp(llvm::CmpInst::ICMP_SGT, llvm::CmpInst::FCMP_OGT);
    case BinaryOp::Ge: return cmp(llvm::CmpInst::ICMP_SGE, llvm::CmpInst::FCMP_OGE);
    default: break;
  }
  if (k == TypeKind::Bytes && e.op == BinaryOp::Add) return bytesConcat(a, c);
  if (k == TypeKind::String && e.op == BinaryOp::Add) {
    auto* arrTy = llvm::ArrayType::get(i8p(), 2);
    llvm::Value* arr = entryAlloca(b_, f_.fn, arrTy, "cat");
    b_.CreateStore(a.v, b_.CreateConstInBoundsGEP2_32(arrTy, arr, 0, 0));
    b_.CreateStore(c.v, b_.CreateConstInBoundsGEP2_32(arrTy, arr, 0, 1));
    Val v{b_.CreateCall(rt("fnd_str_concat"), {b_.CreateBitCast(arr, i8p()), b_.getInt64(2)}), e.type};
    addTemp(v);
    return v;
  }
  if (k == TypeKind::Float) {
    switch (e.op) {
      case BinaryOp::Add: return {b_.CreateFAdd(a.v, c.v), e.type};
      case BinaryOp::Sub: return {b_.CreateFSub(a.v, c.v), e.type};
      case BinaryOp::Mul: return {b_.CreateFMul(a.v, c.v), e.type};
      case BinaryOp::Div: return {b_.CreateFDiv(a.v, c.v), e.type};
      case BinaryOp::Mod: return {b_.CreateFRem(a.v, c.v), e.type};
      default: break;
    }
  }
  if ((k == TypeKind::Int || k == TypeKind::Duration) && c.type->kind != TypeKind::Float) {
    // int and duration arithmetic wraps (two's complement): no nsw/nuw flags.
    switch (e.op) {
      case BinaryOp::Add: return {b_.CreateAdd(a.v, c.v), e.type};
      case BinaryOp::Sub: return {b_.CreateSub(a.v, c.v), e.type};
      case BinaryOp::Mul: return {b_.CreateMul(a.v, c.v), e.type};
      case BinaryOp::Div:
      case BinaryOp::Mod: {
        crashIf(b_.CreateICmpEQ(c.v, b_.getInt64(0)), "division by zero");
        // INT64_MIN / -1 wraps to INT64_MIN (remainder 0): divide by 1 / take 0 instead of trapping.
        llvm::Value* minusOne = b_.CreateICmpEQ(c.v, b_.getInt64(-1));
        llvm::Value* d = b_.CreateSelect(minusOne, b_.getInt64(1), c.v);
        if (e.op == BinaryOp::Mod) return {b_.CreateSelect(minusOne, b_.getInt64(0), b_.CreateSRem(a.v, d)), e.type};
        llvm::Value* q = b_.CreateSDiv(a.v, d);
        return {b_.CreateSelect(minusOne, b_.CreateSub(b_.getInt64(0), a.v), q), e.type};
      }
      case BinaryOp::BitAnd: return {b_.CreateAnd(a.v, c.v), e.type};
      case BinaryOp::BitOr: return {b_.CreateOr(a.v, c.v), e.type};
      case BinaryOp::BitXor: return {b_.CreateXor(a.v, c.v), e.type};
      case BinaryOp::Shl:
      case BinaryOp::Shr:
      case BinaryOp::UShr: {
        // A computed count outside 0..63 crashes the actor (constant ones are rejected by sema).
        if (!llvm::isa<llvm::ConstantInt>(c.v))
          crashIfDynamic(b_.CreateICmpUGT(c.v, b_.getInt64(63)), {"shift count ", c, " out of range 0..63"});
        if (e.op == BinaryOp::Shl) return {b_.CreateShl(a.v, c.v), e.type};
        if (e.op == BinaryOp::Shr) return {b_.CreateAShr(a.v, c.v), e.type};
        return {b_.CreateLShr(a.v, c.v), e.type};
      }
      default: break;
    }
  }
  throw Unsupported{e.opRange, std::string("operator ") + spelling(e.op) + " on " + a.type->str()};
}

Val Lowering::lowerCall(const CallExpr& c) {
  const Type* vt = program_.types.voidType();
  switch (c.builtin) {
    case Builtin::Print: {
      Val v = lowerExpr(*c.args[0]);
      llvm::Value* s = format(v);
      b_.CreateCall(rt("fnd_print"), {s});
      b_.CreateCall(rt("fnd_str_release"), {s});
      return {nullptr, vt};
    }
    case Builtin::Crash: {
      Val v = lowerExpr(*c.args[0]);
      b_.CreateCall(rt("fnd_crash_str"), {f_.ctx, v.v});
      endHandler();
      return {nullptr, vt};
    }
    case Builtin::Shutdown: {
      Val v = lowerExpr(*c.args[0]);
      b_.CreateCall(rt("fnd_shutdown"), {f_.ctx, b_.CreateTrunc(v.v, b_.getInt32Ty())});
      endHandler();
      return {nullptr, vt};
    }
    case Builtin::Abs: {
      Val v = lowerExpr(*c.args[0]);
      if (v.type->kind == TypeKind::Float)  // fabs: abs(-0.0) is 0.0, as the C++ back end's std::fabs
        return {b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, v.v), v.type};
      return {b_.CreateSelect(b_.CreateICmpSLT(v.v, b_.getInt64(0)), b_.CreateSub(b_.getInt64(0), v.v), v.v), v.type};
    }
    case Builtin::Min:
    case Builtin::Max: {
      Val a = lowerExpr(*c.args[0]);
      Val d = lowerExpr(*c.args[1]);
      // x < y as the operator `<` compares: strings bytewise (their handles are pointers).
      auto less = [&](llvm::Value* x, llvm::Value* y) -> llvm::Value* {
        if (a.type->kind == TypeKind::Float) return b_.CreateFCmpOLT(x, y);
        if (a.type->kind == TypeKind::String)
          return b_.CreateICmpSLT(b_.CreateCall(rt("fnd_str_compare"), {x, y}), b_.getInt32(0));
        return b_.CreateICmpSLT(x, y);
      };
      // std::min(a, b) is (b < a) ? b : a; std::max(a, b) is (a < b) ? b : a.
      if (c.builtin == Builtin::Min) return {b_.CreateSelect(less(d.v, a.v), d.v, a.v), a.type};
      return {b_.CreateSelect(less(a.v, d.v), d.v, a.v), a.type};
    }
    case Builtin::Link: {
      Val r = lowerExpr(*c.args[0]);
      llvm::Value* crashed = b_.CreateCall(rt("fnd_ref_link"), {f_.ctx, r.v});
      // Linking to nobody without trap_exit crashes the actor: the handler ends here.
      auto* endBB = llvm::BasicBlock::Create(ctx_, "link.crashed", f_.fn);
      auto* okBB = llvm::BasicBlock::Create(ctx_, "link.ok", f_.fn);
      b_.CreateCondBr(b_.CreateICmpNE(crashed, b_.getInt32(0)), endBB, okBB);
      b_.SetInsertPoint(endBB);
      for (auto it = f_.temps.rbegin(); it != f_.temps.rend(); ++it) release(it->type, it->v, it->type->kind == TypeKind::Message);
      b_.CreateBr(f_.exit);
      b_.SetInsertPoint(okBB);
      return {nullptr, vt};
    }
    case Builtin::Unlink: {
      Val r = lowerExpr(*c.args[0]);
      b_.CreateCall(rt("fnd_ref_unlink"), {f_.ctx, r.v});
      return {nullptr, vt};
    }
    case Builtin::Monitor:
    case Builtin::Demonitor: {
      Val r = lowerExpr(*c.args[0]);
      b_.CreateCall(rt(c.builtin == Builtin::Monitor ? "fnd_ref_monitor" : "fnd_ref_demonitor"),
                    {f_.ctx, monitorsSlot(), r.v});
      return {nullptr, vt};
    }
    case Builtin::Neighbors: {
      if (!f_.ctx) throw Unsupported{c.callee.range, "neighbors() outside a handler"};
      Val v{b_.CreateCall(rt("fnd_neighbors"), {f_.ctx}), c.type};
      addTemp(v);
      return v;
    }
    default: throw Unsupported{c.callee.range, c.callee.name + "(...)"};
  }
}

Val Lowering::lowerExpr(const Expr& e) {
  // The innermost expression being lowered: where a check that cannot be lowered is reported.
  struct Innermost {
    SourceRange& slot;
    SourceRange saved;
    ~Innermost() { slot = saved; }
  } innermost{loweringRange_, loweringRange_};
  loweringRange_ = e.range;
  switch (e.kind) {
    case ExprKind::IntLit: return {b_.getInt64(static_cast<uint64_t>(e.as<IntLit>().value)), e.type};
    case ExprKind::FloatLit: return {llvm::ConstantFP::get(b_.getDoubleTy(), e.as<FloatLit>().value), e.type};
    case ExprKind::BoolLit: return {b_.getInt1(e.as<BoolLit>().value), e.type};
    case ExprKind::DurationLit: return {b_.getInt64(static_cast<uint64_t>(e.as<DurationLit>().millis)), e.type};
    case ExprKind::StringLit: return lowerString(e.as<StringLit>());
    case ExprKind::Name: {
      const auto& n = e.as<NameExpr>();
      checkSupportedType(e.type, e.range);
      if (n.ref == NameRef::Local) return {load(e.type, f_.locals.at(n.local)), e.type};
      if (n.ref == NameRef::Param || n.ref == NameRef::State) return {load(e.type, placeAddr(e)), e.type};
      if (n.ref == NameRef::Role) return lowerRoleName(n);
      throw Unsupported{e.range, n.name.name};
    }
    // Borrowed (the actor's own pid, the message's sender: both outlive the handler): storing
    // one retains it, as any other borrowed ref.
    case ExprKind::Self: return {pidRef(b_.CreateCall(rt("fnd_self"), {f_.ctx}), false), e.type};
    case ExprKind::Sender: return {pidRef(b_.CreateCall(rt("fnd_msg_sender"), {f_.msg}), true), e.type};
    case ExprKind::Field: {
      const auto& fe = e.as<FieldExpr>();
      checkSupportedType(e.type, e.range);
      Val base = lowerExpr(*fe.base);
      const RecordLayout& r = messageLayout(base.type->message);
      return {load(e.type, b_.CreateStructGEP(r.type, base.v, fe.decl->index)), e.type};
    }
    case ExprKind::Unary: {
      const auto& u = e.as<UnaryExpr>();
      Val v = lowerExpr(*u.operand);
      switch (u.op) {
        case UnaryOp::Not: return {b_.CreateNot(v.v), e.type};
        case UnaryOp::BitNot: return {b_.CreateNot(v.v), e.type};
        case UnaryOp::Neg:
          if (v.type->kind == TypeKind::Float) return {b_.CreateFNeg(v.v), e.type};
          return {b_.CreateSub(b_.getInt64(0), v.v), e.type};
      }
      break;
    }
    case ExprKind::Binary: return lowerBinary(e.as<BinaryExpr>());
    case ExprKind::MessageLit: return lowerMessageLit(e.as<MessageLit>());
    case ExprKind::ListLit: checkSupportedType(e.type, e.range); return lowerList(e.as<ListLit>());
    case ExprKind::Index: return lowerIndex(e.as<IndexExpr>());
    case ExprKind::MapLit: checkSupportedType(e.type, e.range); return lowerMap(e.as<MapLit>());
    case ExprKind::Call: return lowerCall(e.as<CallExpr>());
    case ExprKind::Spawn: return lowerSpawn(e.as<SpawnExpr>());
    case ExprKind::Config: return lowerConfig(e.as<ConfigExpr>());
    case ExprKind::Convert: {
      const auto& cv = e.as<ConvertExpr>();
      if (cv.target == TypeKind::Bytes || cv.arg->type->kind == TypeKind::Bytes) return lowerBytesConvert(cv);
      if (cv.target == TypeKind::String) {
        Val v{format(lowerExpr(*cv.arg)), e.type};
        addTemp(v);
        return v;
      }
      Val a = lowerExpr(*cv.arg);
      const TypeKind from = a.type->kind;
      if (cv.target == from) return {a.v, e.type};
      if (cv.target == TypeKind::Float && from == TypeKind::Int) return {b_.CreateSIToFP(a.v, b_.getDoubleTy()), e.type};
      // A bool is an i1: int(true) is 1, int(false) is 0 (zero-extended, never sign-extended to -1).
      if (cv.target == TypeKind::Int && from == TypeKind::Bool) return {b_.CreateZExt(a.v, b_.getInt64Ty()), e.type};
      // A duration is already its milliseconds as an i64 (the unit int(duration) gives).
      if (cv.target == TypeKind::Int && from == TypeKind::Duration) return {a.v, e.type};
      if (cv.target == TypeKind::Int && from == TypeKind::Float) {
        // In range iff -2^63 <= v < 2^63 (NaN fails both comparisons).
        llvm::Value* inRange =
            b_.CreateAnd(b_.CreateFCmpOGE(a.v, llvm::ConstantFP::get(b_.getDoubleTy(), -9223372036854775808.0)),
                         b_.CreateFCmpOLT(a.v, llvm::ConstantFP::get(b_.getDoubleTy(), 9223372036854775808.0)));
        crashIfDynamic(b_.CreateNot(inRange), {"int(", a, "): out of range"});
        return {b_.CreateFPToSI(a.v, b_.getInt64Ty()), e.type};
      }
      if (from == TypeKind::String && (cv.target == TypeKind::Int || cv.target == TypeKind::Float)) {
        const bool isInt = cv.target == TypeKind::Int;
        llvm::Value* out = entryAlloca(b_, f_.fn, isInt ? (llvm::Type*)b_.getInt64Ty() : b_.getDoubleTy(), "conv");
        llvm::Value* ok = b_.CreateCall(rt(isInt ? "fnd_str_to_int" : "fnd_str_to_float"),
                                        {a.v, b_.CreateBitCast(out, i8p())});
        if (isInt) crashIfDynamic(b_.CreateICmpEQ(ok, b_.getInt32(-1)), {"int(\"", a, "\"): out of range"});
        crashIfDynamic(b_.CreateICmpEQ(ok, b_.getInt32(0)),
                       {isInt ? "int(\"" : "float(\"", a, isInt ? "\"): not an integer" : "\"): not a number"});
        return {b_.CreateLoad(isInt ? (llvm::Type*)b_.getInt64Ty() : b_.getDoubleTy(), out), e.type};
      }
      throw Unsupported{e.range, std::string(cv.target == TypeKind::Int ? "int" : cv.target == TypeKind::Float ? "float" : "bytes") +
                                     "(" + a.type->str() + ")"};
    }
    case ExprKind::MethodCall: {
      const auto& mc = e.as<MethodCallExpr>();
      if (mc.base->type->kind == TypeKind::List) return lowerListMethod(mc);
      if (mc.base->type->kind == TypeKind::Map) return lowerMapMethod(mc);
      if (mc.base->type->kind == TypeKind::Bytes) return lowerBytesMethod(mc);
      if (mc.base->type->kind == TypeKind::String) {
        Val s = lowerExpr(*mc.base);
        switch (mc.resolved) {
          case Method::Len: return {b_.CreateCall(rt("fnd_str_len"), {s.v}), e.type};
          case Method::IsEmpty:
            return {b_.CreateICmpEQ(b_.CreateCall(rt("fnd_str_len"), {s.v}), b_.getInt64(0)), e.type};
          case Method::Split: {
            Val sep = lowerExpr(*mc.args[0]);
            Val out{b_.CreateCall(rt("fnd_str_split"), {s.v, sep.v}), e.type};
            addTemp(out);
            return out;
          }
          case Method::Contains:
          case Method::StartsWith:
          case Method::EndsWith: {
            Val a = lowerExpr(*mc.args[0]);
            const char* fn = mc.resolved == Method::Contains     ? "fnd_str_contains"
                             : mc.resolved == Method::StartsWith ? "fnd_str_starts_with"
                                                                 : "fnd_str_ends_with";
            return {b_.CreateICmpNE(b_.CreateCall(rt(fn), {s.v, a.v}), b_.getInt32(0)), e.type};
          }
          default: break;
        }
      }
      throw Unsupported{mc.method.range, "." + mc.method.name + "() on " + mc.base->type->str()};
    }
    default: break;
  }
  throw Unsupported{e.range, e.type ? e.type->str() : "this expression"};
}

llvm::Value* Lowering::placeAddr(const Expr& e) {
  if (e.is<NameExpr>()) {
    const auto& n = e.as<NameExpr>();
    if (n.ref == NameRef::Local) return f_.locals.at(n.local);
    const RecordLayout& st = f_.actor->state;
    if (n.ref == NameRef::Param) return b_.CreateStructGEP(st.type, f_.state, n.param->index);
    if (n.ref == NameRef::State) {
      const unsigned idx = static_cast<unsigned>(f_.actor->decl->params.size() + n.state->index);
      return b_.CreateStructGEP(st.type, f_.state, idx);
    }
  }
  if (e.is<IndexExpr>() && e.as<IndexExpr>().base->type->kind == TypeKind::List) {
    const auto& ie = e.as<IndexExpr>();
    llvm::Value* slot = placeAddr(*ie.base);
    Val idx = lowerExpr(*ie.index);
    llvm::Value* p = b_.CreateCall(rt("fnd_list_at_mut"), {b_.CreateBitCast(slot, i8p()), idx.v});
    // Out of range: the list was left as it was (unsharing keeps the length), so its length is
    // read on the crash path only.
    crashIfDynamic(b_.CreateICmpEQ(p, llvm::ConstantPointerNull::get(i8p())),
                   {"index ", idx, " out of range (len ", CrashPart::listLen(b_.CreateLoad(i8p(), slot)), ")"});
    return b_.CreateBitCast(p, memType(e.type)->getPointerTo());
  }
  if (e.is<IndexExpr>() && e.as<IndexExpr>().base->type->kind == TypeKind::Map) {
    // m[k].field = v, m[k].xs.push(x), mm[k][j] = v: the value under an existing key, in place.
    const auto& ie = e.as<IndexExpr>();
    llvm::Value* slot = placeAddr(*ie.base);
    Val k = lowerExpr(*ie.index);
    llvm::Value* p = b_.CreateCall(rt("fnd_map_get_mut"), {b_.CreateBitCast(slot, i8p()), spill(k)});
    crashIfDynamic(b_.CreateICmpEQ(p, llvm::ConstantPointerNull::get(i8p())), {"key ", k, " not found"});
    return b_.CreateBitCast(p, memType(e.type)->getPointerTo());
  }
  if (e.is<FieldExpr>()) {
    const auto& fe = e.as<FieldExpr>();
    llvm::Value* base = placeAddr(*fe.base);
    const RecordLayout& r = messageLayout(fe.base->type->message);
    return b_.CreateStructGEP(r.type, base, fe.decl->index);
  }
  throw Unsupported{e.range, "assignment to this place"};
}

}  // namespace fnd::backend::llvmgen
