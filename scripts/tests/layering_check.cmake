# cmake -DCXX=<compiler> -DCHECKS=<checks> -P layering_check.cmake: the build enforces the folder
# layering (docs/ARCHITECTURE.md, Source layout). CHECKS is a list of
# "<target>=<include directories, |-separated>=<folders it may include, |-separated>", one per
# component library. For every library and every component folder, one header of that folder
# must compile with the library's include directories exactly when the layering allows it, and
# otherwise fail because the header is not found.
cmake_minimum_required(VERSION 3.25)  # IN_LIST
set(headers
  "protocol/bit_stream.hpp" "common/url.hpp" "game/movement.hpp" "zone/limits.hpp"
  "bots/fixed_ring.hpp" "client/reconnect_backoff.hpp" "api/http_types.hpp")
set(work ${CMAKE_CURRENT_BINARY_DIR}/layering_check)
file(MAKE_DIRECTORY ${work})
set(failures "")
foreach(check IN LISTS CHECKS)
  string(REPLACE "=" ";" parts "${check}")
  list(GET parts 0 target)
  list(GET parts 1 dirs)
  list(GET parts 2 allowed)
  string(REPLACE "|" ";" dirs "${dirs}")
  string(REPLACE "|" ";" allowed "${allowed}")
  set(flags -std=c++20 -fsyntax-only)
  foreach(dir IN LISTS dirs)
    list(APPEND flags -I${dir})
  endforeach()
  foreach(header IN LISTS headers)
    string(REGEX REPLACE "/.*" "" folder "${header}")
    string(MAKE_C_IDENTIFIER "${target}_${folder}" name)
    file(WRITE ${work}/${name}.cpp "#include \"${header}\"\n")
    execute_process(COMMAND ${CXX} ${flags} ${work}/${name}.cpp
                    RESULT_VARIABLE result ERROR_VARIABLE errors)
    if(folder IN_LIST allowed)
      if(result EQUAL 0)
        message(STATUS "${target} includes ${header}: compiles (allowed)")
      else()
        string(APPEND failures "${target} may include ${header} but it does not compile:\n${errors}\n")
      endif()
    elseif(result EQUAL 0)
      string(APPEND failures "${target} must not reach ${folder}/, yet ${header} compiles\n")
    elseif(NOT errors MATCHES "${header}: No such file")
      string(APPEND failures "${target} including ${header} failed, but not as not found:\n${errors}\n")
    else()
      message(STATUS "${target} includes ${header}: not found (forbidden)")
    endif()
  endforeach()
endforeach()
if(failures)
  message(FATAL_ERROR "${failures}")
endif()
