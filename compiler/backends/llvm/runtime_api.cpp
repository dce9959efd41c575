// Declarations of the runtime's C ABI (fnd/runtime.h, fnd/runtime_values.h) as generated code sees
// it: opaque handles (fnd_ctx*, fnd_msg*, fnd_pid, fnd_str*, fnd_ref*, descriptors) are i8*.
#include <stdexcept>

#include "backends/llvm/lowering.hpp"

namespace fnd::backend::llvmgen {

namespace {
// Signature letters: v void, p i8*, l i64, i i32, d double. First letter = return type.
struct Sig {
  const char* name;
  const char* sig;
};
const Sig kRuntime[] = {
    {"fnd_str_new", "ppl"},        {"fnd_str_retain", "pp"},        {"fnd_str_release", "vp"},
    {"fnd_str_len", "lp"},         {"fnd_str_compare", "ipp"},      {"fnd_str_equal", "ipp"},
    {"fnd_str_concat", "ppl"},     {"fnd_str_contains", "ipp"},     {"fnd_str_starts_with", "ipp"},
    {"fnd_str_ends_with", "ipp"},  {"fnd_fmt_int", "pl"},           {"fnd_fmt_float", "pd"},
    {"fnd_fmt_bool", "pi"},        {"fnd_fmt_duration", "pl"},      {"fnd_fmt_ref", "pp"},
    {"fnd_ref_from_pid", "pp"},    {"fnd_ref_named", "pp"},         {"fnd_ref_retain", "pp"},
    {"fnd_ref_release", "vp"},     {"fnd_ref_equal", "ipp"},        {"fnd_ref_send", "vpppp"},
    {"fnd_record_copy", "vppp"},   {"fnd_record_destroy", "vpp"},   {"fnd_record_equal", "ippp"},
    {"fnd_print", "vp"},           {"fnd_log_str", "vip"},          {"fnd_crash_str", "vpp"},
    {"fnd_crash_text", "vpp"},     {"fnd_crash_text_str", "vpp"},     {"fnd_program_main", "iipppp"},  {"fnd_self", "pp"},
    {"fnd_msg_type", "pp"},        {"fnd_msg_data", "pp"},          {"fnd_msg_sender", "pp"},
    {"fnd_reply", "ippp"},         {"fnd_spawn", "ppppp"},          {"fnd_node_spawn", "ppppp"},   {"fnd_actor_new", "pp"},  {"fnd_actor_spawn", "pppp"},
    {"fnd_pid_release", "vp"},     {"fnd_ctx_node", "pp"},          {"fnd_node_shutdown", "vpi"},   {"fnd_shutdown", "vpi"},
    {"fnd_stop", "vp"},            {"fnd_trap_exit", "vpi"},        {"fnd_send_every", "lplppp"},
    {"fnd_sup_spec_new", "ppiii"}, {"fnd_sup_spec_free", "vp"},     {"fnd_sup_spec_add_child", "ippppiii"},
    {"fnd_sup_spec_add_supervisor", "ipppi"},                       {"fnd_start_supervisor", "ppp"},
    {"fnd_ref_link", "ipp"},       {"fnd_ref_unlink", "vpp"},       {"fnd_ref_monitor", "vppp"},
    {"fnd_ref_demonitor", "vppp"}, {"fnd_ctx_monitors", "pp"},     {"fnd_msg_down", "ipppp"},
    {"fnd_msg_exit", "ippp"},      {"fnd_msg_is_down", "ipppp"},    {"fnd_msg_is_exit", "ippp"},
    {"fnd_emit", "vpppl"},         {"fnd_list_retain", "pp"},     {"fnd_list_release", "vp"},      {"fnd_list_len", "lp"},
    {"fnd_list_at", "ppl"},        {"fnd_list_at_mut", "ppl"},      {"fnd_list_push", "vppp"},
    {"fnd_list_pop", "ipp"},       {"fnd_list_clear", "vp"},        {"fnd_list_contains", "ipp"},
    {"fnd_list_equal", "ipp"},     {"fnd_ref_same", "ippp"},        {"fnd_list_contains_ref", "ippp"},
    {"fnd_map_retain", "pp"},      {"fnd_map_release", "vp"},       {"fnd_map_len", "lp"},
    {"fnd_map_get", "ppp"},        {"fnd_map_get_mut", "ppp"},      {"fnd_map_put", "vppppp"},       {"fnd_map_remove", "vpp"},
    {"fnd_map_clear", "vp"},       {"fnd_map_key_at", "ppl"},       {"fnd_map_value_at", "ppl"},
    {"fnd_map_keys", "pp"},        {"fnd_map_values", "pp"},        {"fnd_map_equal", "ipp"},
    {"fnd_str_split", "ppp"},      {"fnd_str_data", "pp"},        {"fnd_str_to_int", "ipp"},       {"fnd_str_to_float", "ipp"},       {"fnd_spawn_native", "pppppp"}, {"fnd_sup_spec_add_native_child", "ippppiii"},
    {"fnd_glue_init", "vppl"},     {"fnd_glue_cluster_main", "iipppp"},     {"fnd_pool_register", "vpp"},    {"fnd_sup_spec_add_pool_template", "ipi"},
    {"fnd_pool_spawn", "pppppppp"},  {"fnd_sup_spec_add_child_opts", "ipppppiiip"},     {"malloc", "pl"},
    {"fnd_society_spec_new", "ppiiii"}, {"fnd_society_spec_add_role", "ipplppp"}, {"fnd_society_spec_add_native_role", "ipplppp"}, {"fnd_role_refs", "pppl"},
    {"fnd_role_members", "ppp"},   {"fnd_neighbors", "pp"},         {"fnd_subscribe", "vpp"},
    {"fnd_bytes_retain", "pp"},    {"fnd_bytes_release", "vp"},     {"fnd_bytes_len", "lp"},
    {"fnd_bytes_equal", "ipp"},    {"fnd_bytes_concat", "ppp"},     {"fnd_bytes_from_str", "pp"},
    {"fnd_str_from_bytes", "pp"},  {"fnd_ref_pid_id", "lp"},
    {"fnd_msg_class_init", "pppl"},    {"fnd_msg_alloc", "pp"},         {"fnd_ref_post", "vpppp"},
    {"fnd_msg_reply", "ippp"},     {"fnd_msg_deliver", "vpp"},     {"fnd_ref_release_last", "vp"},
    {"fnd_broadcast", "vpppp"},    {"fnd_publish", "vpppp"},               {"free", "vp"},   {"fnd_abi_version", "i"}, {"write", "lipl"},
};
}  // namespace

llvm::FunctionCallee Lowering::rt(const std::string& name) {
  for (const Sig& s : kRuntime) {
    if (name != s.name) continue;
    auto ty = [&](char c) -> llvm::Type* {
      switch (c) {
        case 'v': return b_.getVoidTy();
        case 'p': return i8p();
        case 'l': return b_.getInt64Ty();
        case 'i': return b_.getInt32Ty();
        case 'd': return b_.getDoubleTy();
      }
      return nullptr;
    };
    std::vector<llvm::Type*> params;
    for (const char* c = s.sig + 1; *c; ++c) params.push_back(ty(*c));
    auto callee = mod_.getOrInsertFunction(name, llvm::FunctionType::get(ty(s.sig[0]), params, false));
    if (auto* f = llvm::dyn_cast<llvm::Function>(callee.getCallee())) f->addFnAttr(llvm::Attribute::NoUnwind);
    return callee;
  }
  throw std::logic_error("llvm back end: undeclared runtime function " + name);
}

llvm::Constant* Lowering::cstr(const std::string& s) {
  auto it = strings_.find(s);
  if (it != strings_.end()) return it->second;
  auto* init = llvm::ConstantDataArray::getString(ctx_, s, true);
  auto* g = new llvm::GlobalVariable(mod_, init->getType(), true, llvm::GlobalValue::PrivateLinkage, init, ".str");
  g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  llvm::Constant* p = llvm::ConstantExpr::getBitCast(g, i8p());
  strings_[s] = p;
  return p;
}

}  // namespace fnd::backend::llvmgen
