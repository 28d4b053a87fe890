"""A cache that cannot lie: an entry edited outside the cache's own code (its keyed checksum
fails) is a miss and is computed again; a damaged cache file is moved aside and rebuilt, said
once; the cache's secret is private to its owner."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
import sympy as sp

from verify.model.verdict import Status
from verify.pipeline import Options, check_document
from verify.read.encoding import read_encoding
from verify.run.settings import cache_usable
from verify.store.cache import KEY_SUFFIX, VerdictCache
from verify.store.parsed import KIND, ParseStore
from verify.store.serialize import judgement_from_data, loads

# Step 2 -> 3 is wrong (a^2 + a is not a^2): refuted, with a counterexample.
WRONG = """\
title: integrity
notation:
  symbols:
    a: {}
chains:
  - name: main
    steps:
      - {latex: 'a(a+1)', expr: "a*(a+1)"}
      - {latex: 'a^2+a', expr: "a**2 + a"}
      - {latex: 'a^2', expr: "a**2"}
"""


def statuses(tmp_path: Path, cache: VerdictCache) -> list[Status]:
    path = tmp_path / "doc.yaml"
    path.write_text(WRONG)
    # The verdicts alone: a diagnosis of the refuted step would add rows of its own.
    result = check_document(read_encoding(path), Options(), cache, diagnose=False)
    return [step.status for step in result.chains[0].steps[1:]]


def edit_rows(path: Path, kind: str, change: object) -> int:
    """Rewrite every ``kind`` row's payload with ``change`` (a function of its JSON data), as
    someone with a SQLite shell would; the number of rows changed."""
    db = sqlite3.connect(path)
    rows = db.execute("SELECT key, payload FROM verdicts WHERE kind = ?", (kind,)).fetchall()
    for key, payload in rows:
        db.execute("UPDATE verdicts SET payload = ? WHERE key = ?",
                   (json.dumps(change(json.loads(payload))), key))  # type: ignore[operator]
    db.commit()
    db.close()
    return len(rows)


def proved(data: dict[str, object]) -> dict[str, object]:
    return {**data, "status": "proved", "counterexample": None, "diagnosis": ""}


def test_a_verdict_edited_from_refuted_to_proved_is_a_miss_and_checked_again(
        tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with VerdictCache(path) as cache:
        assert statuses(tmp_path, cache) == [Status.PROVED, Status.REFUTED]
    edited = edit_rows(path, "claim", proved)   # the two steps and the chain's ends
    assert edited == 3
    # The edit is one the cache would serve if it trusted what it reads: a valid judgement.
    db = sqlite3.connect(path)
    forged = [judgement_from_data(loads(p)) for (p,) in db.execute("SELECT payload FROM verdicts")]
    db.close()
    assert {j.status for j in forged} == {Status.PROVED}
    with VerdictCache(path) as cache:
        assert statuses(tmp_path, cache) == [Status.PROVED, Status.REFUTED]
        assert cache.stats.rejected == edited and cache.stats.hits == 0
    with VerdictCache(path) as cache:   # the recomputed verdicts replaced the forged ones
        assert statuses(tmp_path, cache) == [Status.PROVED, Status.REFUTED]
        assert cache.stats.rejected == 0 and cache.stats.hits == edited


def test_a_row_moved_to_another_key_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with VerdictCache(path) as cache:
        cache.put_data("grade", "right", {"score": 10})
        cache.put_data("grade", "wrong", {"score": 0})
    db = sqlite3.connect(path)
    mac, payload = db.execute("SELECT mac, payload FROM verdicts WHERE key = 'right'").fetchone()
    db.execute("UPDATE verdicts SET mac = ?, payload = ? WHERE key = 'wrong'", (mac, payload))
    db.commit()
    db.close()
    with VerdictCache(path) as cache:
        assert cache.get_data("grade", "wrong") is None
        assert cache.get_data("grade", "right") == {"score": 10}


def test_a_parse_tree_multiplied_by_zero_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    x, y = sp.symbols("x y")
    with VerdictCache(path) as cache:
        store = ParseStore(cache)
        assert store.put("x + y", sp.Add(x, y, evaluate=False))
        assert store.get("x + y") is not None
    zero = {"f": "Mul", "a": [{"i": "0"}]}
    assert edit_rows(path, KIND, lambda d: {"tree": {**zero, "a": [zero["a"][0], d["tree"]]}})
    with VerdictCache(path) as cache:
        assert ParseStore(cache).get("x + y") is None
        assert cache.stats.rejected == 1


def test_a_stranger_secret_makes_every_entry_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with VerdictCache(path) as cache:
        cache.put_data("grade", "k", {"score": 1})
    key_path = Path(f"{path}{KEY_SUFFIX}")
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    key_path.write_text("ab" * 32 + "\n")   # someone else's secret (still 0600)
    with VerdictCache(path) as cache:
        assert cache.get_data("grade", "k") is None


@pytest.mark.parametrize("damage", ["loose", "link", "garbage"])
def test_a_secret_that_is_not_private_is_replaced(tmp_path: Path, damage: str) -> None:
    """A secret others can read (or a link, or not a secret at all) is not trusted: a new one
    is made, 0600, and nothing written under the old one is served."""
    path = tmp_path / "c.sqlite3"
    with VerdictCache(path) as cache:
        cache.put_data("grade", "k", {"score": 1})
    key_path = Path(f"{path}{KEY_SUFFIX}")
    old = key_path.read_text()
    if damage == "loose":
        key_path.chmod(0o644)
    elif damage == "link":
        (tmp_path / "elsewhere").write_text(old)
        key_path.unlink()
        key_path.symlink_to(tmp_path / "elsewhere")
    else:
        key_path.write_text("not a secret")
    with VerdictCache(path) as cache:
        assert cache.get_data("grade", "k") is None
        assert cache.count() == 0
    assert not key_path.is_symlink() and key_path.read_text() != old
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600


@pytest.mark.parametrize("content", [
    b"this is not a database" * 100,                 # not SQLite at all
    b"SQLite format 3\0" + b"\xff" * 4000,           # a SQLite header on garbage
    "schema",                                         # SQLite, but not this table
])
def test_a_damaged_cache_file_is_moved_aside_and_rebuilt_with_one_warning(
        tmp_path: Path, content: bytes | str) -> None:
    path = tmp_path / "c.sqlite3"
    if content == "schema":
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE verdicts (key TEXT PRIMARY KEY, verdict TEXT)")
        db.commit()
        db.close()
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    before = path.read_bytes()
    warnings: list[str] = []
    assert cache_usable(path, warnings.append)
    assert len(warnings) == 1 and "damaged" in warnings[0] and "moved aside" in warnings[0]
    aside = [p for p in tmp_path.iterdir() if ".damaged-" in p.name and not
             p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1 and aside[0].read_bytes() == before
    with VerdictCache(path) as cache:                  # a working cache in its place
        assert cache.repaired is None
        cache.put_data("grade", "k", {"score": 1})
        assert cache.get_data("grade", "k") == {"score": 1}
    again: list[str] = []
    assert cache_usable(path, again.append) and again == []   # said once, not every run


def test_a_locked_cache_is_not_taken_for_damage(tmp_path: Path) -> None:
    """An unusable but sound file (here: not writable) is left where it is."""
    if os.geteuid() == 0:
        pytest.skip("root writes through permissions")
    path = tmp_path / "c.sqlite3"
    VerdictCache(path).close()
    tmp_path.chmod(0o500)
    try:
        warnings: list[str] = []
        cache_usable(path, warnings.append)
        assert not any("damaged" in w for w in warnings)
        assert path.exists()
    finally:
        tmp_path.chmod(0o700)
