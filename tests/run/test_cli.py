"""The command line, called as main([...]) the way a user calls it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.helpers import chain_document
from tests.paths import DERIVATIONS, SCHEMA_PATH
from verify.cli import EXIT, main, parse_sizes

SCHEMA = json.loads((SCHEMA_PATH).read_text())


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, *steps: str) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(chain_document(*steps)))
    return path


@pytest.mark.slow
def test_all_right_exits_zero(tmp_path: Path) -> None:
    code, out, _ = run(str(write(tmp_path, "ok.yaml", "2 * t", "t + t")))
    assert code == EXIT["ok"] == 0
    assert "ok.yaml" in out and ": proved —" in out
    assert "1 proved" in out


@pytest.mark.slow
def test_a_refuted_step_exits_one_and_names_file_line(tmp_path: Path) -> None:
    code, out, _ = run(str(write(tmp_path, "bad.yaml", "2 * t", "t")))
    assert code == EXIT["refuted"] == 1
    line = next(text for text in out.splitlines() if "refuted" in text)
    assert line.startswith(str(tmp_path / "bad.yaml") + ":")
    assert "diagnosis: this line is 1/2 times the line before: a factor 2 was lost" in out


@pytest.mark.slow
def test_missing_path_is_a_usage_error_but_others_are_still_checked(tmp_path: Path) -> None:
    good = write(tmp_path, "ok.yaml", "t", "t")
    code, out, err = run(str(good), str(tmp_path / "nope.yaml"))
    assert code == EXIT["input"] == 2
    assert "no such file" in err
    assert "ok.yaml" in out


@pytest.mark.slow
def test_malformed_yaml_is_reported_with_its_line_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a_broken.yaml").write_text("notation: {sizes: [\nchains: - x")
    write(tmp_path, "b_ok.yaml", "t", "t")
    code, out, _ = run(str(tmp_path))
    assert code == EXIT["input"]
    assert "a_broken.yaml" in out and "malformed YAML" in out
    assert "b_ok.yaml: 1 proved" in out


@pytest.mark.slow
def test_strict_fails_on_unparsed(tmp_path: Path) -> None:
    path = write(tmp_path, "u.yaml", "t", "undeclared_thing")
    assert run(str(path))[0] == EXIT["ok"]
    assert run(str(path), "--strict")[0] == EXIT["refuted"]


@pytest.mark.slow
def test_json_output_follows_the_schema(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, _, _ = run(str(DERIVATIONS / "003_4fc6b41a1466133b.yaml"), "--json", str(target),
                     "--quiet")
    assert code == EXIT["ok"]
    data = json.loads(target.read_text())
    jsonschema.validate(data, SCHEMA)
    steps = [s for c in data["documents"][0]["chains"] for s in c["steps"]]
    assert {s["status"] for s in steps} == {"start", "proved", "unparsed"}
    assert all(s["evidence"]["seed"] == 0 for s in steps if s["evidence"])


@pytest.mark.slow
def test_seed_and_sizes_are_recorded(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    path = write(tmp_path, "s.yaml", "Sum(x[i, 1], (i, 1, N))", "N * x[1, 1]")
    code, _, _ = run(str(path), "--seed", "5", "--sizes", "N=1", "--json", str(target))
    assert code == EXIT["ok"]  # at N = 1 the two agree; the sizes option is obeyed
    step = json.loads(target.read_text())["documents"][0]["chains"][0]["steps"][1]
    assert step["evidence"]["seed"] == 5
    assert step["evidence"]["sizes"] == [{"N": 1, "n": 2}, {"N": 1, "n": 3}]
    assert run(str(path))[0] == EXIT["refuted"]


@pytest.mark.parametrize(("text", "expected"), [
    ("K=2,3 N=1", {"K": (2, 3), "N": (1,)}),
    ("K=4;n=2,3", {"K": (4,), "n": (2, 3)}),
])
def test_parse_sizes(text: str, expected: dict[str, tuple[int, ...]]) -> None:
    assert parse_sizes(text) == expected


@pytest.mark.parametrize("argv", [["--sizes", "K=0", "x.yaml"], ["--points", "0", "x.yaml"],
                                  ["--seed", "-1", "x.yaml"], []])
def test_bad_arguments_exit_two(argv: list[str]) -> None:
    assert run(*argv)[0] == EXIT["input"]
