"""Loading liblend.so.1 and declaring the C functions the binding calls.

Every C function the package uses is declared once through :func:`fn`, which
records it in :data:`BOUND`; the coverage test compares that table with the
symbols the built library exports.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
from pathlib import Path
from typing import Any, Dict, List, Optional

c_int = ctypes.c_int
c_uint = ctypes.c_uint
c_int64 = ctypes.c_int64
c_double = ctypes.c_double
c_size_t = ctypes.c_size_t
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
POINTER = ctypes.POINTER
byref = ctypes.byref

#: The library's file name (its soname).
SONAME = "liblend.so.1"

#: Exported functions the binding deliberately leaves out, with the reason.
#: A host storage backend is a C-level extension point (lend/sys/storage.h):
#: its rows and vtable are not part of what a Python host calls.
NOT_BOUND: Dict[str, str] = {
    "lend_storage_init": "storage backends are written in C (lend/sys/storage.h)",
    "lend_storage_sqlite": "storage backends are written in C (lend/sys/storage.h)",
    "lend_options_set_storage": "storage backends are written in C (lend/sys/storage.h)",
    "lend_storage_postgres": "storage backends are written in C (a postgresql:// path opens this one)",
}


def candidates() -> List[str]:
    """Where the library is looked for, in order.

    1. ``$LIBLEND_PATH``: the library file itself or the folder holding it;
    2. a meson build folder of the source tree this package lives in
       (``<root>/build*/lib/liblend.so.1``, the newest first, skipping
       sanitized builds);
    3. the system's library path.
    """
    out: List[str] = []
    env = os.environ.get("LIBLEND_PATH")
    if env:
        p = Path(env)
        out.append(str(p / SONAME) if p.is_dir() else str(p))
    here = Path(__file__).resolve().parents
    if here[1].name == "python" and here[2].name == "bindings":  # in the source tree, not installed
        built = sorted(here[3].glob("build*/lib/" + SONAME), key=lambda p: p.stat().st_mtime, reverse=True)
        out.extend(str(p) for p in built if not _sanitized(p.parents[1]))
    out.append(ctypes.util.find_library("lend") or SONAME)
    return out


def _sanitized(builddir: Path) -> bool:
    """Whether a meson build folder was configured with sanitizers (its
    library cannot be loaded into an uninstrumented interpreter)."""
    try:
        with open(builddir / "meson-info" / "intro-buildoptions.json") as f:
            options = json.load(f)
    except (OSError, ValueError):
        return False
    return any(o.get("name") == "b_sanitize" and o.get("value") not in ("none", [], "") for o in options)


def _load() -> ctypes.CDLL:
    errors = []
    for path in candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as exc:
            errors.append("%s: %s" % (path, exc))
    raise ImportError("liblend.so.1 not found (set LIBLEND_PATH); tried " + "; ".join(errors))


lib = _load()


def loaded_path() -> str:
    """The file the library was loaded from (resolved through the process's
    memory map when it was found by its soname alone)."""
    if os.path.isabs(lib._name):
        return str(lib._name)
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split(maxsplit=5)[-1].strip()
                if os.path.basename(path).startswith("liblend.so"):
                    return path
    except OSError:
        pass
    return str(lib._name)


BOUND: Dict[str, Any] = {}


def fn(name: str, restype: Optional[type], *argtypes: type) -> Any:
    """Declare the C function ``name`` with its prototype and return it."""
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    BOUND[name] = f
    return f


def enc(s: Optional[str]) -> Optional[bytes]:
    """A Python string as UTF-8 for C (None stays NULL)."""
    if s is None:
        return None
    return s.encode("utf-8", "surrogatepass")


def dec(b: Optional[bytes]) -> str:
    """A C string as Python text ('' for NULL)."""
    return b.decode("utf-8") if b else ""
