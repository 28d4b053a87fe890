"""Writes the synthetic class: clean derivations of the softmax-regression gradient in the
notation of assignments/softmax_gradient.yaml (in the styles of seeds 000, 001 and 003),
and mutations of them, one student per file.  The expected grades are NOT generated: they
are written by hand in expected.yaml.  Run from the repository root after changing a template:

    .venv/bin/python tests/data/class/generate.py
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

S = r"\sum_{i=1}^{N}"
SK = r"\sum_{k=1}^{K}"
SM = r"\sum_{m=1}^{K}"
W = r"\mathbf{w}"
X = r"\mathbf{x}_i"
GRAD = r"\nabla_{\mathbf{w}_j}"
LSE = rf"\log {SM} \exp({W}_m^T {X})"

# Seed 000's route: log of the softmax split into a linear term and a log-sum-exp.
A = [
    rf"{GRAD} L",
    rf"-\frac{{1}}{{N}} {S} {SK} y_{{ik}} {GRAD} \log p_{{ik}}",
    rf"-\frac{{1}}{{N}} {S} {SK} y_{{ik}} {GRAD} \left( {W}_k^T {X} - {LSE} \right)",
    rf"-\frac{{1}}{{N}} {S} {SK} y_{{ik}} \left( \delta_{{kj}} {X} - p_{{ij}} {X} \right)",
    rf"-\frac{{1}}{{N}} {S} \left( y_{{ij}} - p_{{ij}} {SK} y_{{ik}} \right) {X}",
    rf"-\frac{{1}}{{N}} {S} \left( y_{{ij}} - p_{{ij}} \right) {X}",
    rf"\frac{{1}}{{N}} {S} \left( p_{{ij}} - y_{{ij}} \right) {X}",
]

# Seed 003's route: the chain rule through the softmax's own derivative.
B = [
    rf"{GRAD} L(W)",
    rf"-\frac{{1}}{{N}} {S} {SK} \frac{{y_{{ik}}}}{{p_{{ik}}}} {GRAD} p_{{ik}}",
    rf"-\frac{{1}}{{N}} {S} {SK} \frac{{y_{{ik}}}}{{p_{{ik}}}} p_{{ik}} "
    rf"\left( \delta_{{kj}} - p_{{ij}} \right) {X}",
    rf"-\frac{{1}}{{N}} {S} {SK} y_{{ik}} \left( \delta_{{kj}} - p_{{ij}} \right) {X}",
    rf"-\frac{{1}}{{N}} {S} \left( y_{{ij}} - p_{{ij}} {SK} y_{{ik}} \right) {X}",
    rf"\frac{{1}}{{N}} {S} \left( p_{{ij}} - y_{{ij}} \right) {X}",
]

# Seed 001's route, short: the one-hot sum used at once.
C = [
    rf"{GRAD} L",
    rf"-\frac{{1}}{{N}} {S} {GRAD} \left( {SK} y_{{ik}} {W}_k^T {X} - {LSE} \right)",
    rf"-\frac{{1}}{{N}} {S} \left( y_{{ij}} {X} - \frac{{\exp({W}_j^T {X})}}"
    rf"{{{SM} \exp({W}_m^T {X})}} {X} \right)",
    rf"\frac{{1}}{{N}} {S} {X} \left( p_{{ij}} - y_{{ij}} \right)",
]

PROSE = ["We start from the definition of the loss.", "Differentiate term by term.",
         "Now simplify.", "The labels are one-hot.", "Collect the terms.", "Hence:"]


def markdown(lines: list[str], prose: bool = True) -> str:
    parts = ["# Homework 3: the softmax gradient", ""]
    for number, line in enumerate(lines):
        if prose and number < len(PROSE) and number % 2 == 1:
            parts += [PROSE[number], ""]
        parts += [f"$$ {'= ' if number else ''}{line} $$", ""]
    return "\n".join(parts)


def tex(lines: list[str]) -> str:
    rows = [lines[0] + r" &= " + lines[1] + r" \\"]
    rows += [r"&= " + line + r" \\" for line in lines[2:]]
    rows[-1] = rows[-1].removesuffix(r" \\")
    return "\n".join([r"\documentclass{article}", r"\usepackage{amsmath}",
                      r"\begin{document}", r"\section*{Problem 3}",
                      r"\begin{align*}", *rows, r"\end{align*}", r"\end{document}", ""])


def changed(lines: list[str], **replace: str) -> list[str]:
    """``changed(A, l4="...")``: line 4 (1-based) replaced; ``l4=""`` removes it."""
    result = list(lines)
    for key, text in sorted(replace.items(), key=lambda kv: -int(kv[0][1:])):
        number = int(key[1:]) - 1
        if text:
            result[number] = text
        else:
            del result[number]
    return result


def inserted(lines: list[str], after: int, text: str) -> list[str]:
    return [*lines[:after], text, *lines[after:]]


MINUS_N = r"-\frac{1}{N}"
PLUS_N = r"\frac{1}{N}"

SUBMISSIONS: dict[str, str] = {
    # ---- right ---------------------------------------------------------------------------
    "ok_ada.md": markdown(A),
    "ok_ben.md": markdown(A, prose=False),
    "ok_cai.md": markdown(B),
    "ok_dev.md": markdown(C),
    "ok_eve.tex": tex(A),
    "ok_fay.tex": tex(B),
    "ok_gus.md": markdown([line.replace(r"\mathbf", r"\boldsymbol") for line in A]),
    "ok_hal.md": markdown([line.replace("p_{", r"\hat{y}_{") for line in B]),
    "ok_ivy.md": markdown(changed(A, l6="")),
    # ---- a slip, carried on to the end ---------------------------------------------------
    "sign_final.md": markdown(changed(
        A, l7=rf"{PLUS_N} {S} \left( y_{{ij}} - p_{{ij}} \right) {X}")),
    "sign_term.md": markdown(changed(
        A, l4=A[3].replace(r"- p_{ij}", r"+ p_{ij}"),
        l5=A[4].replace(r"y_{ij} - p_{ij}", r"y_{ij} + p_{ij}"),
        l6=A[5].replace(r"y_{ij} - p_{ij}", r"y_{ij} + p_{ij}"),
        l7=rf"{MINUS_N} {S} \left( p_{{ij}} + y_{{ij}} \right) {X}")),
    "lost_n_early.md": markdown([A[0]] + [line.replace(r"\frac{1}{N} ", "") for line in A[1:]]),
    "lost_n_final.md": markdown(changed(A, l7=rf"{S} \left( p_{{ij}} - y_{{ij}} \right) {X}")),
    "lost_n_tex.tex": tex(changed(B, l6=rf"{S} \left( p_{{ij}} - y_{{ij}} \right) {X}")),
    "dropped_term.md": markdown(changed(
        A, l4=rf"{MINUS_N} {S} {SK} y_{{ik}} \delta_{{kj}} {X}",
        l5=rf"{MINUS_N} {S} y_{{ij}} {X}", l6="", l7="")),
    "dropped_lse.md": markdown(changed(
        A, l3=rf"{MINUS_N} {S} {SK} y_{{ik}} {GRAD} {W}_k^T {X}",
        l4=rf"{MINUS_N} {S} {SK} y_{{ik}} \delta_{{kj}} {X}",
        l5=rf"{MINUS_N} {S} y_{{ij}} {X}", l6="", l7="")),
    "factor_two.md": markdown(changed(
        B, l3=B[2].replace(r"\left( \delta", r"2 \left( \delta"),
        l4=B[3].replace(r"\left( \delta", r"2 \left( \delta"),
        l5=B[4].replace(r"\left( y_{ij}", r"2 \left( y_{ij}"),
        l6=rf"\frac{{2}}{{N}} {S} \left( p_{{ij}} - y_{{ij}} \right) {X}")),
    "one_sample.md": markdown(changed(
        A, l2=rf"-{SK} y_{{1k}} {GRAD} \log p_{{1k}}",
        l3=rf"-{SK} y_{{1k}} \left( \delta_{{kj}} \mathbf{{x}}_1 - p_{{1j}} \mathbf{{x}}_1 \right)",
        l4=r"-\left( y_{1j} - p_{1j} \right) \mathbf{x}_1",
        l5=r"\left( p_{1j} - y_{1j} \right) \mathbf{x}_1", l6="", l7="")),
    # ---- a slip that a later line undoes -------------------------------------------------
    "swap_typo.md": markdown(changed(
        A, l4=rf"{MINUS_N} {S} {SK} y_{{ij}} \left( \delta_{{kj}} {X} - p_{{ik}} {X} \right)")),
    "two_signs.md": markdown(changed(
        A, l3=A[2].replace(MINUS_N, PLUS_N, 1), l4=A[3].replace(MINUS_N, PLUS_N, 1),
        l5=A[4].replace(MINUS_N, PLUS_N, 1))),
    "jump_to_answer.md": markdown(changed(
        A, l5=rf"{MINUS_N} {S} \left( y_{{ij}} - p_{{ij}} \right) {X} {SK} y_{{ik}}",
        l6=rf"{MINUS_N} {S} y_{{ij}} {X}")),
    # ---- the wrong problem, worked correctly ---------------------------------------------
    "wrong_start.md": markdown(
        [rf"{GRAD} \left( -{S} {SK} y_{{ik}} \log p_{{ik}} \right)"]
        + [line.replace(r"\frac{1}{N} ", "") for line in A[1:]]),
    # ---- form ----------------------------------------------------------------------------
    "garbage_line.md": markdown(inserted(A, 3, r"\text{and then by the chain rule we get}")),
    "garbage_two.md": markdown(inserted(inserted(A, 2, r"\frac{a}{b"), 5,
                                        r"\mathbf{w}_j \approx 0")),
    "short.md": markdown([A[0], A[-1]]),
    "no_result.md": markdown(A[:3]),
    "only_start.md": markdown(A[:1]),
    "empty.md": "",
    "blank.tex": "  \n\n",
    "prose_only.md": "# Homework 3\n\nI did not have time to finish this one, sorry.\n",
    "all_garbage.md": markdown([r"\frac{d}{", r"\text{gradient}", r"\mathbf{w}_j \approx 0"]),
    "redefines.md": "---\nsizes: {N: [1]}\n---\n" + markdown(changed(
        A, l2=rf"-{S} {SK} y_{{ik}} {GRAD} \log p_{{ik}}",
        l3=rf"-{S} {SK} y_{{ik}} {GRAD} \left( {W}_k^T {X} - {LSE} \right)",
        l4=rf"-{S} {SK} y_{{ik}} \left( \delta_{{kj}} {X} - p_{{ij}} {X} \right)",
        l5="", l6="", l7=rf"{S} \left( p_{{ij}} - y_{{ij}} \right) {X}")),
}


def main() -> None:
    for name, text in SUBMISSIONS.items():
        (HERE / name).write_text(text, encoding="utf-8")
    # not UTF-8: the reader must say so, not guess
    latin1 = "$$ \\nabla_{\\mathbf{w}_j} L = caf\xe9 $$\n"
    (HERE / "latin1.md").write_bytes(latin1.encode("latin-1"))


if __name__ == "__main__":
    main()
