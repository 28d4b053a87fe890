r"""The soak run of issue 17: many generated hostile documents and submissions through the two
commands a user runs, checked for crashes, hangs, lost rows and reads outside the folders.

    .venv/bin/python bench/soak.py WORK_FOLDER [--documents 10000] [--submissions 1000]
                                               [--seed 0] [--jobs 2]

WORK_FOLDER is created (it must not exist).  What it does:

1. **Documents.** Each is a small Markdown or LaTeX derivation built from the display lines
   of the repository's real documents (``tests/data/real``, ``tests/data/corpus``,
   ``examples/seeds``, the hostile and fuzz regression folders) and the notation header of one
   of them, then damaged by one to three mutations drawn from a table of what hostile and
   careless input does (deep nesting, power towers, huge sums and numbers, TeX and macro
   bombs, broken YAML, unicode letters, control characters, BOM and CR line ends, truncation,
   doubled lines, a document of many steps).  About one in fifty entries is not a document
   but a hostile *entry*: a link to a secret file outside the folder, a dangling link, a
   folder or a FIFO named like a document, a file name with escapes or a newline.
2. **Check.** ``python -m verify DOCS --json check.json --jobs N`` in a fresh process, with a
   wall-clock allowance of (documents x 2 s) + 600 s; stdout and stderr are kept.
3. **Submissions.** The synthetic class of ``bench/synthetic.py`` (``--submissions`` distinct
   students) with one in ten damaged the same way, graded by ``python -m verify grade
   examples/class/assignment.yaml SUBS --out grade --no-reports --jobs N``.
4. **Verdict of the soak**, printed and written to ``WORK_FOLDER/soak.json``: for each run its
   exit code, wall time and the counts that must be 0 -- tracebacks on stderr, documents or
   submissions without a row, steps with an internal error, the secret's text anywhere in the
   outputs, files written outside the work folder's output places.

Nothing here is imported by the tool; the script uses the standard library only (and the
synthetic class builder next to it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "tests" / "data" / "real", ROOT / "tests" / "data" / "corpus",
           ROOT / "examples" / "seeds", ROOT / "tests" / "data" / "fuzz_regressions",
           ROOT / "derivations"]
SECRET = "SOAK-SECRET-4f1c9e"
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def _corpus() -> list[tuple[str, list[str]]]:
    """(front-matter header, display lines) of each of the repository's documents."""
    found: list[tuple[str, list[str]]] = []
    for folder in SOURCES:
        for path in sorted(folder.glob("*.md")):
            text = path.read_text(encoding="utf-8", errors="replace")
            front = _FRONT.match(text)
            lines = [m.group(1).strip() for m in _DISPLAY.finditer(text)
                     if len(m.group(1)) < 600]
            if front is not None and lines:
                found.append((front.group(1), lines))
    return found


Mutation = Callable[[str, random.Random], str]


def _nest(text: str, rng: random.Random) -> str:
    depth = rng.choice([50, 200, 2000])
    return "{" * depth + text + "}" * depth


def _tower(text: str, rng: random.Random) -> str:
    return text + " + " + "x^{" * rng.choice([5, 30, 300]) + "2" + "}" * 300


def _big_sum(text: str, rng: random.Random) -> str:
    return text + r" + \sum_{i=1}^{" + str(rng.choice([10**5, 10**12])) + "} i"


def _big_number(text: str, rng: random.Random) -> str:
    return text + " + " + "9" * rng.choice([20, 200, 5000])


def _macro_bomb(text: str, rng: random.Random) -> str:
    chain = "".join(rf"\newcommand{{\m{chr(97 + k)}}}{{\m{chr(98 + k)}\m{chr(98 + k)}}}"
                    for k in range(rng.choice([3, 12, 20])))
    return chain + "\n" + text + r" + \ma"


def _self_macro(text: str, _: random.Random) -> str:
    return r"\newcommand{\loop}{\loop x}" + "\n" + text + r" = \loop"


def _tex_bomb(text: str, rng: random.Random) -> str:
    return text + " + " + r"\phantom{" * rng.choice([12, 40]) + "x" + "}" * 40


def _unicode(text: str, rng: random.Random) -> str:
    return text + " " + rng.choice(["α", "é", "а", "²", "ℝ", "∮", "𝒳", "\u202e", "\u200b"])


def _control(text: str, rng: random.Random) -> str:
    return text + rng.choice(["\x1b[31m", "\x00", "\x08", "\r", "\f"])


def _truncate(text: str, rng: random.Random) -> str:
    return text[:rng.randrange(1, max(2, len(text)))]


def _double(text: str, _: random.Random) -> str:
    return text + " = " + text


def _brackets(text: str, rng: random.Random) -> str:
    return text + rng.choice(["(", ")", r"\left(", r"\right]", "{", "}}", r"\begin{pmatrix}"])


MUTATIONS: tuple[Mutation, ...] = (_nest, _tower, _big_sum, _big_number, _macro_bomb,
                                   _self_macro, _tex_bomb, _unicode, _control, _truncate,
                                   _double, _brackets)


def _header(header: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        header = header.replace(":", "", 1)                       # broken YAML
    elif roll < 0.08:
        header = "a: &a [1]\nb: [*a, *a, *a]\n" + header          # an alias
    elif roll < 0.10:
        header = "x: !!python/object:os.system {}\n" + header      # a tag
    elif roll < 0.12:
        header = "sizes: " + "[" * 5000 + "]" * 5000 + "\n"        # nesting
    return header


def document(corpus: list[tuple[str, list[str]]], rng: random.Random) -> tuple[str, str]:
    """(suffix, text) of one generated document: lines of one source under its header (now
    and then another's), damaged."""
    header, lines = rng.choice(corpus)
    if rng.random() < 0.1:
        header = rng.choice(corpus)[0]
    body = [rng.choice(lines) for _ in range(rng.randint(1, 4))]
    for _ in range(rng.randint(0, 2) if rng.random() < 0.7 else rng.randint(1, 3)):
        k = rng.randrange(len(body))
        body[k] = rng.choice(MUTATIONS)(body[k], rng)
    if rng.random() < 0.01:
        body = body * rng.choice([500, 3000])                       # a long document
    if rng.random() < 0.2:
        blocks = "\n".join(r"\begin{align*}" + b + r"\end{align*}" for b in body)
        return ".tex", f"% verify-notation:\n% sizes: {{n: [2]}}\n{blocks}\n"
    text = "---\n" + _header(header, rng) + "\n---\n" + "\n\n".join(f"$$\n{b}\n$$" for b in body)
    if rng.random() < 0.03:
        text = "\ufeff" + text.replace("\n", "\r")
    return ".md", text + "\n"


def _hostile_entry(folder: Path, number: int, secret: Path, rng: random.Random) -> None:
    kind = rng.choice(["link_out", "dangling", "folder", "fifo", "name"])
    name = f"h{number:05d}"
    if kind == "link_out":
        (folder / f"{name}.md").symlink_to(secret)
    elif kind == "dangling":
        (folder / f"{name}.md").symlink_to(folder / "nowhere.md")
    elif kind == "folder":
        (folder / f"{name}.md").mkdir()
    elif kind == "fifo":
        os.mkfifo(folder / f"{name}.md")
    else:
        odd = rng.choice(["\x1b[2J", "\n", "\u202e", " ", "é"])
        (folder / f"{name}{odd}x.md").write_text("$$ a = a $$\n", encoding="utf-8")


def build_documents(folder: Path, count: int, secret: Path, rng: random.Random) -> int:
    """``count`` entries in ``folder``; returns how many of them are document-named."""
    corpus = _corpus()
    folder.mkdir(parents=True)
    for number in range(count):
        if rng.random() < 0.02:
            _hostile_entry(folder, number, secret, rng)
            continue
        suffix, text = document(corpus, rng)
        (folder / f"d{number:05d}{suffix}").write_text(text, encoding="utf-8", errors="replace")
    return count


def _run(command: list[str], allowance: float, log: Path) -> dict[str, object]:
    started = time.monotonic()
    with (log.with_suffix(".out")).open("w") as out, (log.with_suffix(".err")).open("w") as err:
        try:
            process = subprocess.run(command, stdout=out, stderr=err, timeout=allowance,
                                     cwd=ROOT, check=False)
            code: int | None = process.returncode
        except subprocess.TimeoutExpired:
            code = None
    errors = log.with_suffix(".err").read_text(errors="replace")
    return {"command": " ".join(command[1:]), "exit": code,
            "seconds": round(time.monotonic() - started, 1),
            "hang": code is None, "tracebacks": errors.count("Traceback (most recent call last)")}


def _secret_seen(paths: Sequence[Path]) -> int:
    seen = 0
    for path in paths:
        for file in ([path] if path.is_file() else path.rglob("*")):
            if file.is_file() and not file.is_symlink() and \
                    SECRET in file.read_text(errors="replace"):
                seen += 1
    return seen


def _internal_errors(check_json: Path) -> tuple[int, int]:
    """(documents in the JSON, steps with an internal error)."""
    if not check_json.exists():
        return 0, 0
    data = json.loads(check_json.read_text())
    documents = data.get("documents", [])
    internal = sum(1 for d in documents for c in d.get("chains", []) for s in c.get("steps", [])
                   if s.get("internal_error"))
    return len(documents), internal


def _failures(run: dict[str, object]) -> int:
    """What must be 0 in one run: a hang, tracebacks, lost rows, internal errors."""
    counts = [run.get(k) for k in ("tracebacks", "lost_rows", "internal_errors")]
    return int(bool(run.get("hang"))) + sum(c for c in counts if isinstance(c, int))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--submissions", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    work: Path = args.work.resolve()
    work.mkdir(parents=True)
    rng = random.Random(args.seed)
    outside = work / "outside"
    outside.mkdir()
    secret = outside / "secret.md"
    secret.write_text(f"$$ {SECRET} = 1 $$\n")
    before = {p: p.stat().st_mtime_ns for p in outside.iterdir()}
    python = sys.executable
    report: dict[str, object] = {"seed": args.seed, "jobs": args.jobs}

    docs = work / "docs"
    entries = build_documents(docs, args.documents, secret, rng)
    check = _run([python, "-m", "verify", str(docs), "--json", str(work / "check.json"),
                  "--jobs", str(args.jobs), "--cache", str(work / "cache.sqlite"), "--quiet"],
                 entries * 2.0 + 600, work / "check")
    rows, internal = _internal_errors(work / "check.json")
    # A link, a folder, a FIFO named like a document: refused, one line each on stderr.
    refused = (work / "check.err").read_text(errors="replace").count(": not read: ")
    check.update({"entries": entries, "json_documents": rows, "refused_entries": refused,
                  "lost_rows": max(0, entries - rows - refused), "internal_errors": internal})
    report["check"] = check

    sys.path.insert(0, str(ROOT / "bench"))
    import synthetic
    subs = work / "subs"
    synthetic.build_class(subs, args.submissions, args.seed)
    files = sorted(p for p in subs.iterdir() if p.is_file())
    for path in files[::10]:
        text = path.read_text(encoding="utf-8")
        path.write_text(rng.choice(MUTATIONS)(text, rng), encoding="utf-8", errors="replace")
    (subs / "zz_link_out.md").symlink_to(secret)
    grade_out = work / "grade"
    grade = _run([python, "-m", "verify", "grade", str(ROOT / "examples" / "class" /
                  "assignment.yaml"), str(subs), "--out", str(grade_out), "--no-reports",
                  "--jobs", str(args.jobs), "--quiet"], len(files) * 5.0 + 600, work / "grade")
    gradebook = grade_out / "gradebook.csv"
    graded = max(0, len(gradebook.read_text().splitlines()) - 1) if gradebook.exists() else 0
    grade.update({"submissions": len(files) + 1, "gradebook_rows": graded,
                  "lost_rows": max(0, len(files) + 1 - graded)})
    report["grade"] = grade

    secret_seen = _secret_seen([work / "check.json", work / "check.out", work / "check.err",
                                grade_out, work / "grade.out", work / "grade.err"])
    outside_changed = sum(1 for p in outside.iterdir() if before.get(p) != p.stat().st_mtime_ns)
    report["secret_in_outputs"] = secret_seen
    report["outside_changed"] = outside_changed
    bad = _failures(check) + _failures(grade) + secret_seen + outside_changed
    report["failures"] = bad
    (work / "soak.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
