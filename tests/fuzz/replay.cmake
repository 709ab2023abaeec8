# Included from tests/CMakeLists.txt: each fuzz target linked with a plain
# main() (replay.c) and run over its seed corpus and every past crasher, so
# ctest replays them with any compiler and without libFuzzer.
foreach(_t fuzz_png fuzz_jpeg fuzz_analyze fuzz_manifest fuzz_icc fuzz_heif_tiff)
  add_executable(replay_${_t} fuzz/${_t}.c fuzz/replay.c)
  target_include_directories(replay_${_t} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  target_compile_options(replay_${_t} PRIVATE ${SKD_WARNINGS})
  target_link_libraries(replay_${_t} PRIVATE skindiff_static ${SKD_DEP_LIBS}
    Threads::Threads m)
  add_test(NAME fuzz_replay_${_t} COMMAND replay_${_t}
    ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${_t}
    ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/crashers)
  set_tests_properties(fuzz_replay_${_t} PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endforeach()
# The generator of the ICC seeds (tests/fuzz/make_icc_seeds.c); not a test.
add_executable(make_icc_seeds fuzz/make_icc_seeds.c unit/icc_files.c)
target_include_directories(make_icc_seeds PRIVATE ${CMAKE_SOURCE_DIR}/src unit)
target_compile_options(make_icc_seeds PRIVATE ${SKD_WARNINGS})
target_link_libraries(make_icc_seeds PRIVATE skindiff_static ${SKD_DEP_LIBS}
  Threads::Threads m)
