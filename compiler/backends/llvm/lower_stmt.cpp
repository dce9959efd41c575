// Statements. Every statement is a full expression boundary: its temporaries are released at its
// end. Control flow leaves a handler only through the exit block, which releases the locals.
#include "backends/llvm/lowering.hpp"

namespace fnd::backend::llvmgen {

void Lowering::endHandler() {
  for (auto it = f_.temps.rbegin(); it != f_.temps.rend(); ++it) release(it->type, it->v, it->type->kind == TypeKind::Message);
  b_.CreateBr(f_.exit);
  // Code after stop/return/shutdown is unreachable (W0001) but still lowered: into a dead block.
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "dead", f_.fn));
}

void Lowering::lowerBlock(const Block& b) {
  for (const auto& s : b.stmts) lowerStmt(*s);
}

static const char* stmtName(StmtKind k) {
  switch (k) {
    case StmtKind::Broadcast: return "broadcast";
    case StmtKind::Publish: return "publish";
    case StmtKind::Subscribe: return "subscribe";
    default: return "this statement";
  }
}

void Lowering::lowerStmt(const Stmt& s) {
  debugLocation(s.range);
  const size_t mark = f_.temps.size();
  switch (s.kind) {
    case StmtKind::Let: {
      const auto& l = s.as<LetStmt>();
      checkSupportedType(l.var.type, l.var.name.range);
      llvm::Value* slot = slotFor(l.var.type, l.var.name.name);
      f_.locals[&l.var] = slot;
      if (l.init) {
        assign(l.var.type, slot, lowerExpr(*l.init));
      } else {  // var x: T — the zero value (again on every pass through a loop)
        release(l.var.type, slot, true);
        b_.CreateStore(llvm::Constant::getNullValue(memType(l.var.type)), slot);
      }
      break;
    }
    case StmtKind::Assign: {
      const auto& a = s.as<AssignStmt>();
      if (a.target->is<IndexExpr>() && a.target->as<IndexExpr>().base->type->kind == TypeKind::Map) {
        // m[k] = v inserts or replaces.
        const auto& ie = a.target->as<IndexExpr>();
        Val v = lowerExpr(*a.value);
        Val k = lowerExpr(*ie.index);
        llvm::Value* slot = placeAddr(*ie.base);
        b_.CreateCall(rt("fnd_map_put"), {b_.CreateBitCast(slot, i8p()), elemDesc(ie.base->type->key),
                                          elemDesc(ie.base->type->elem), spill(k), spill(v)});
        break;
      }
      Val v = lowerExpr(*a.value);
      assign(a.target->type, placeAddr(*a.target), v);
      break;
    }
    case StmtKind::Expr: lowerExpr(*s.as<ExprStmt>().expr); break;
    case StmtKind::If: {
      const auto& i = s.as<IfStmt>();
      auto* end = llvm::BasicBlock::Create(ctx_, "if.end", f_.fn);
      for (const auto& arm : i.arms) {
        llvm::Value* c = lowerCond(*arm.cond);
        auto* thenBB = llvm::BasicBlock::Create(ctx_, "if.then", f_.fn);
        auto* elseBB = llvm::BasicBlock::Create(ctx_, "if.else", f_.fn);
        b_.CreateCondBr(c, thenBB, elseBB);
        b_.SetInsertPoint(thenBB);
        lowerBlock(arm.body);
        b_.CreateBr(end);
        b_.SetInsertPoint(elseBB);
      }
      if (i.elseBody) lowerBlock(*i.elseBody);
      b_.CreateBr(end);
      b_.SetInsertPoint(end);
      break;
    }
    case StmtKind::While: {
      const auto& w = s.as<WhileStmt>();
      auto* head = llvm::BasicBlock::Create(ctx_, "while.cond", f_.fn);
      auto* body = llvm::BasicBlock::Create(ctx_, "while.body", f_.fn);
      auto* end = llvm::BasicBlock::Create(ctx_, "while.end", f_.fn);
      b_.CreateBr(head);
      b_.SetInsertPoint(head);
      b_.CreateCondBr(lowerCond(*w.cond), body, end);
      b_.SetInsertPoint(body);
      f_.loops.emplace_back(head, end);
      lowerBlock(w.body);
      f_.loops.pop_back();
      b_.CreateBr(head);
      b_.SetInsertPoint(end);
      break;
    }
    case StmtKind::For: lowerFor(s.as<ForStmt>()); break;
    case StmtKind::Send: {
      const auto& sd = s.as<SendStmt>();
      // The message is built (every field evaluated: a crash leaves nothing behind), then moved into
      // an envelope from the runtime and posted.
      Val to = lowerExpr(*sd.target);
      Val m = lowerExpr(*sd.message);
      llvm::Value* cls = messageClass(m.type->message);
      llvm::Value* payload = b_.CreateCall(rt("fnd_msg_alloc"), {cls});
      storeMessage(m, payload);
      b_.CreateCall(rt("fnd_ref_post"), {f_.ctx, to.v, cls, payload});
      break;
    }
    case StmtKind::Reply: {
      Val m = lowerExpr(*s.as<ReplyStmt>().message);
      llvm::Value* cls = messageClass(m.type->message);
      llvm::Value* payload = b_.CreateCall(rt("fnd_msg_alloc"), {cls});
      storeMessage(m, payload);
      b_.CreateCall(rt("fnd_msg_reply"), {f_.ctx, cls, payload});
      break;
    }
    case StmtKind::Log: {
      const auto& l = s.as<LogStmt>();
      int level = 2;
      switch (l.level) {
        case LogLevel::Debug: level = 3; break;
        case LogLevel::Info: level = 2; break;
        case LogLevel::Warn: level = 1; break;
        case LogLevel::Error: level = 0; break;
      }
      llvm::Value* text = format(lowerExpr(*l.message));
      b_.CreateCall(rt("fnd_log_str"), {b_.getInt32(level), text});
      b_.CreateCall(rt("fnd_str_release"), {text});
      break;
    }
    case StmtKind::Emit: {
      // emit a.b(x, y): a telemetry event with measurements "0", "1", ... (as the C++ back end:
      // ints, durations and floats as numbers, bools 0/1, strings their length).
      const auto& em = s.as<EmitStmt>();
      const size_t n = em.args.size();
      auto* keysTy = llvm::ArrayType::get(i8p(), n ? n : 1);
      auto* valsTy = llvm::ArrayType::get(b_.getDoubleTy(), n ? n : 1);
      llvm::IRBuilder<> e(&f_.fn->getEntryBlock(), f_.fn->getEntryBlock().begin());
      e.SetCurrentDebugLocation(llvm::DebugLoc());
      llvm::Value* keys = e.CreateAlloca(keysTy, nullptr, "emit.keys");
      llvm::Value* vals = e.CreateAlloca(valsTy, nullptr, "emit.values");
      for (size_t i = 0; i < n; ++i) {
        Val v = lowerExpr(*em.args[i]);
        llvm::Value* d = nullptr;
        switch (v.type->kind) {
          case TypeKind::Int: case TypeKind::Duration: d = b_.CreateSIToFP(v.v, b_.getDoubleTy()); break;
          case TypeKind::Float: d = v.v; break;
          case TypeKind::Bool: d = b_.CreateUIToFP(v.v, b_.getDoubleTy()); break;
          case TypeKind::String: d = b_.CreateUIToFP(b_.CreateCall(rt("fnd_str_len"), {v.v}), b_.getDoubleTy()); break;
          case TypeKind::Ref: d = b_.CreateUIToFP(b_.CreateCall(rt("fnd_ref_pid_id"), {v.v}), b_.getDoubleTy()); break;
          default: throw Unsupported{em.args[i]->range, "emit of a " + v.type->str() + " measurement"};
        }
        const std::string key = em.names.empty() ? std::to_string(i) : em.names[i].name;
        b_.CreateStore(cstr(key), b_.CreateConstInBoundsGEP2_32(keysTy, keys, 0, static_cast<unsigned>(i)));
        b_.CreateStore(d, b_.CreateConstInBoundsGEP2_32(valsTy, vals, 0, static_cast<unsigned>(i)));
      }
      b_.CreateCall(rt("fnd_emit"), {cstr(em.event), b_.CreateBitCast(keys, i8p()), b_.CreateBitCast(vals, i8p()),
                                     b_.getInt64(n)});
      break;
    }
    case StmtKind::Stop:
      b_.CreateCall(rt("fnd_stop"), {f_.ctx});
      endHandler();
      break;
    case StmtKind::Return: endHandler(); break;
    case StmtKind::Break:
    case StmtKind::Continue:
      b_.CreateBr(s.kind == StmtKind::Break ? f_.loops.back().second : f_.loops.back().first);
      b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "dead", f_.fn));
      break;
    case StmtKind::Broadcast:
    case StmtKind::Publish:
    case StmtKind::Subscribe: lowerSocietyStmt(s); break;
    default: throw Unsupported{s.range, stmtName(s.kind)};
  }
  releaseTemps(mark);
}

void Lowering::lowerFor(const ForStmt& f) {
  if (f.forKind == ForKind::List || f.forKind == ForKind::Map) return lowerForList(f);
  if (f.forKind != ForKind::Range) throw Unsupported{f.iterable->range, "for ... in " + f.iterable->type->str()};
  // for i in lo..hi: both bounds evaluated once, before the first iteration; half-open.
  llvm::Value* lo = lowerCond(*f.iterable);
  llvm::Value* hi = lowerCond(*f.rangeEnd);
  llvm::Value* hiSlot = slotFor(program_.types.intType(), "for.end");
  b_.CreateStore(hi, hiSlot);
  llvm::Value* counter = slotFor(program_.types.intType(), "for.i");
  b_.CreateStore(lo, counter);
  llvm::Value* var = slotFor(program_.types.intType(), f.first.name.name);
  f_.locals[&f.first] = var;
  auto* head = llvm::BasicBlock::Create(ctx_, "for.cond", f_.fn);
  auto* body = llvm::BasicBlock::Create(ctx_, "for.body", f_.fn);
  auto* next = llvm::BasicBlock::Create(ctx_, "for.next", f_.fn);
  auto* end = llvm::BasicBlock::Create(ctx_, "for.end", f_.fn);
  b_.CreateBr(head);
  b_.SetInsertPoint(head);
  llvm::Value* i = b_.CreateLoad(b_.getInt64Ty(), counter);
  b_.CreateCondBr(b_.CreateICmpSLT(i, b_.CreateLoad(b_.getInt64Ty(), hiSlot)), body, end);
  b_.SetInsertPoint(body);
  b_.CreateStore(b_.CreateLoad(b_.getInt64Ty(), counter), var);
  f_.loops.emplace_back(next, end);
  lowerBlock(f.body);
  f_.loops.pop_back();
  b_.CreateBr(next);
  b_.SetInsertPoint(next);
  b_.CreateStore(b_.CreateAdd(b_.CreateLoad(b_.getInt64Ty(), counter), b_.getInt64(1)), counter);
  b_.CreateBr(head);
  b_.SetInsertPoint(end);
}

}  // namespace fnd::backend::llvmgen
