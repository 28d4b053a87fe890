"""A Gradescope autograder for an assignment: ``python -m verify grade ASSIGNMENT
--gradescope-autograder DIR`` writes the folder to zip and upload, and the one-student grading
its ``run_autograder`` calls (``--gradescope-results FILE``).

The folder (Gradescope unpacks it into ``/autograder/source``)::

    setup.sh            installs this very tool, pinned, into /autograder/venv (offline from
                        wheelhouse/ when it holds the wheels, else from the registry)
    run_autograder      grades /autograder/submission into /autograder/results/results.json
    assignment/NAME     the assignment file
    dist/*.whl          a wheel of the running derivation-verify, built from its own files
    constraints.txt     the exact versions of its dependencies in the running environment
    wheelhouse/         empty: fill it (README.md says how) for an install without network
    README.md           for the instructor: how to fill the wheelhouse, zip and upload

``/autograder`` is ``$VERIFY_AUTOGRADER_ROOT`` when set (a test runs the scripts in a folder
of its own) and the interpreter ``$VERIFY_AUTOGRADER_PYTHON`` (default the venv setup.sh
makes).  The wheel is assembled here (pure Python, ``py3-none-any``), so that no build tool
or network is needed, whether the tool runs from a checkout or from an installed wheel.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import re
import shlex
import zipfile
from collections.abc import Iterator
from pathlib import Path

from verify.core.atomic import write_text_atomic
from verify.grade.assignment import Assignment

DISTRIBUTION = "derivation-verify"
ROOT_VARIABLE = "VERIFY_AUTOGRADER_ROOT"
PYTHON_VARIABLE = "VERIFY_AUTOGRADER_PYTHON"
PYTHON_VERSION = "3.11"        # requires-python of the project: >=3.11,<3.12
_PACKAGE = Path(__file__).resolve().parents[1]   # the verify package this runs from
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)   # fixed: the same tool gives the same wheel, byte for byte


def write_autograder(folder: Path, assignment: Assignment, visibility: str,
                     seconds_per_step: float) -> list[Path]:
    """The autograder folder for ``assignment`` (``folder`` absent or empty); returns the
    files written."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ValueError(f"{folder}: not empty; give an empty or new folder")
    name = Path(assignment.path).name
    version = importlib.metadata.version(DISTRIBUTION)
    (folder / "assignment").mkdir()
    (folder / "assignment" / name).write_bytes(Path(assignment.path).read_bytes())
    (folder / "dist").mkdir()
    wheel = folder / "dist" / wheel_name(version)
    wheel.write_bytes(build_wheel(version))
    (folder / "wheelhouse").mkdir()
    written = [folder / "assignment" / name, wheel]
    texts = {"constraints.txt": "".join(f"{pin}\n" for pin in pins()),
             "setup.sh": setup_script(version),
             "run_autograder": run_script(name, visibility, seconds_per_step),
             "README.md": readme(assignment, version)}
    for file, text in texts.items():
        write_text_atomic(folder / file, text, within=folder)
        written.append(folder / file)
    for script in ("setup.sh", "run_autograder"):
        (folder / script).chmod(0o755)
    return written


# ---- the wheel ----------------------------------------------------------------------------
def wheel_name(version: str) -> str:
    return f"{_escaped(DISTRIBUTION)}-{version}-py3-none-any.whl"


def _escaped(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name)


def _package_files() -> Iterator[tuple[str, bytes]]:
    """Every file of the verify package (sources and data), by its path in the wheel."""
    for path in sorted(_PACKAGE.rglob("*")):
        relative = path.relative_to(_PACKAGE.parent)
        if path.is_file() and "__pycache__" not in relative.parts and path.suffix != ".pyc":
            yield relative.as_posix(), path.read_bytes()


def _metadata(version: str) -> str:
    """The installed distribution's metadata, reduced to what an install needs: its runtime
    requirements (the extras' are left out, so are their tools)."""
    meta = importlib.metadata.metadata(DISTRIBUTION)
    lines = ["Metadata-Version: 2.1", f"Name: {DISTRIBUTION}", f"Version: {version}"]
    for key in ("Summary", "Requires-Python"):
        lines += [f"{key}: {value}" for value in meta.get_all(key) or []]
    lines += [f"Requires-Dist: {r}" for r in _runtime_requirements(DISTRIBUTION)]
    return "\n".join(lines) + "\n"


def _runtime_requirements(distribution: str) -> list[str]:
    return [r for r in importlib.metadata.requires(distribution) or [] if "extra ==" not in r]


def build_wheel(version: str) -> bytes:
    """A wheel of the running package: its files, METADATA, WHEEL, entry points, RECORD."""
    info = f"{_escaped(DISTRIBUTION)}-{version}.dist-info"
    files = list(_package_files())
    files += [(f"{info}/METADATA", _metadata(version).encode()),
              (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: derivation-verify\n"
                                b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
              (f"{info}/entry_points.txt",
               b"[console_scripts]\nderivation-verify = verify.cli:main\n")]
    record = "".join(f"{name},sha256={_digest(data)},{len(data)}\n" for name, data in files)
    files.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            entry = zipfile.ZipInfo(name, _ZIP_TIME)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    return buffer.getvalue()


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


# ---- the pins -----------------------------------------------------------------------------
def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> list[str]:
    """``name==version`` of every distribution the tool needs, as installed here: its runtime
    requirements and theirs (those of an extra left out; one not installed here, such as a
    requirement of another platform, has no pin).  The versions this tool ran with."""
    found: dict[str, str] = {}
    queue = _runtime_requirements(DISTRIBUTION)
    while queue:
        matched = _NAME.match(queue.pop())
        if matched is None or _canonical(matched.group(1)) in found:
            continue
        try:
            distribution = importlib.metadata.distribution(matched.group(1))
        except importlib.metadata.PackageNotFoundError:
            continue
        found[_canonical(matched.group(1))] = \
            f"{distribution.metadata['Name']}=={distribution.version}"
        queue += _runtime_requirements(matched.group(1))
    return sorted(found.values(), key=str.lower)


# ---- the scripts --------------------------------------------------------------------------
def setup_script(version: str) -> str:
    return f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image: it installs
# derivation-verify {version} with the exact versions of constraints.txt into a virtualenv
# of its own, from wheelhouse/ without network when the wheels are there, else from the
# package registry.  It needs Python {PYTHON_VERSION} (Gradescope's Ubuntu 22.04 base image has it
# in its package archive).
set -euo pipefail
SOURCE="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
ROOT="${{{ROOT_VARIABLE}:-/autograder}}"
PYTHON="$(command -v python{PYTHON_VERSION} || true)"
if [ -z "$PYTHON" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -q && apt-get install -y -q python{PYTHON_VERSION} python{PYTHON_VERSION}-venv
  PYTHON="$(command -v python{PYTHON_VERSION} || true)"
fi
if [ -z "$PYTHON" ]; then
  echo "setup.sh: Python {PYTHON_VERSION} is needed (choose the Ubuntu 22.04 base image)" >&2
  exit 1
fi
"$PYTHON" -m venv "$ROOT/venv"
INSTALL=("$ROOT/venv/bin/python" -m pip install --constraint "$SOURCE/constraints.txt")
if compgen -G "$SOURCE/wheelhouse/*.whl" >/dev/null; then
  "${{INSTALL[@]}}" --no-index --find-links "$SOURCE/wheelhouse" "$SOURCE"/dist/*.whl
else
  "${{INSTALL[@]}}" "$SOURCE"/dist/*.whl
fi
"$ROOT/venv/bin/python" -m verify grade --help >/dev/null
echo "setup.sh: derivation-verify {version} installed in $ROOT/venv"
"""


def run_script(assignment_name: str, visibility: str, seconds_per_step: float) -> str:
    assignment = shlex.quote(f"assignment/{assignment_name}")
    return f"""#!/usr/bin/env bash
# Gradescope runs this for every submission: the student's files are in $ROOT/submission, the
# grade goes to $ROOT/results/results.json (Gradescope's autograder format).  ROOT is
# ${ROOT_VARIABLE} or /autograder; the interpreter ${PYTHON_VARIABLE} or the one setup.sh
# installed.
set -uo pipefail
ROOT="${{{ROOT_VARIABLE}:-/autograder}}"
PYTHON="${{{PYTHON_VARIABLE}:-$ROOT/venv/bin/python}}"
mkdir -p "$ROOT/results"
cd "$ROOT/source"
exec "$PYTHON" -m verify grade {assignment} "$ROOT/submission" \\
  --gradescope-results "$ROOT/results/results.json" --visibility {shlex.quote(visibility)} \\
  --no-cache --timeout {seconds_per_step:g}
"""


def readme(assignment: Assignment, version: str) -> str:
    return f"""# Gradescope autograder: {assignment.title}

Written by `python -m verify grade {Path(assignment.path).name} --gradescope-autograder`
(derivation-verify {version}).  Each student uploads one `.tex` or `.md` file; it is graded
with `assignment/{Path(assignment.path).name}` as `python -m verify grade` grades a class, and
the student sees the score, each rubric item, the diagnoses and the instructor's feedback.

1. Optional, for an install without network: fill `wheelhouse/` with the wheels of the
   pinned dependencies for Gradescope's machines (Linux x86-64, Python {PYTHON_VERSION}):

       pip download --dest wheelhouse --requirement constraints.txt --only-binary=:all: \\
           --platform manylinux2014_x86_64 --platform manylinux_2_27_x86_64 \\
           --python-version {PYTHON_VERSION.replace('.', '')} --implementation cp

   Without them, `setup.sh` installs the same versions from the package registry.
2. Zip the contents of this folder (not the folder itself): `zip -r ../autograder.zip .`
3. On Gradescope: a Programming Assignment, "Autograder configuration": choose the
   Ubuntu 22.04 base image and upload the zip.  The total points are the rubric's maximum
   ({assignment.rubric.maximum:g}).

`run_autograder` can be tried without Gradescope: make a folder with `source/` (this folder),
`submission/` (one student's file) and `results/`, copy `run_autograder` into it and run it
with `{ROOT_VARIABLE}` set to that folder and `{PYTHON_VARIABLE}` to an interpreter where
derivation-verify is installed.
"""
