# Included from tests/CMakeLists.txt: each fuzz target linked with a plain
# main() (replay.c) and run over its seed corpus and every past crasher, so
# ctest replays them with any compiler and without libFuzzer.
foreach(_t fuzz_png fuzz_jpeg fuzz_analyze fuzz_manifest)
  add_executable(replay_${_t} fuzz/${_t}.c fuzz/replay.c)
  target_include_directories(replay_${_t} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  target_compile_options(replay_${_t} PRIVATE ${SKD_WARNINGS})
  target_link_libraries(replay_${_t} PRIVATE skindiff_static PNG::PNG
    JPEG::JPEG PkgConfig::FFTW3F PkgConfig::SQLITE3 Threads::Threads m)
  add_test(NAME fuzz_replay_${_t} COMMAND replay_${_t}
    ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${_t}
    ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/crashers)
  set_tests_properties(fuzz_replay_${_t} PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endforeach()
