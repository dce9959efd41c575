// Lists: fnd_list* values (copy-on-write, fnd/runtime_values.h). Literals, indexing (checked),
// methods, and `for x in xs` / `for i, x in xs` over a copy taken before the first iteration.
#include "backends/llvm/lowering.hpp"

namespace fnd::backend::llvmgen {

llvm::Value* Lowering::spill(const Val& v) {
  if (v.type->kind == TypeKind::Message) return b_.CreateBitCast(v.v, i8p());
  llvm::IRBuilder<> e(&f_.fn->getEntryBlock(), f_.fn->getEntryBlock().begin());
  e.SetCurrentDebugLocation(llvm::DebugLoc());
  llvm::Value* mem = e.CreateAlloca(memType(v.type), nullptr, "spill");
  llvm::Value* raw = v.type->kind == TypeKind::Bool ? b_.CreateZExt(v.v, b_.getInt8Ty()) : v.v;
  b_.CreateStore(raw, mem);  // borrowed: the runtime copies (retains) what it keeps
  return b_.CreateBitCast(mem, i8p());
}

Val Lowering::lowerList(const ListLit& l) {
  llvm::IRBuilder<> e(&f_.fn->getEntryBlock(), f_.fn->getEntryBlock().begin());
  e.SetCurrentDebugLocation(llvm::DebugLoc());
  llvm::Value* slot = e.CreateAlloca(i8p(), nullptr, "list");
  b_.CreateStore(llvm::ConstantPointerNull::get(i8p()), slot);
  const Type* elem = l.type->elem;
  for (const auto& x : l.elems) {
    Val v = lowerExpr(*x);
    b_.CreateCall(rt("fnd_list_push"), {b_.CreateBitCast(slot, i8p()), elemDesc(elem), spill(v)});
  }
  Val out{b_.CreateLoad(i8p(), slot), l.type};
  addTemp(out);
  return out;
}

Val Lowering::lowerIndex(const IndexExpr& e) {
  if (e.base->type->kind == TypeKind::Map) {
    checkSupportedType(e.base->type, e.range);
    Val m = lowerReceiver(*e.base, {e.index.get()});
    Val k = lowerExpr(*e.index);
    llvm::Value* p = b_.CreateCall(rt("fnd_map_get"), {m.v, spill(k)});
    crashIfDynamic(b_.CreateICmpEQ(p, llvm::ConstantPointerNull::get(i8p())), {"key ", k, " not found"});
    return {load(e.type, b_.CreateBitCast(p, memType(e.type)->getPointerTo())), e.type};
  }
  if (e.base->type->kind != TypeKind::List) throw Unsupported{e.range, e.base->type->str()};
  checkSupportedType(e.type, e.range);
  Val list = lowerReceiver(*e.base, {e.index.get()});
  Val idx = lowerExpr(*e.index);
  llvm::Value* p = b_.CreateCall(rt("fnd_list_at"), {list.v, idx.v});
  crashIfDynamic(b_.CreateICmpEQ(p, llvm::ConstantPointerNull::get(i8p())),
                 {"index ", idx, " out of range (len ", CrashPart::listLen(list.v), ")"});
  return {load(e.type, b_.CreateBitCast(p, memType(e.type)->getPointerTo())), e.type};
}

Val Lowering::lowerListMethod(const MethodCallExpr& mc) {
  const Type* vt = program_.types.voidType();
  const Type* elem = mc.base->type->elem;
  checkSupportedType(mc.base->type, mc.base->range);
  switch (mc.resolved) {
    case Method::Len: return {b_.CreateCall(rt("fnd_list_len"), {lowerExpr(*mc.base).v}), mc.type};
    case Method::IsEmpty:
      return {b_.CreateICmpEQ(b_.CreateCall(rt("fnd_list_len"), {lowerExpr(*mc.base).v}), b_.getInt64(0)), mc.type};
    case Method::Contains: {
      Val list = lowerReceiver(*mc.base, {mc.args[0].get()});
      Val x = lowerExpr(*mc.args[0]);
      if (elem->kind == TypeKind::Ref && f_.ctx)
        return {b_.CreateICmpNE(b_.CreateCall(rt("fnd_list_contains_ref"), {f_.ctx, list.v, x.v}), b_.getInt32(0)), mc.type};
      return {b_.CreateICmpNE(b_.CreateCall(rt("fnd_list_contains"), {list.v, spill(x)}), b_.getInt32(0)), mc.type};
    }
    case Method::Push: {
      Val x = lowerExpr(*mc.args[0]);
      llvm::Value* slot = placeAddr(*mc.base);
      b_.CreateCall(rt("fnd_list_push"), {b_.CreateBitCast(slot, i8p()), elemDesc(elem), spill(x)});
      return {nullptr, vt};
    }
    case Method::Clear: {
      b_.CreateCall(rt("fnd_list_clear"), {b_.CreateBitCast(placeAddr(*mc.base), i8p())});
      return {nullptr, vt};
    }
    case Method::Pop: {
      llvm::Value* slot = placeAddr(*mc.base);
      llvm::IRBuilder<> e(&f_.fn->getEntryBlock(), f_.fn->getEntryBlock().begin());
      e.SetCurrentDebugLocation(llvm::DebugLoc());
      llvm::Value* out = e.CreateAlloca(memType(elem), nullptr, "popped");
      llvm::Value* ok = b_.CreateCall(rt("fnd_list_pop"), {b_.CreateBitCast(slot, i8p()), b_.CreateBitCast(out, i8p())});
      crashIf(b_.CreateICmpEQ(ok, b_.getInt32(0)), "pop from an empty list");
      // The popped element is owned: a temporary of this statement.
      Val v{load(elem, out), elem};
      if (isCounted(elem) || elem->kind == TypeKind::Message) addTemp(v);
      return v;
    }
    default: break;
  }
  throw Unsupported{mc.method.range, "." + mc.method.name + "() on " + mc.base->type->str()};
}

void Lowering::lowerForList(const ForStmt& f) {
  const Type* collTy = f.iterable->type;
  const bool isMap = collTy->kind == TypeKind::Map;
  checkSupportedType(collTy, f.iterable->range);
  // The collection as it is before the first iteration: changing it in the body does not affect
  // the loop (copy-on-write keeps this copy unchanged).
  llvm::Value* copy = slotFor(collTy, "for.coll");
  {
    const size_t mark = f_.temps.size();
    assign(collTy, copy, lowerExpr(*f.iterable));
    releaseTemps(mark);
  }
  llvm::Value* counter = slotFor(program_.types.intType(), "for.i");
  b_.CreateStore(b_.getInt64(0), counter);
  // list: `for x` / `for i, x` (index slot, element in place); map: `for k` / `for k, v` (in place).
  const LocalVar* indexVar = !isMap && f.second ? &f.first : nullptr;
  llvm::Value* indexSlot = indexVar ? slotFor(program_.types.intType(), indexVar->name.name) : nullptr;
  if (indexVar) f_.locals[indexVar] = indexSlot;
  auto* head = llvm::BasicBlock::Create(ctx_, "for.cond", f_.fn);
  auto* body = llvm::BasicBlock::Create(ctx_, "for.body", f_.fn);
  auto* next = llvm::BasicBlock::Create(ctx_, "for.next", f_.fn);
  auto* end = llvm::BasicBlock::Create(ctx_, "for.end", f_.fn);
  b_.CreateBr(head);
  b_.SetInsertPoint(head);
  llvm::Value* coll = b_.CreateLoad(i8p(), copy);
  llvm::Value* len = b_.CreateCall(rt(isMap ? "fnd_map_len" : "fnd_list_len"), {coll});
  b_.CreateCondBr(b_.CreateICmpSLT(b_.CreateLoad(b_.getInt64Ty(), counter), len), body, end);
  b_.SetInsertPoint(body);
  llvm::Value* c = b_.CreateLoad(i8p(), copy);
  llvm::Value* i = b_.CreateLoad(b_.getInt64Ty(), counter);
  if (isMap) {
    llvm::Value* k = b_.CreateCall(rt("fnd_map_key_at"), {c, i});
    f_.locals[&f.first] = b_.CreateBitCast(k, memType(collTy->key)->getPointerTo(), f.first.name.name);
    if (f.second) {
      llvm::Value* v = b_.CreateCall(rt("fnd_map_value_at"), {c, i});
      f_.locals[f.second.get()] = b_.CreateBitCast(v, memType(collTy->elem)->getPointerTo(), f.second->name.name);
    }
  } else {
    const LocalVar* elemVar = f.second ? f.second.get() : &f.first;
    llvm::Value* p = b_.CreateCall(rt("fnd_list_at"), {c, i});
    f_.locals[elemVar] = b_.CreateBitCast(p, memType(collTy->elem)->getPointerTo(), elemVar->name.name);
    if (indexSlot) b_.CreateStore(i, indexSlot);
  }
  f_.loops.emplace_back(next, end);
  lowerBlock(f.body);
  f_.loops.pop_back();
  b_.CreateBr(next);
  b_.SetInsertPoint(next);
  b_.CreateStore(b_.CreateAdd(b_.CreateLoad(b_.getInt64Ty(), counter), b_.getInt64(1)), counter);
  b_.CreateBr(head);
  b_.SetInsertPoint(end);
}

Val Lowering::lowerMap(const MapLit& m) {
  llvm::IRBuilder<> e(&f_.fn->getEntryBlock(), f_.fn->getEntryBlock().begin());
  e.SetCurrentDebugLocation(llvm::DebugLoc());
  llvm::Value* slot = e.CreateAlloca(i8p(), nullptr, "map");
  b_.CreateStore(llvm::ConstantPointerNull::get(i8p()), slot);
  for (const auto& entry : m.entries) {
    Val k = lowerExpr(*entry.key);
    Val v = lowerExpr(*entry.value);
    b_.CreateCall(rt("fnd_map_put"), {b_.CreateBitCast(slot, i8p()), elemDesc(m.type->key), elemDesc(m.type->elem),
                                      spill(k), spill(v)});
  }
  Val out{b_.CreateLoad(i8p(), slot), m.type};
  addTemp(out);
  return out;
}

Val Lowering::lowerMapMethod(const MethodCallExpr& mc) {
  const Type* vt = program_.types.voidType();
  const Type* mt = mc.base->type;
  checkSupportedType(mt, mc.base->range);
  switch (mc.resolved) {
    case Method::Len: return {b_.CreateCall(rt("fnd_map_len"), {lowerExpr(*mc.base).v}), mc.type};
    case Method::IsEmpty:
      return {b_.CreateICmpEQ(b_.CreateCall(rt("fnd_map_len"), {lowerExpr(*mc.base).v}), b_.getInt64(0)), mc.type};
    case Method::Contains: {
      Val m = lowerReceiver(*mc.base, {mc.args[0].get()});
      Val k = lowerExpr(*mc.args[0]);
      return {b_.CreateICmpNE(b_.CreateCall(rt("fnd_map_get"), {m.v, spill(k)}), llvm::ConstantPointerNull::get(i8p())),
              mc.type};
    }
    case Method::Get: {  // m.get(k, default)
      Val m = lowerReceiver(*mc.base, {mc.args[0].get(), mc.args.size() > 1 ? mc.args[1].get() : nullptr});
      Val k = lowerExpr(*mc.args[0]);
      Val d = lowerExpr(*mc.args[1]);
      llvm::Value* p = b_.CreateCall(rt("fnd_map_get"), {m.v, spill(k)});
      llvm::Value* has = b_.CreateICmpNE(p, llvm::ConstantPointerNull::get(i8p()));
      if (mc.type->kind == TypeKind::Message) {
        llvm::Value* rec = b_.CreateBitCast(p, d.v->getType());
        return {b_.CreateSelect(has, rec, d.v), mc.type};
      }
      // Load from the found value or from a spilled default (never a null pointer).
      llvm::Value* dp = spill(d);
      llvm::Value* src = b_.CreateSelect(has, p, dp);
      return {load(mc.type, b_.CreateBitCast(src, memType(mc.type)->getPointerTo())), mc.type};
    }
    case Method::Remove: {
      Val k = lowerExpr(*mc.args[0]);
      b_.CreateCall(rt("fnd_map_remove"), {b_.CreateBitCast(placeAddr(*mc.base), i8p()), spill(k)});
      return {nullptr, vt};
    }
    case Method::Clear:
      b_.CreateCall(rt("fnd_map_clear"), {b_.CreateBitCast(placeAddr(*mc.base), i8p())});
      return {nullptr, vt};
    case Method::Keys:
    case Method::Values: {
      Val m = lowerExpr(*mc.base);
      Val out{b_.CreateCall(rt(mc.resolved == Method::Keys ? "fnd_map_keys" : "fnd_map_values"), {m.v}), mc.type};
      addTemp(out);
      return out;
    }
    default: break;
  }
  throw Unsupported{mc.method.range, "." + mc.method.name + "() on " + mt->str()};
}

}  // namespace fnd::backend::llvmgen
