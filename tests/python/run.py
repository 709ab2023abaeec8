"""ctest entry for the Python package's tests: SKIP (exit 77) when this
machine lacks what they need, else pytest on this folder."""
import os
import sys

skip = os.environ.get("SKD_PY_SKIP")
if not skip:
    missing = []
    for mod in ("pytest", "numpy", "pandas"):
        try:
            __import__(mod)
        except ImportError:
            missing.append(mod)
    if missing:
        skip = (f"{sys.executable} lacks {', '.join(missing)} (Debian "
                "python3-pytest, python3-numpy, python3-pandas)")
if skip:
    print(f"SKIP: {skip}")
    sys.exit(77)

import pytest  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", here] + sys.argv[1:]))
