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
  if (program_.config.empty()) return;
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
  if (program_.config.empty()) return argc;
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
  auto* tableTy = llvm::ArrayType::get(settingTy, rows.size());
  auto* table = new llvm::GlobalVariable(mod_, tableTy, true, llvm::GlobalValue::PrivateLinkage,
                                         llvm::ConstantArray::get(tableTy, rows), "config.settings");
  llvm::Value* argcSlot = b_.CreateAlloca(b_.getInt32Ty(), nullptr, "argc");
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
  return b_.CreateLoad(b_.getInt32Ty(), argcSlot);
}

// In main, after fnd_program_main: the services' part of --help.
void Lowering::lowerServicesFinish() {
  if (program_.config.empty()) return;
  b_.CreateCall(svc(mod_, "fnd_services_finish", b_.getVoidTy(), {}));
}

}  // namespace fnd::backend::llvmgen
