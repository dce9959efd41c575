// The core services in lowered code (docs/language.md section 17): `config.PATH` reads, the
// program's setting table, and the calls main and the root's start make. Everything goes through
// the services' C ABI (fnd/services/lang.h), as the C++ back end's generated code does.
#include "backends/llvm/lowering.hpp"

namespace fnd::backend::llvmgen {

namespace {
// fnd/services/lang.h, declared on first use.
llvm::FunctionCallee svc(llvm::Module& mod, const char* name, llvm::Type* ret, std::vector<llvm::Type*> args) {
  return mod.getOrInsertFunction(name, llvm::FunctionType::get(ret, args, false));
}
}  // namespace

Val Lowering::lowerConfig(const ConfigExpr& e) {
  llvm::Value* index = b_.getInt64(e.setting->index);
  switch (e.setting->valueType->kind) {
    case TypeKind::Int:
      return {b_.CreateCall(svc(mod_, "fnd_cfg_int", b_.getInt64Ty(), {b_.getInt64Ty()}), {index}), e.type};
    case TypeKind::Float:
      return {b_.CreateCall(svc(mod_, "fnd_cfg_float", b_.getDoubleTy(), {b_.getInt64Ty()}), {index}), e.type};
    case TypeKind::Bool: {
      llvm::Value* v = b_.CreateCall(svc(mod_, "fnd_cfg_bool", b_.getInt32Ty(), {b_.getInt64Ty()}), {index});
      return {b_.CreateICmpNE(v, b_.getInt32(0)), e.type};
    }
    default: {
      Val v{b_.CreateCall(svc(mod_, "fnd_cfg_string", i8p(), {b_.getInt64Ty()}), {index}), e.type};
      addTemp(v);  // owned, like a string literal
      return v;
    }
  }
}

// In the root's start function: `if (fnd_services_start(node) != 0) return NULL;`
void Lowering::lowerServicesStart(llvm::Value* node) {
  llvm::Value* rc = b_.CreateCall(svc(mod_, "fnd_services_start", b_.getInt32Ty(), {i8p()}), {node});
  auto* fail = llvm::BasicBlock::Create(ctx_, "services.fail", f_.fn);
  auto* go = llvm::BasicBlock::Create(ctx_, "services.ok", f_.fn);
  b_.CreateCondBr(b_.CreateICmpNE(rc, b_.getInt32(0)), fail, go);
  b_.SetInsertPoint(fail);
  b_.CreateRet(llvm::ConstantPointerNull::get(i8p()));
  b_.SetInsertPoint(go);
}

// In main, before fnd_program_main: the setting table and fnd_services_init, which removes the
// services' options from argv (returns the argc to pass on) or ends the program with its status.
llvm::Value* Lowering::lowerServicesInit(llvm::Function* mainFn, const std::string& progName) {
  llvm::Value* argc = mainFn->getArg(0);
  // struct fnd_cfg_setting { i8* path; i32 type; i8* default_json; i32 has_range; double min, max;
  //                          i8* one_of_json; i32 updatable; }
  auto* settingTy = llvm::StructType::get(ctx_, {i8p(), b_.getInt32Ty(), i8p(), b_.getInt32Ty(), b_.getDoubleTy(),
                                                 b_.getDoubleTy(), i8p(), b_.getInt32Ty()});
  std::vector<llvm::Constant*> rows;
  for (const ConfigSetting* s : program_.config) {
    const int type = s->valueType->kind == TypeKind::Int     ? 0
                     : s->valueType->kind == TypeKind::Float ? 1
                     : s->valueType->kind == TypeKind::Bool  ? 2
                                                             : 3;
    rows.push_back(llvm::ConstantStruct::get(
        settingTy, {cstr(s->path), b_.getInt32(type), cstr(s->defaultJson), b_.getInt32(s->hasRange ? 1 : 0),
                    llvm::ConstantFP::get(b_.getDoubleTy(), s->minValue),
                    llvm::ConstantFP::get(b_.getDoubleTy(), s->maxValue),
                    s->oneOfJson.empty() ? llvm::ConstantPointerNull::get(i8p()) : cstr(s->oneOfJson),
                    b_.getInt32(s->updatable ? 1 : 0)}));
  }
  llvm::Constant* table = llvm::ConstantPointerNull::get(i8p());
  if (!rows.empty()) {
    auto* tableTy = llvm::ArrayType::get(settingTy, rows.size());
    table = new llvm::GlobalVariable(mod_, tableTy, true, llvm::GlobalValue::PrivateLinkage,
                                     llvm::ConstantArray::get(tableTy, rows), "config.settings");
  }
  llvm::Function* fn = b_.GetInsertBlock()->getParent();
  llvm::IRBuilder<> entry(&fn->getEntryBlock(), fn->getEntryBlock().begin());  // allocas stay in the entry block
  llvm::Value* argcSlot = entry.CreateAlloca(b_.getInt32Ty(), nullptr, "argc");
  b_.CreateStore(argc, argcSlot);
  llvm::Value* rc = b_.CreateCall(
      svc(mod_, "fnd_services_init", b_.getInt32Ty(), {argcSlot->getType(), i8p(), i8p(), i8p(), b_.getInt64Ty()}),
      {argcSlot, b_.CreateBitCast(mainFn->getArg(1), i8p()), cstr(progName), b_.CreateBitCast(table, i8p()),
       b_.getInt64(rows.size())});
  auto* done = llvm::BasicBlock::Create(ctx_, "services.exit", mainFn);
  auto* go = llvm::BasicBlock::Create(ctx_, "services.run", mainFn);
  b_.CreateCondBr(b_.CreateICmpSGE(rc, b_.getInt32(0)), done, go);
  b_.SetInsertPoint(done);
  b_.CreateRet(rc);
  b_.SetInsertPoint(go);
  if (!program_.protects.empty()) {
    // struct fnd_protect_spec { i8* name; i32 breaker; i32 threshold; i64 window_ms, reset_ms; i32 trials;
    //                           i32 rate; i32 rate_count; i64 rate_period_ms; }
    auto* specTy = llvm::StructType::get(ctx_, {i8p(), b_.getInt32Ty(), b_.getInt32Ty(), b_.getInt64Ty(),
                                                b_.getInt64Ty(), b_.getInt32Ty(), b_.getInt32Ty(), b_.getInt32Ty(),
                                                b_.getInt64Ty()});
    std::vector<llvm::Constant*> specs;
    for (const ProtectDecl* p : program_.protects)
      specs.push_back(llvm::ConstantStruct::get(
          specTy, {cstr(p->actor->name.name + "." + p->message.name), b_.getInt32(p->breaker ? 1 : 0),
                   b_.getInt32(static_cast<uint32_t>(p->threshold)), b_.getInt64(p->windowMs), b_.getInt64(p->resetMs),
                   b_.getInt32(static_cast<uint32_t>(p->trials)), b_.getInt32(p->rate ? 1 : 0),
                   b_.getInt32(static_cast<uint32_t>(p->rateCount)), b_.getInt64(p->ratePeriodMs)}));
    auto* arrTy = llvm::ArrayType::get(specTy, specs.size());
    auto* arr = new llvm::GlobalVariable(mod_, arrTy, true, llvm::GlobalValue::PrivateLinkage,
                                         llvm::ConstantArray::get(arrTy, specs), "protect.specs");
    b_.CreateCall(svc(mod_, "fnd_protect_declare", b_.getVoidTy(), {i8p(), b_.getInt64Ty()}),
                  {b_.CreateBitCast(arr, i8p()), b_.getInt64(specs.size())});
  }
  return b_.CreateLoad(b_.getInt32Ty(), argcSlot);
}

// protect: `admitted = fnd_protect_admit(i); if (!admitted) goto exit;` ... at the exit:
// `fnd_protect_finish(i, admitted, fnd_crash_pending(ctx))` (a crash() or a runtime error went there
// too, with a crash pending).
void Lowering::lowerProtectEnter(const HandlerDecl* h) {
  if (!h || !h->protect) return;
  llvm::Value* index = b_.getInt64(h->protect->index);
  llvm::IRBuilder<> entry(&f_.fn->getEntryBlock(), f_.fn->getEntryBlock().begin());
  f_.protectAdmitted = entry.CreateAlloca(b_.getInt32Ty(), nullptr, "protect.admitted");
  llvm::Value* ok = b_.CreateCall(svc(mod_, "fnd_protect_admit", b_.getInt32Ty(), {b_.getInt64Ty()}), {index});
  b_.CreateStore(ok, f_.protectAdmitted);
  auto* run = llvm::BasicBlock::Create(ctx_, "protect.run", f_.fn);
  b_.CreateCondBr(b_.CreateICmpNE(ok, b_.getInt32(0)), run, f_.exit);
  b_.SetInsertPoint(run);
}

void Lowering::lowerProtectExit(const HandlerDecl* h) {
  if (!h || !h->protect) return;
  llvm::Value* crashed = b_.CreateCall(svc(mod_, "fnd_crash_pending", b_.getInt32Ty(), {i8p()}), {f_.ctx});
  b_.CreateCall(svc(mod_, "fnd_protect_finish", b_.getVoidTy(), {b_.getInt64Ty(), b_.getInt32Ty(), b_.getInt32Ty()}),
                {b_.getInt64(h->protect->index), b_.CreateLoad(b_.getInt32Ty(), f_.protectAdmitted), crashed});
}

// In main, after fnd_program_main: the services' part of --help.
void Lowering::lowerServicesFinish() {
  b_.CreateCall(svc(mod_, "fnd_services_finish", b_.getVoidTy(), {}));
}

}  // namespace fnd::backend::llvmgen
