"""Reading one submission: the file, its notation on top of the assignment's, the chain to
grade; or, for an empty, unreadable or refused file, the row that says why."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from verify.check.claims import Claim
from verify.core.limits import DOCUMENT_CHARS
from verify.grade.assignment import Assignment
from verify.grade.claims import ClaimJudge, holds
from verify.grade.mapping import (
    Mapped,
    NameMapping,
    Unmapped,
    defining_pairs,
    find_mapping,
    refused,
    with_spellings,
)
from verify.grade.results import Grade, Outcome, Part
from verify.model import expr as E
from verify.model.document import Chain, Document
from verify.model.notation import Notation
from verify.read.files import read_inside, submission_id, submission_paths
from verify.read.guards import check_latex, guard_document
from verify.read.latex.document import read_latex_document
from verify.read.latex.source import split_document
from verify.read.suffixes import GRADED_SUFFIXES


@dataclass(frozen=True)
class Submission:
    """A submission read: its document and the chain that is graded; ``chain`` is None when
    no line of any chain could be read (the document is kept so that the student's report can
    say why, line by line); ``mapped``: the names in other letters its lines were read
    through (:mod:`verify.grade.mapping`), which the grader flags where a grade turns on one."""

    document: Document
    chain: Chain | None
    notes: tuple[str, ...]
    mapped: tuple[Mapped, ...] = ()


def discover(folder: Path) -> list[Path]:
    """The submissions in a folder (not its subfolders), in a stable order."""
    return submission_paths(folder, GRADED_SUFFIXES)   # each gets a row: verify.read.files


def student_id(path: Path) -> str:
    return submission_id(path, GRADED_SUFFIXES)   # the stem, or the name when stems repeat


def error_grade(path: Path, assignment: Assignment, reason: str) -> Grade:
    return Grade(student_id(path), str(path), Outcome.ERROR, 0.0, assignment.rubric.maximum,
                 reason, parts=(_whole(assignment, 0.0, reason),),
                 notes=(f"review: {reason}",))


def refused_line(data: bytes, suffix: str) -> str | None:
    """The first line whose numbers would explode while it is read (``10^{10^{10}}``): the
    LaTeX reader evaluates as it parses, so such a line is refused before it is read, and the
    submission left to a human (verify.read.guards guards the steps only once they are read)."""
    text = data.decode("utf-8", errors="replace")
    for chain in split_document(text, ".tex" if suffix.lower() == ".tex" else ".md"):
        for step in chain.steps:
            problem = check_latex(step.text)
            if problem and "longer than" not in problem:  # long steps are the reader's business
                return f"line {step.line}: {problem}"
    return None


def read_submission(path: Path, assignment: Assignment,
                    judge: ClaimJudge | None = None) -> Submission | Grade:
    """The submission read, or the row saying why it cannot be; ``judge`` checks the lines
    that would bear out a mapping onto a definition (a fresh one when not given)."""
    try:
        # Nothing outside the class folder, no FIFO, and no more than a document may hold.
        data = read_inside(path, most=DOCUMENT_CHARS + 1)
    except OSError as error:
        return unreadable_grade(path, assignment, Outcome.UNREADABLE, f"cannot read: {error}")
    if len(data) > DOCUMENT_CHARS:
        return unreadable_grade(path, assignment, Outcome.UNREADABLE,
                                f"cannot read: larger than {DOCUMENT_CHARS} bytes")
    if not data.strip():
        return unreadable_grade(path, assignment, Outcome.EMPTY, "empty file")
    refused = refused_line(data, path.suffix)
    if refused:
        return error_grade(path, assignment, f"not graded: {refused}")
    # Steps whose size would explode (a power tower, a huge factorial) become unreadable
    # before SymPy evaluates them: a student's file is untrusted input.
    document = guard_document(read_latex_document(path, base_notation=assignment.notation))
    document, mapping_notes, mapped = _in_assignment_letters(
        path, data, document, assignment,
        judge if judge is not None else ClaimJudge(assignment.seed, assignment.points))
    chain = main_chain(document)
    if chain is None:
        return Submission(document, None, tuple(f"input: {p}" for p in document.problems)
                          + mapping_notes, mapped)
    notes = [*(f"input: {p}" for p in document.problems), *mapping_notes]
    changed = redefinitions(assignment.notation, document.notation)
    if changed:
        notes.append(f"review: the submission redefines the assignment's {', '.join(changed)}; "
                     "graded with the assignment's meaning")
        document = _assignment_wins(assignment.notation, document)
        chain = document.chains[[c.name for c in document.chains].index(chain.name)]
    notes += [f"not graded: {c.name} (only the main chain is)" for c in document.chains
              if c is not chain and any(s.readable for s in c.steps)]
    return Submission(document, chain, tuple(notes), mapped)


def _in_assignment_letters(path: Path, data: bytes, document: Document, assignment: Assignment,
                           judge: ClaimJudge) -> tuple[Document, tuple[str, ...],
                                                       tuple[Mapped, ...]]:
    """The submission read again with the names it writes in other letters mapped onto the
    assignment's, where the mapping is unique (:mod:`verify.grade.mapping`) and, onto a
    definition, borne out by the submission's own defining line; the notes saying what was
    mapped ("mapped: read $\\theta$ as $\\mathbf{w}$") or, per unread line, why a name was
    not (to review); and the mappings applied.  Only lines that did not read are concerned."""
    unread = {step.location.line: step.problem or "" for chain in document.chains
              for step in chain.steps if not step.readable}
    if not unread:
        return document, (), ()
    mapping = find_mapping(data.decode("utf-8", errors="replace"), path.suffix,
                           assignment.notation)
    mapped = [m for m in mapping.mapped if set(unread) & set(m.lines)]
    notes = list(mapping.review_notes(unread))
    again = document
    while mapped:
        again = guard_document(read_latex_document(
            path, base_notation=with_spellings(assignment.notation, mapped)))
        new = [p for p in again.problems if p not in document.problems]
        if new:   # the added spellings clash with something: not read that way
            return document, (*notes, *(f"review: not read as the assignment's names ("
                                        f"{', '.join(m.note for m in mapped)}): {p}"
                                        for p in new)), ()
        refusals = _unconfirmed(again, mapped, assignment.notation, judge)
        if not refusals:
            break
        # Read again without them: their lines stay unread, each flagged with the reason.
        notes += NameMapping(unmapped=refusals).review_notes(unread)
        mapped = [m for m in mapped if m.spelling not in {r.spelling for r in refusals}]
    if not mapped:
        return document, tuple(notes), ()
    return again, (*(f"mapped: {m.note} (line{'s' * (len(m.lines) > 1)} "
                     f"{', '.join(map(str, m.lines))})" for m in mapped), *notes), tuple(mapped)


def _unconfirmed(document: Document, mapped: list[Mapped], notation: Notation,
                 judge: ClaimJudge) -> tuple[Unmapped, ...]:
    """The mappings onto a definition that ``document`` (read through them) does not bear
    out: a name of the student's is read as the assignment's definition only where a line
    defines it so and the engine proves or supports the two sides equal, and no such line is
    refuted.  A name's kind and shape alone say nothing of what it is defined as."""
    found = []
    for item in (m for m in mapped if m.definition):
        pairs = defining_pairs(document, item, notation)
        if not pairs:
            found.append(refused(item, "it has none"))
            continue
        claims = {after.location.line: Claim(f"define{n}", after.location, before.expr,
                                              after.expr, document.notation_of(chain),
                                              chain.where)
                  for n, (chain, before, after) in enumerate(pairs)
                  if before.expr is not None and after.expr is not None}
        judged = judge.judge(list(claims.values()))
        verdicts = {line: holds(judged[claim.key]) for line, claim in claims.items()}
        wrong = [line for line, verdict in verdicts.items() if verdict is False]
        if wrong:
            found.append(refused(item, f"line {wrong[0]} defines it otherwise"))
        elif True not in verdicts.values():
            found.append(refused(item, f"whether line {min(verdicts)} does could not be "
                                       "decided"))
    return tuple(found)


def unreadable_grade(path: Path, assignment: Assignment, outcome: Outcome, why: str) -> Grade:
    points = assignment.rubric.unreadable
    return Grade(student_id(path), str(path), outcome, points, assignment.rubric.maximum,
                 why, parts=(_whole(assignment, points, why),))


def _whole(assignment: Assignment, points: float, why: str) -> Part:
    return Part("Readable submission", points, assignment.rubric.maximum, False, why)


def main_chain(document: Document) -> Chain | None:
    """The chain graded: the longest that starts by differentiating (the gradient, not the
    loss written out beforehand), else the longest; None when no chain has a readable line."""
    readable = [c for c in document.chains if any(s.readable for s in c.steps)]
    if not readable:
        return None

    def rank(chain: Chain) -> tuple[bool, int]:
        first = next(s for s in chain.steps if s.readable)
        assert first.expr is not None
        return first.expr.has(E.Deriv), sum(1 for s in chain.steps if s.readable)

    best = max(rank(c) for c in readable)
    return next(c for c in readable if rank(c) == best)


def redefinitions(base: Notation, notation: Notation) -> list[str]:
    """Names of the assignment that a submission's own header gives another meaning (a loss
    redefined, sizes changed): its verdicts would not be about the assignment's problem."""
    changed = [f"size {n}" for n, v in base.sizes.items() if notation.sizes.get(n) != v]
    changed += [f"index {n}" for n, v in base.indices.items() if notation.indices.get(n) != v]
    for name, decl in base.symbols.items():
        mine = notation.symbols.get(name)
        if mine is None or (mine.family, mine.shape, mine.kind, mine.classes, mine.symmetric,
                            mine.interval) \
                != (decl.family, decl.shape, decl.kind, decl.classes, decl.symmetric,
                    decl.interval):
            changed.append(f"symbol {name}")
    for name, definition in base.definitions.items():
        mine_def = notation.definitions.get(name)
        if mine_def is None or (mine_def.style, mine_def.params, mine_def.body) != \
                (definition.style, definition.params, definition.body):
            changed.append(f"definition {name}")
    return changed


def _assignment_wins(base: Notation, document: Document) -> Document:
    """The submission's notation with every name of the assignment restored: a student's
    additions (a helper definition, a spelling) stay, a changed loss or size does not.  The
    lines were read already, so only the meanings change."""

    def restored(notation: Notation) -> Notation:
        return Notation({**notation.sizes, **base.sizes}, {**notation.indices, **base.indices},
                        {**notation.symbols, **base.symbols},
                        {**notation.definitions, **base.definitions}, notation.assumptions)

    chains = tuple(replace(c, notation=restored(c.notation)) if c.notation else c
                   for c in document.chains)
    return replace(document, notation=restored(document.notation), chains=chains)
