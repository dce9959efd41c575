# Warnings and sanitizer options shared by every target of the project.
#   -DFND_SANITIZE=address,undefined   (ASan + UBSan)
#   -DFND_SANITIZE=thread              (TSan, for the lock-free scheduler and mailbox)
set(FND_SANITIZE "" CACHE STRING "Comma-separated sanitizers: address,undefined | thread")

add_compile_options(-Wall -Wextra -Wno-unused-parameter)

if(FND_SANITIZE)
  string(REPLACE "," ";" _fnd_sans "${FND_SANITIZE}")
  foreach(_san IN LISTS _fnd_sans)
    add_compile_options(-fsanitize=${_san})
    add_link_options(-fsanitize=${_san})
  endforeach()
  add_compile_options(-fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  # Boost.Context fibers switch stacks; tell ASan about it via the ucontext-free fcontext annotations.
  add_compile_definitions(FND_SANITIZER_BUILD=1)
endif()
