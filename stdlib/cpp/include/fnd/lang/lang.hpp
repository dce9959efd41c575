// Everything generated C++ includes: the runtime's API and the language support library.
#pragma once

#include <fnd/fnd.hpp>

#include "fnd/lang/actor.hpp"
#include "fnd/lang/codec.hpp"
#include "fnd/lang/program.hpp"
#include "fnd/lang/society.hpp"
#include "fnd/lang/supervision.hpp"
#include "fnd/lang/value.hpp"

// Bumped when the support library's interface to generated code changes; generated code asserts it.
// 2: list<T> is fnd::lang::List<T> (copy on write) instead of std::vector<T>.
#define FND_LANG_ABI_VERSION 2
