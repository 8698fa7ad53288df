# cmake -DCXX=<compiler> -DSOURCE_DIR=<repo> -P run.cmake: handlers.cpp must compile as written
# and fail to compile with each case left out, naming why.
set(source ${SOURCE_DIR}/protocol/compile_checks/handlers.cpp)
set(flags -std=c++20 -fsyntax-only -Wall -Wextra -Werror -I${SOURCE_DIR})

execute_process(COMMAND ${CXX} ${flags} ${source} RESULT_VARIABLE result ERROR_VARIABLE errors)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "handlers.cpp with every case does not compile:\n${errors}")
endif()
message(STATUS "every case present: compiles")

# LEAVE_OUT;the compiler's words that show it refused for that reason
foreach(check "HANDLER;protocol::Kick" "RATE;kRate")
  list(GET check 0 left_out)
  list(GET check 1 expected)
  execute_process(COMMAND ${CXX} ${flags} -DOMEGA_LEAVE_OUT_${left_out} ${source}
                  RESULT_VARIABLE result ERROR_VARIABLE errors)
  if(result EQUAL 0)
    message(FATAL_ERROR "OMEGA_LEAVE_OUT_${left_out}: compiled, but a missing case must not")
  endif()
  if(NOT errors MATCHES "${expected}")
    message(FATAL_ERROR "OMEGA_LEAVE_OUT_${left_out}: failed without naming '${expected}':\n${errors}")
  endif()
  message(STATUS "OMEGA_LEAVE_OUT_${left_out}: refused (${expected})")
endforeach()
