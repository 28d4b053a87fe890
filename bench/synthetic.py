r"""A synthetic class of DISTINCT student submissions for the grading benchmark (issue 6).

    .venv/bin/python bench/synthetic.py OUT_FOLDER [--count 1000] [--seed 0]

Why: grading cost is driven by the number of distinct claims (each distinct pair of
consecutive lines is judged once per run), so a class made of copies of the 33 hand-made
submissions of ``tests/data/class/`` measures a cache, not a class.  Real students write the
same derivation in many small ways and make a few typical slips; this module builds such a
class, deterministically from a seed, with nothing but the standard library.

What one submission is:

* a route: one of the three clean derivations of ``tests/data/class/generate.py`` (A: log of
  the softmax split in two; B: the chain rule through the softmax; C: the short one-hot route),
  loaded from that file, never copied;
* about ten display lines (mean 9-11; 7-13 before the slips, which may cut a derivation
  short or add a garbage line): the route's lines with mathematically
  EQUIVALENT intermediate rewrites inserted where a student would write them (the definition
  of L or of p written out, the gradient taken term by term, the factor of x_i pulled out of a
  bracket, the one-hot sum written as 1, the 1/N moved inside the sum or written -1/N, factors
  commuted, a sum of a difference split into a difference of sums), and some lines repeated in
  another dress (a ``\cdot``, ``\Bigl(``, ``\,``, ``\frac1N``, ``\sum_{i}``);
* 0 to 2 slips, with frequencies chosen so that about 44 % of the students are fully right:
  the sign of the whole line or of one term flipped, the 1/N lost, a factor 2, the probability
  term dropped, the indices j and k swapped (the class's ``swap_typo``) or p_{ij} written
  p_{ji}, two compensating errors (a slip undone later), a garbage line, a jump to the answer
  after a wrong line.  A slip at line k is carried to the later lines 80 % of the time (real
  students carry their mistake), else the next line is right again;
* a surface: ``\mathbf`` or ``\boldsymbol``, ``\left(`` or ``(``, ``\exp`` or ``e^``, ``\log``
  or ``\ln``, ``^T`` or ``^\top``, ``\nabla_{\mathbf{w}_j}`` or ``\frac{\partial}{\partial
  \mathbf{w}_j}``, ``p`` or ``\hat{y}``, tight or spaced, prose between the lines or not,
  Markdown (``$$ ... $$``, several layouts) or, one file in five, LaTeX ``align*``;
* about 1 % of the files are empty (whitespace only) or prose only.

Every file is distinct (a draw that repeats an earlier file is drawn again).  Slips and
rewrites are text edits of the canonical lines, applied before the surface is chosen, so the
edits only ever meet the spelling of generate.py.  The rewrites and surfaces were checked by
grading a sample of 40 (seed 0, chosen to use every rewrite, dress and surface option): the 26
fully right ones got 10/10, every line of them an exact identity.  Two tight spellings that
the front end misread when this was written (``\cdot\mathbf{x}`` and ``p_{ik}\left(``, read
since; tests in tests/test_latex_parse.py) are still avoided (see ``surface``), so that the
class, and the figures measured on it, stay the same.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import random
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
GENERATE = ROOT / "tests" / "data" / "class" / "generate.py"


def _load_generate() -> ModuleType:
    """tests/data/class/generate.py, loaded by path: tests/ is no package, and the templates
    must stay in one place (a copy would drift from the hand-graded class)."""
    spec = importlib.util.spec_from_file_location("_class_generate", GENERATE)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {GENERATE}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


G = _load_generate()
ROUTES: dict[str, list[str]] = {"A": list(G.A), "B": list(G.B), "C": list(G.C)}
S: str = G.S          # \sum_{i=1}^{N}
SK: str = G.SK        # \sum_{k=1}^{K}
SM: str = G.SM        # \sum_{m=1}^{K}
W: str = G.W          # \mathbf{w}
X: str = G.X          # \mathbf{x}_i
GRAD: str = G.GRAD    # \nabla_{\mathbf{w}_j}
LSE: str = G.LSE      # \log \sum_m \exp(w_m^T x_i)
NEG: str = G.MINUS_N  # -\frac{1}{N}
POS: str = G.PLUS_N   # \frac{1}{N}
SOFTMAX = rf"\frac{{\exp({W}_j^T {X})}}{{{SM} \exp({W}_m^T {X})}}"
SOFTMAX_K = rf"\frac{{\exp({W}_k^T {X})}}{{{SM} \exp({W}_m^T {X})}}"

# ---- equivalent rewrites ----------------------------------------------------------------------
# Each line below equals the gradient (every line of a right derivation does); they are listed
# by the gap of the route where a student would write them: key g = after the route's line g
# (0-based), key -1 = after the last line (the answer restated in another closed form).  Within
# a gap the order is the order of the reasoning; a student takes a subset, in that order.

# The loss written out, with the constant outside or inside the gradient.
_DEFINITION = [
    rf"{GRAD} \left( {NEG} {S} {SK} y_{{ik}} \log p_{{ik}} \right)",
    rf"{NEG} {GRAD} {S} {SK} y_{{ik}} \log p_{{ik}}",
]
_LOG_P = rf"{NEG} {S} {SK} y_{{ik}} {GRAD} \log p_{{ik}}"                       # = A[1]
_LOG_SPLIT = rf"{NEG} {S} {SK} y_{{ik}} {GRAD} \left( {W}_k^T {X} - {LSE} \right)"  # = A[2]
# (y_ij - p_ij) x_i and its dresses: after the one-hot sum has been used.
_RESULT_NEG = [
    rf"\frac{{-1}}{{N}} {S} \left( y_{{ij}} - p_{{ij}} \right) {X}",
    rf"{NEG} {S} \left( y_{{ij}} {X} - p_{{ij}} {X} \right)",
    rf"{NEG} \left( {S} y_{{ij}} {X} - {S} p_{{ij}} {X} \right)",
    rf"{POS} {S} \left( -y_{{ij}} + p_{{ij}} \right) {X}",
]
_TAIL = [
    rf"{POS} {S} {X} \left( p_{{ij}} - y_{{ij}} \right)",
    rf"{S} {POS} \left( p_{{ij}} - y_{{ij}} \right) {X}",
    rf"{POS} \left( {S} p_{{ij}} {X} - {S} y_{{ij}} {X} \right)",
    rf"{POS} {S} p_{{ij}} {X} - {POS} {S} y_{{ij}} {X}",
]
_ONE_HOT_SPLIT = (rf"{NEG} {S} \left( {SK} y_{{ik}} \delta_{{kj}} - p_{{ij}} {SK} y_{{ik}} \right) "
                  rf"{X}")

REWRITES: dict[str, dict[int, list[str]]] = {
    "A": {
        0: _DEFINITION,
        1: [rf"{NEG} {S} {SK} y_{{ik}} {GRAD} \log \left( {SOFTMAX_K} \right)"],
        2: [rf"{NEG} {S} {SK} y_{{ik}} \left( {GRAD} {W}_k^T {X} - {GRAD} {LSE} \right)",
            rf"{NEG} {S} {SK} y_{{ik}} \left( \delta_{{kj}} {X} - {SOFTMAX} {X} \right)"],
        3: [rf"{NEG} {S} {SK} y_{{ik}} \left( \delta_{{kj}} - p_{{ij}} \right) {X}",
            _ONE_HOT_SPLIT],
        4: [rf"{NEG} {S} \left( y_{{ij}} - p_{{ij}} \cdot 1 \right) {X}"],
        5: _RESULT_NEG,
        -1: _TAIL,
    },
    "B": {
        0: [*_DEFINITION, _LOG_P],
        1: [rf"{NEG} {S} {SK} y_{{ik}} \frac{{1}}{{p_{{ik}}}} {GRAD} p_{{ik}}"],
        3: [_ONE_HOT_SPLIT,
            rf"{NEG} {S} {SK} \left( y_{{ik}} \delta_{{kj}} - y_{{ik}} p_{{ij}} \right) {X}"],
        4: [rf"{NEG} {S} \left( y_{{ij}} - p_{{ij}} \right) {X}", *_RESULT_NEG],
        -1: _TAIL,
    },
    "C": {
        0: [*_DEFINITION, _LOG_P, _LOG_SPLIT,
            rf"{NEG} {S} {GRAD} \left( {SK} y_{{ik}} {W}_k^T {X} - {SK} y_{{ik}} {LSE} \right)"],
        1: [rf"{NEG} {S} \left( {GRAD} {SK} y_{{ik}} {W}_k^T {X} - {GRAD} {LSE} \right)",
            rf"{NEG} {S} \left( {SK} y_{{ik}} \delta_{{kj}} {X} - {GRAD} {LSE} \right)",
            rf"{NEG} {S} \left( y_{{ij}} {X} - {GRAD} {LSE} \right)"],
        2: [rf"{NEG} {S} \left( y_{{ij}} {X} - p_{{ij}} {X} \right)",
            rf"{NEG} {S} \left( y_{{ij}} - p_{{ij}} \right) {X}",
            rf"\frac{{-1}}{{N}} {S} \left( y_{{ij}} - p_{{ij}} \right) {X}",
            rf"{POS} {S} \left( p_{{ij}} - y_{{ij}} \right) {X}"],
        -1: [rf"{POS} {S} \left( p_{{ij}} - y_{{ij}} \right) {X}", *_TAIL[1:]],
    },
}
ROUTE_WEIGHTS = {"A": 0.45, "B": 0.30, "C": 0.25}


def _cdot_x(text: str) -> str:
    return re.sub(r"\\right\) (\\mathbf\{x\}_i)$", r"\\right) \\cdot \1", text)


def _cdot_n(text: str) -> str:
    return text.replace(rf"{POS} \sum", rf"{POS} \cdot \sum", 1)


def _bigl(text: str) -> str:
    return text.replace(r"\left(", r"\Bigl(").replace(r"\right)", r"\Bigr)")


def _thin(text: str) -> str:
    return re.sub(r" (\\mathbf\{x\}_i)$", r" \\, \1", text)


def _short_sum(text: str) -> str:
    return text.replace(S, r"\sum_{i}")


def _short_frac(text: str) -> str:
    return text.replace(r"\frac{1}{N}", r"\frac1N")


# A line repeated in another dress: the same expression, written again (students do).
RESTYLES: dict[str, Callable[[str], str]] = {
    "cdot_x": _cdot_x, "cdot_n": _cdot_n, "bigl": _bigl, "thin": _thin,
    "short_sum": _short_sum, "short_frac": _short_frac,
}

# ---- slips ------------------------------------------------------------------------------------
# A slip is a text edit of a canonical line; None where it does not apply.  Applied to the
# later lines as well, it carries the mistake forward consistently (the edits commute with the
# rewrites above: negation, the factor 1/N, the sign of the probability term, ...).

Edit = Callable[[str], str | None]


def top_level_terms(text: str) -> int:
    """How many terms the line has at depth 0 (a ``+``/``-`` after a space separates two)."""
    depth, terms = 0, 1
    for position, char in enumerate(text):
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
        elif char in "+-" and depth == 0 and position > 0 and text[position - 1] == " ":
            terms += 1
    return terms


def negate(text: str) -> str | None:
    if top_level_terms(text) > 1:
        return rf"-\left( {text} \right)"
    if text.startswith("-"):
        return text[1:].lstrip()
    if text.startswith(r"\frac{-1}{N}"):
        return r"\frac{1}{N}" + text[len(r"\frac{-1}{N}"):]
    return "-" + text


def lose_n(text: str) -> str | None:
    result = text.replace(r"\frac{-1}{N} ", "-").replace(rf"{POS} \cdot ", "")
    result = result.replace(f"{POS} ", "")
    return result if result != text else None


def double(text: str) -> str | None:
    result = text.replace(r"\frac{1}{N}", r"\frac{2}{N}").replace(r"\frac{-1}{N}",
                                                                    r"\frac{-2}{N}")
    return result if result != text else None


# The probability term: p_ij itself, the softmax written out, or the log-sum-exp it comes from.
_P_TERM = (r"(?:p_\{ij\}|y_\{ik\} p_\{ij\}|\\frac\{\\exp|\\log \\sum|"
           + re.escape(GRAD) + r" \\log \\sum|" + re.escape(S) + r" p_\{ij\}|"
           + re.escape(SK) + r" y_\{ik\} \\log \\sum)")
_SIGNED_P = re.compile(r"(?<= )([-+]) (?=" + _P_TERM + ")")
_LEADING_P = re.compile(r"\\left\( (?=p_\{ij\}|" + re.escape(S) + r" p_\{ij\})")
_FIRST_P = re.compile("^" + re.escape(POS) + " " + re.escape(S) + r" p_\{ij\}")
_DROP = re.compile(r"\\left\( ((?:(?!\\right\)).)*?) - " + _P_TERM
                   + r"(?:(?!\\right\)).)*? \\right\)")
# What is left when the probability term is dropped, written as the later lines would be.
DROPPED = rf"{NEG} {S} y_{{ij}} {X}"


def flip_term(text: str) -> str | None:
    """The sign of the probability term flipped (and of nothing else)."""
    match = _SIGNED_P.search(text)
    if match:
        sign = "+" if match.group(1) == "-" else "-"
        return text[:match.start()] + sign + text[match.end(1):]
    if _LEADING_P.search(text):
        return _LEADING_P.sub(r"\\left( -", text, count=1)
    if _FIRST_P.match(text):
        return "-" + text
    return None


def drop_term(text: str) -> str | None:
    result = _DROP.sub(lambda m: m.group(1), text, count=1)
    return result if result != text else None


_SWAP = re.compile("(" + re.escape(SK) + r" )y_\{ik\}((?:(?!\\sum).)*?)p_\{ij\}")


def swap_kj(text: str) -> str | None:
    """j and k exchanged inside the class sum, as the class's swap_typo: y_{ij} ... p_{ik}."""
    result = _SWAP.sub(r"\1y_{ij}\2p_{ik}", text, count=1)
    return result if result != text else None


def transpose(text: str) -> str | None:
    """p_{ij} written p_{ji}.  It parses, but the grader cannot check it: at the checked sizes
    the sample index j exceeds N = 1 ("index 2 of 'p' is outside 1..N"), so the line counts as
    unreadable, not refuted, as it would for a student who wrote it."""
    result = text.replace("p_{ij}", "p_{ji}")
    return result if result != text else None


CARRIED: dict[str, Edit] = {
    "sign_flip": negate, "sign_of_term": flip_term, "lost_1_over_N": lose_n,
    "factor_two": double, "dropped_term": drop_term, "swapped_indices": swap_kj,
    "transposed_indices": transpose,
}
# How often each slip is drawn (relative); "compensating", "garbage_line" and
# "jump_to_answer" act on the structure, not by one edit.
SLIP_WEIGHTS: dict[str, float] = {
    "sign_flip": 14, "sign_of_term": 12, "lost_1_over_N": 16, "factor_two": 8,
    "dropped_term": 10, "swapped_indices": 8, "transposed_indices": 3, "compensating": 9,
    "garbage_line": 12, "jump_to_answer": 8,
}
SLIP_COUNTS = (0.44, 0.40, 0.16)  # P(0, 1, 2 slips): about 44 % fully right
CARRY = 0.8                       # a slip carried to the later lines
BLANK_OR_PROSE = 0.01             # empty or prose-only files
GARBAGE = [r"\text{and then by the chain rule we get}", r"\mathbf{w}_j \approx 0",
           r"\text{same as above}", r"\Rightarrow \text{done}", r"\partial L \partial w",
           r"\text{(see my notes)}", r"? ? ?"]

# ---- surface ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Surface:
    """How one student writes: applied to every line at the end (after the slips)."""

    bold: bool = False       # \boldsymbol for \mathbf
    hat: bool = False        # \hat{y}_{ik} for p_{ik}
    plain: bool = False      # ( ) for \left( \right)
    exp_power: bool = False  # e^{...} for \exp(...)
    top: bool = False        # ^\top for ^T
    ln: bool = False         # \ln for \log
    partial: bool = False    # \frac{\partial}{\partial w_j} for \nabla_{w_j}
    short_limit: bool = False  # \sum_{i=1}^N for \sum_{i=1}^{N}
    loss: str = ""           # L written L(W) or L(\mathbf{w}) in the first line
    tight: bool = False      # no spaces around operators and commands


def surface(text: str, style: Surface) -> str:
    if style.exp_power:
        text = re.sub(r"\\exp\(([^()]*)\)", r"e^{\1}", text)
    if style.top:
        text = text.replace("^T", r"^\top")
    if style.ln:
        text = re.sub(r"\\log(?![A-Za-z])", r"\\ln", text)
    if style.partial:
        text = text.replace(GRAD, r"\frac{\partial}{\partial \mathbf{w}_j}")
    if style.short_limit:
        text = text.replace("^{N}", "^N").replace("^{K}", "^K")
    if style.loss:
        text = re.sub(r" L(\(W\))?$", " " + style.loss.replace("\\", "\\\\"), text)
    if style.plain:
        text = text.replace(r"\left(", "(").replace(r"\right)", ")")
    if style.hat:
        text = text.replace("p_{", r"\hat{y}_{")
    if style.bold:
        text = text.replace(r"\mathbf", r"\boldsymbol")
    if style.tight:
        # Spaces around operators and after a closing brace or bracket go.  Kept, although
        # LaTeX does not need them: after a letter (\log p), and before a bracket or
        # \left( (the front end read p_{ik}\left( as a call of p) and after a command
        # before \mathbf (it read \cdot\mathbf{x}_i as \cdotx).  Both are read now; the
        # spaces stay so that the class is the one the figures were measured on.
        text = re.sub(r" *([=+\-]) *", r"\1", text)
        text = re.sub(r"(?<=[})]) +(?=[\\{}^_])(?!\\left\(|\\Bigl\()", "", text)
        text = re.sub(r"(?<=[{(]) +", "", text)
        text = re.sub(r" +(?=[})])", "", text)
    return text


def draw_surface(rng: random.Random) -> Surface:
    return Surface(bold=rng.random() < 0.2, hat=rng.random() < 0.05, plain=rng.random() < 0.3,
                   exp_power=rng.random() < 0.15, top=rng.random() < 0.2,
                   ln=rng.random() < 0.1, partial=rng.random() < 0.15,
                   short_limit=rng.random() < 0.3,
                   loss=rng.choice(["", "", "", "", r"L(W)", r"L(\mathbf{w})"]),
                   tight=rng.random() < 0.2)


# ---- one student ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    text: str               # canonical spelling (the slips edit it)
    restyle: str = ""       # a RESTYLES key: this line repeats the one before in another dress
    garbage: bool = False   # an unreadable line: no slip touches it


@dataclass(frozen=True)
class Student:
    """One planned submission: its file name and text, and how it was made."""

    name: str
    text: str
    route: str                  # A, B, C, or "" for an empty or prose-only file
    lines: tuple[str, ...]      # the display lines as written
    slips: tuple[str, ...]      # the slip kinds applied; () when fully right
    kind: str = "derivation"    # derivation | empty | prose_only
    canonical: tuple[Line, ...] = ()  # the lines before the surface (to trace a line back)
    style: Surface | None = None

    @property
    def unmutated(self) -> bool:
        return self.kind == "derivation" and not self.slips


def _target_length(rng: random.Random) -> int:
    return max(7, min(13, round(rng.gauss(10.4, 1.3))))


def draft(route: str, rng: random.Random) -> list[Line]:
    """A right derivation of about ten lines: the route with rewrites inserted."""
    base = ROUTES[route]
    gaps = REWRITES[route]
    # (position in the route, key of the gap, number in the gap), in the order of the route
    slots = sorted((key % len(base), key, number) for key in gaps
                   for number in range(len(gaps[key])))
    wanted = _target_length(rng) - len(base)
    restyled = min(max(wanted, 0), rng.choice([0, 0, 1, 1, 2]))
    chosen = sorted(rng.sample(range(len(slots)), min(len(slots), max(wanted - restyled, 0))))
    restyled = max(restyled, wanted - len(chosen))  # a short route repeats more lines
    picked: dict[int, list[str]] = {}
    for index in chosen:
        position, key, number = slots[index]
        picked.setdefault(position, []).append(gaps[key][number])
    lines: list[Line] = []
    for position, text in enumerate(base):
        lines.append(Line(text))
        lines.extend(Line(extra) for extra in picked.get(position, []))
    for _ in range(restyled):
        at = rng.randrange(1, len(lines))
        dresses = [name for name, dress in sorted(RESTYLES.items())
                   if dress(lines[at].text) != lines[at].text]
        if dresses:
            lines.insert(at + 1, Line(lines[at].text, restyle=rng.choice(dresses)))
    return lines


def _edit_from(lines: list[Line], start: int, stop: int, edit: Edit,
               fallback: str | None = None) -> list[Line]:
    """``edit`` applied to lines[start:stop]; where it does not apply the line is kept, or
    replaced by ``fallback`` (the dropped term: the later lines are the shortened result)."""
    result = list(lines)
    for position in range(start, stop):
        line = result[position]
        if line.garbage:
            continue
        edited = edit(line.text)
        if edited is None and fallback is not None:
            edited = fallback
        if edited is not None:
            result[position] = replace(line, text=edited)
    return result


def _applicable(lines: list[Line], edit: Edit, first: int = 1, last: int | None = None
                ) -> list[int]:
    stop = len(lines) if last is None else last
    return [k for k in range(first, stop)
            if not lines[k].garbage and edit(lines[k].text) not in (None, lines[k].text)]


def slip(lines: list[Line], kind: str, rng: random.Random) -> list[Line] | None:
    """The derivation with one slip of this kind, or None when it has no place for it."""
    count = len(lines)
    if kind == "garbage_line":
        at = rng.randrange(1, count)
        return [*lines[:at], Line(rng.choice(GARBAGE), garbage=True), *lines[at:]]
    if kind == "jump_to_answer":
        # A wrong line, then the expected answer written down: the steps between are skipped.
        places = [k for k in range(2, count - 2) if not lines[k].garbage]
        if not places:
            return None
        k = rng.choice(places)
        wrong = drop_term(lines[k].text) or negate(lines[k].text) or lines[k].text
        return [*lines[:k], replace(lines[k], text=wrong), lines[-1]]
    if kind == "compensating":
        # A slip carried over one line or more, then a second error that cancels it: the
        # answer is right, the reasoning is not.
        reversible: list[Edit] = [negate, double, lose_n]
        edit = rng.choice(reversible)
        places = _applicable(lines, edit, 1, count - 2)
        if not places:
            return None
        k = rng.choice(places)
        return _edit_from(lines, k, rng.randrange(k + 2, count), edit)
    edit = CARRIED[kind]
    places = _applicable(lines, edit)
    if not places:
        return None
    k = rng.choice(places)
    # A typo of indices is rarely copied on; a slip in the algebra usually is.
    carried = rng.random() < (0.5 if kind == "swapped_indices" else CARRY)
    stop = count if carried else k + 1
    return _edit_from(lines, k, stop, edit, DROPPED if kind == "dropped_term" else None)


def written(lines: list[Line], style: Surface) -> list[str]:
    """The display lines as the student writes them; a line identical to the one before (a
    repeat whose dress did not apply, or a slip that made two lines equal) is written once."""
    result: list[str] = []
    for line in lines:
        text = RESTYLES[line.restyle](line.text) if line.restyle else line.text
        text = surface(text, style)
        if not result or text != result[-1]:
            result.append(text)
    return result


# ---- files ------------------------------------------------------------------------------------

TITLES = ["# Homework 3: the softmax gradient", "# HW 3", "## Problem 3", "",
          "# Softmax regression: gradient of the loss", "**Problem 3.**"]
PROSE: list[str] = [*G.PROSE, "By the chain rule:", "Using the definition of $p_{ik}$:",
                    r"Since $\sum_k y_{ik} = 1$ (one-hot labels):", "Rearranging,",
                    "Take the derivative inside the sum.", "So the gradient is", "Therefore",
                    "The derivative of the log-sum-exp is the softmax.", "Simplify:"]
EXCUSES = ["I did not have time to finish this one, sorry.",
           "I could not get the derivative to work out.", "See the paper copy I handed in.",
           "TODO", "I will finish this later."]


def markdown(lines: Sequence[str], rng: random.Random) -> str:
    """Markdown in one of several layouts: the class's own (generate.markdown), or a title,
    prose between some lines, one-line or three-line ``$$`` blocks, the first two lines in one
    block."""
    if rng.random() < 0.3:
        text: str = G.markdown(list(lines), prose=rng.random() < 0.6)
        return text
    title, prose_rate = rng.choice(TITLES), rng.choice([0.0, 0.0, 0.2, 0.4])
    tall, joined, gap = rng.random() < 0.2, rng.random() < 0.25, rng.choice(["\n", "\n\n"])
    blocks = [f"{lines[0]} = {lines[1]}", *(f"= {line}" for line in lines[2:])] if joined \
        else [lines[0], *(f"= {line}" for line in lines[1:])]
    parts = [title] if title else []
    for number, block in enumerate(blocks):
        if number and rng.random() < prose_rate:
            parts.append(rng.choice(PROSE))
        parts.append(f"$$\n{block}\n$$" if tall else f"$$ {block} $$")
    return gap.join(parts) + "\n"


def tex(lines: Sequence[str], rng: random.Random) -> str:
    """LaTeX ``align*`` (generate.tex), sometimes with a sentence before the derivation."""
    text: str = G.tex(list(lines))
    if rng.random() < 0.3:
        text = text.replace("\\section*{Problem 3}\n",
                            f"\\section*{{Problem 3}}\n{rng.choice(PROSE)}\n")
    return text


def blank_or_prose(suffix: str, rng: random.Random) -> tuple[str, str]:
    """An empty (whitespace only) or prose-only file, and which."""
    if rng.random() < 0.5:
        return rng.choice([" ", "\n", "\t"]) * rng.randrange(0, 40), "empty"
    excuse = " ".join(rng.sample(EXCUSES, rng.randrange(1, 3)))
    if suffix == ".tex":
        return (f"\\documentclass{{article}}\n\\begin{{document}}\n{excuse}\n"
                "\\end{document}\n", "prose_only")
    return f"{rng.choice(TITLES) or '# Homework 3'}\n\n{excuse}\n", "prose_only"


def draw_student(number: int, rng: random.Random) -> Student:
    suffix = ".tex" if rng.random() < 0.2 else ".md"
    name = f"student{number:04d}{suffix}"
    if rng.random() < BLANK_OR_PROSE:
        text, kind = blank_or_prose(suffix, rng)
        return Student(name, text, "", (), (), kind)
    route = rng.choices(sorted(ROUTE_WEIGHTS), weights=[ROUTE_WEIGHTS[r]
                                                         for r in sorted(ROUTE_WEIGHTS)])[0]
    lines = draft(route, rng)
    slips: list[str] = []
    wanted = rng.choices(range(3), weights=SLIP_COUNTS)[0]
    kinds = sorted(SLIP_WEIGHTS)
    for _ in range(wanted):
        for _attempt in range(10):  # a slip with no place in this derivation: draw another
            kind = rng.choices(kinds, weights=[SLIP_WEIGHTS[k] for k in kinds])[0]
            slipped = slip(lines, kind, rng)
            if slipped is not None:
                lines = slipped
                slips.append(kind)
                break
    style = draw_surface(rng)
    shown = written(lines, style)
    if suffix == ".tex" and len(shown) < 2:
        suffix, name = ".md", name.replace(".tex", ".md")
    text = tex(shown, rng) if suffix == ".tex" else markdown(shown, rng)
    return Student(name, text, route, tuple(shown), tuple(slips), canonical=tuple(lines),
                   style=style)


def plan_class(count: int, seed: int = 0) -> list[Student]:
    """``count`` distinct students, the same for the same seed."""
    rng = random.Random(seed)
    students: list[Student] = []
    seen: set[str] = set()
    for number in range(1, count + 1):
        for _attempt in range(1000):
            student = draw_student(number, rng)
            if student.text not in seen:
                break
        else:
            raise RuntimeError(f"no distinct submission found for student {number}")
        seen.add(student.text)
        students.append(student)
    return students


@dataclass(frozen=True)
class ClassStats:
    """What was written.  Display lines are the steps the grader reads (empty and prose-only
    files count 0); a pair is a line and the next one of the same submission."""

    count: int
    suffixes: Mapping[str, int] = field(default_factory=dict)
    mean_lines: float = 0.0
    min_lines: int = 0
    max_lines: int = 0
    distinct_lines: int = 0
    distinct_pairs: int = 0
    kinds: Mapping[str, int] = field(default_factory=dict)  # unmutated, empty, prose_only
    slips: Mapping[str, int] = field(default_factory=dict)  # per slip kind (2 slips: both)

    def summary(self) -> str:
        def listing(counts: Mapping[str, int]) -> str:
            return ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))

        return "\n".join([
            f"submissions: {self.count} ({listing(self.suffixes)})",
            f"display lines per submission: mean {self.mean_lines:.2f}, min {self.min_lines}, "
            f"max {self.max_lines}",
            f"distinct display lines: {self.distinct_lines}; distinct consecutive pairs: "
            f"{self.distinct_pairs}",
            f"submissions: {listing(self.kinds)}",
            f"slips: {listing(self.slips)}",
        ])


def statistics_of(students: Sequence[Student]) -> ClassStats:
    sizes = [len(s.lines) for s in students]
    kinds = Counter("unmutated" if s.unmutated else "with_slips" if s.slips else s.kind
                    for s in students)
    return ClassStats(
        count=len(students),
        suffixes=dict(Counter(Path(s.name).suffix for s in students)),
        mean_lines=sum(sizes) / len(sizes) if sizes else 0.0,
        min_lines=min(sizes, default=0), max_lines=max(sizes, default=0),
        distinct_lines=len({line for s in students for line in s.lines}),
        distinct_pairs=len({pair for s in students for pair in itertools.pairwise(s.lines)}),
        kinds=dict(kinds),
        slips=dict(Counter(kind for s in students for kind in s.slips)))


def build_class(folder: Path, count: int, seed: int = 0) -> ClassStats:
    """Write ``count`` distinct submissions (student0001.md, ...) into ``folder``."""
    if count < 1:
        raise ValueError("count must be positive")
    folder.mkdir(parents=True, exist_ok=True)
    students = plan_class(count, seed)
    for student in students:
        # Bytes, not text mode: the same file on every platform (no newline translation).
        (folder / student.name).write_bytes(student.text.encode("utf-8"))
    return statistics_of(students)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="where to write the submissions")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be positive")
    print(build_class(args.folder, args.count, args.seed).summary())


if __name__ == "__main__":
    main()
