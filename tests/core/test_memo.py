"""The process's memos (verify.core.memo): one limit rule, one registry, one clear_all; and
importing the package changes nothing of the process (no environment variable, no JAX
setting) until the numeric engine's first use."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.paths import ROOT
from verify.core import memo
from verify.core.memo import Memo, memoized


def test_the_least_recently_used_entry_goes_first() -> None:
    kept: Memo[str, int] = Memo(None, 2)
    kept["a"], kept["b"] = 1, 2
    assert kept.get("a") == 1          # a used: b is now the oldest
    kept["c"] = 3
    assert "b" not in kept and list(kept) == ["a", "c"]
    kept["a"] = 10                     # a new value is a use too
    kept["d"] = 4
    assert list(kept) == ["a", "d"] and kept["a"] == 10
    assert len(kept) == 2


@pytest.mark.parametrize(("lookups", "hits", "misses"), [
    ([], 0, 0),
    (["k"], 1, 0),
    (["k", "absent"], 1, 1),
    (["absent", "absent", "k", "k"], 2, 2),
])
def test_hits_and_misses_are_counted(lookups: list[str], hits: int, misses: int) -> None:
    kept: Memo[str, int] = Memo(None, 4)
    kept["k"] = 0
    for key in lookups:
        kept.get(key)
    statistics = kept.statistics()
    assert (statistics.size, statistics.bound, statistics.hits, statistics.misses) == \
        (1, 4, hits, misses)


def test_a_kept_none_is_found_by_membership() -> None:
    kept: Memo[str, None] = Memo(None, 4)
    assert "k" not in kept
    kept["k"] = None
    assert "k" in kept and kept["k"] is None
    assert (kept.hits, kept.misses) == (1, 1)
    with pytest.raises(KeyError):
        kept["absent"]


def test_a_memoized_function_keeps_results_and_never_exceptions() -> None:
    calls: list[int] = []

    @memoized(None, 2)
    def half(n: int) -> int:
        calls.append(n)
        if n % 2:
            raise ValueError(n)
        return n // 2

    assert [half(4), half(4), half(6)] == [2, 2, 3]
    assert calls == [4, 6]
    for _ in range(2):
        with pytest.raises(ValueError):
            half(3)
    assert calls == [4, 6, 3, 3]
    half(8)                            # the bound is 2: 4, the least recently used, goes
    half(4)
    assert calls == [4, 6, 3, 3, 8, 4]
    assert half.__wrapped__(10) == 5 and calls[-1] == 10
    assert half.memo.name is None and len(half.memo) == 2
    with pytest.raises(TypeError):
        half(n=4)


def test_a_name_is_registered_once_and_clear_all_empties_every_memo() -> None:
    from verify.read.latex import step
    with pytest.raises(ValueError, match="exists already"):
        Memo("read.latex.steps", 1)
    with pytest.raises(ValueError):
        Memo(None, 0)
    assert memo.named("read.latex.steps") is step._STEPS
    step.run_parser("x + 1")
    assert len(memo.named("read.latex.parses")) > 0
    memo.clear_all()
    assert all(len(kept) == 0 and kept.hits == kept.misses == 0
               for kept in memo.registered().values())
    assert [s.name for s in memo.statistics()] == sorted(memo.registered())


def _run(code: str) -> dict[str, object]:
    """``code`` in a fresh interpreter, with no JAX setting from the environment; its last
    line printed is JSON."""
    environment = {k: v for k, v in __import__("os").environ.items()
                   if not k.startswith(("JAX_", "XLA_"))}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=environment, timeout=300, check=True)
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


IMPORT_ALL = """
import importlib, json, os, pkgutil, sys
import verify
before = dict(os.environ)
names = sorted(m.name for m in pkgutil.walk_packages(verify.__path__, "verify.")
               if not m.name.endswith("__main__"))
for name in names:
    importlib.import_module(name)
changed = sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))
jax = sys.modules.get("jax")
from verify.core import memo
print(json.dumps({"modules": len(names), "changed": changed,
                  "x64": None if jax is None else bool(jax.config.jax_enable_x64),
                  "platforms": None if jax is None else jax.config.jax_platforms,
                  "memos": sorted(memo.registered())}))
"""


@pytest.fixture(scope="module")
def imported_all() -> dict[str, object]:
    return _run(IMPORT_ALL)


@pytest.mark.slow
def test_importing_every_module_sets_nothing(imported_all: dict[str, object]) -> None:
    assert isinstance(imported_all["modules"], int) and imported_all["modules"] > 60
    assert imported_all["changed"] == []
    assert imported_all["x64"] in (None, False)      # None: JAX not even imported
    assert imported_all["platforms"] in (None, "")


@pytest.mark.slow
def test_the_numeric_engine_sets_jax_up_at_first_use() -> None:
    found = _run("""
import json, os
import sympy as sp, numpy as np
from verify.check.concretize import CDeriv
from verify.check.numeric import Batch, evaluate
import jax
first = bool(jax.config.jax_enable_x64)
t = sp.Symbol("t", real=True)
batch = Batch((t,), np.array([[0.1]]), np.zeros(1), ({},))
values = evaluate([([CDeriv(sp.exp(t) * t, t, t)], batch)])[0]
exact = float(sp.diff(sp.exp(t) * t, t).subs(t, 0.1))
print(json.dumps({"before": first, "after": bool(jax.config.jax_enable_x64),
                  "error": abs(float(values[0, 0]) - exact),
                  "platforms": jax.config.jax_platforms, "xla": os.environ.get("XLA_FLAGS"),
                  "device": str(jax.devices()[0].platform)}))
""")
    assert found["before"] is False and found["after"] is True
    assert isinstance(found["error"], float) and found["error"] < 1e-14   # float64, not 32
    assert found["platforms"] == "cpu" and found["device"] == "cpu"
    assert found["xla"] == "--xla_cpu_multi_thread_eigen=false"


@pytest.mark.slow
def test_docs_list_every_memo_by_its_registry_name(imported_all: dict[str, object]) -> None:
    """docs/memos.md names each registered memo in backquotes, and no other name that looks
    like one."""
    text = (ROOT / "docs" / "memos.md").read_text(encoding="utf-8")
    names = imported_all["memos"]
    assert isinstance(names, list) and len(names) > 15
    listed = set(re.findall(r"`((?:model|read|check|verdict|store|report|pipeline|run|grade)"
                            r"\.[a-z_.]+)`", text))
    assert listed == set(names)
