// The one Catch2 v2 main shared by every Catch2 test executable: compiling Catch2's runner takes
// ~20 s of CPU, so each build compiles it once (library fnd_catch_main) instead of once per suite.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
