"""Every function the built liblend.so exports is bound by the package.

The library's dynamic symbols (nm -D --defined-only) are compared with the
table of C functions the package declared (liblend._native.BOUND); a new
public function without a binding fails this test, naming it.
"""
from __future__ import annotations

import shutil
import subprocess
import unittest

import support
from liblend import _native as N

assert support.START  # support puts the package on the path; importing it declares every binding


def exported(path: str) -> set:
    out = subprocess.run(["nm", "-D", "--defined-only", path], check=True, capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWi" and parts[2].startswith("lend_"):
            names.add(parts[2].split("@")[0])
    return names


@unittest.skipUnless(shutil.which("nm"), "nm (binutils) is needed")
class Coverage(unittest.TestCase):
    def test_every_exported_function_is_bound(self) -> None:
        syms = exported(N.loaded_path())
        self.assertGreater(len(syms), 100, "too few symbols read from " + N.loaded_path())
        missing = sorted(syms - set(N.BOUND) - set(N.NOT_BOUND))
        self.assertEqual(missing, [], "exported by %s but not bound in Python: %s" % (N.loaded_path(), ", ".join(missing)))

    def test_nothing_bound_that_is_not_exported(self) -> None:
        syms = exported(N.loaded_path())
        self.assertEqual(sorted(set(N.BOUND) - syms), [])
        self.assertEqual(sorted(set(N.NOT_BOUND) - syms), [], "stale entries in NOT_BOUND")


if __name__ == "__main__":
    unittest.main()
