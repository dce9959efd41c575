// The C++ glue of extern actors (and clusters) for --target=llvm. An extern actor is a C++ class written against
// the C++ back end's message structs; the LLVM-compiled program exchanges records. fndc writes one
// C++ translation unit, compiled with the C++ compiler and linked with the program, that:
//  - derives a class from each extern actor whose on_message converts records to the C++ structs
//    (the messages the actor's interface lists; all messages without an interface),
//  - exposes `fnd_glue_make_<i>` (the factory the generated code hands to fnd_spawn_native), which
//    builds the actor from its args record,
//  - exposes `fnd_glue_init`, called by the generated `main` with the messages' descriptors, which
//    registers a converter from every C++ message struct to its record (fnd_bridge_native_type),
//    so that replies and sends from C++ reach the generated actors as records.
// A program with a `cluster` gets the glue too (with or without extern actors): it also defines the
// structs' wire codecs, the C++ back end's cluster spec, and `fnd_glue_cluster_main`, which the
// generated main calls instead of fnd_program_main (fnd::lang::run_cluster_program; children placed
// with fnd::lang::placed; record messages sent in their struct's wire format).
// The C++ structs come from the C++ back end's own headers (generated alongside); conversions are
// templates over the struct fields' C++ types, so the glue follows that back end's type mapping.
#pragma once

#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "diag/source_manager.hpp"
#include "backends/llvm/lowering.hpp"

namespace fnd::backend::llvmgen {

// The glue's source. `headers`: the C++ back end's module headers to include (file names).
std::string glueSource(const ast::Program& program, const diag::SourceManager& sources, const GluePlan& plan,
                       const std::vector<std::string>& headers);

}  // namespace fnd::backend::llvmgen
