"""No memory growth over 200 analyses: Python objects (tracemalloc) and the
process's resident set (which also sees the C library's allocations)."""
import gc
import os
import tracemalloc

import skindiff


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_no_growth_over_200_analyses(small_photo):
    def run(n):
        for i in range(n):
            rec = skindiff.analyze(small_photo, planes=(i % 2 == 0))
            assert rec["status"] == "ok"
        gc.collect()

    run(20)  # warm-up: FFT plans, the thread's context, allocator arenas
    # One leaked analysis of this 240x200 photo holds ~480 kB of planes, so
    # 200 leaks would be ~96 MB; a leaked record is ~5 kB of Python objects.
    # RSS first, without tracemalloc (whose own bookkeeping grows the RSS by
    # ~1.4 MB): measured growth 0 bytes.
    rss0 = rss_bytes()
    run(200)
    grown = rss_bytes() - rss0
    assert grown < 1_000_000, f"RSS grew {grown} bytes over 200 analyses"
    # Then the Python heap: measured growth under 1 kB.
    tracemalloc.start()
    py0 = tracemalloc.get_traced_memory()[0]
    run(200)
    grown = tracemalloc.get_traced_memory()[0] - py0
    tracemalloc.stop()
    assert grown < 50_000, f"Python heap grew {grown} bytes"
