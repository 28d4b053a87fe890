"""The only place that composes the stages: read a document, plan its claims, check them,
and turn every stage's error into a verdict on the step it concerns."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from pathlib import Path

import sympy as sp

from verify.check.claims import Claim, DocumentChecker
from verify.check.concretize import free_indices, size_combinations, sizes_used
from verify.check.solving import Condition, Solution, conditions, solutions
from verify.core.errors import (
    BindError,
    InputError,
    Location,
    StageFailed,
    internal_error,
    limit_reason,
)
from verify.core.limits import DIAGNOSIS_BATCH, DIAGNOSIS_MIN_SECONDS, DIAGNOSIS_SECONDS
from verify.core.memo import Memo
from verify.model.canon import Canon, sstr
from verify.model.document import Chain, Document, Step
from verify.model.expr import Deriv, TotalDifferential, size_symbol
from verify.model.inferred import (
    InferredNotation,
    guessed_in,
    guessed_words,
    names_in,
    names_through,
    relied_on,
    relied_on_words,
    structural_in,
)
from verify.model.notation import Definition, Notation, abstract_of
from verify.model.options import Options as Options  # built light, by the parent of a run
from verify.model.reading import (
    equation,
    names_of,
    reading,
    spelled,
    spelled_diagnosis,
    spelled_names,
)
from verify.model.verdict import ChainResult, DocumentResult, Status, StepVerdict
from verify.read.discover import discover as discover  # re-exported: the API's name
from verify.read.encoding import read_encoding
from verify.read.suffixes import CHECKED_SUFFIXES, ENCODING_SUFFIXES, LATEX_SUFFIXES
from verify.store.cache import VerdictCache, claim_key, content_key
from verify.verdict.combine import Judgement, judge
from verify.verdict.explain import CheckerRunner, Request, explain, zeros_before
from verify.verdict.kinds import joined


def read_document(path: Path) -> Document:
    if path.suffix.lower() in ENCODING_SUFFIXES:   # any case: verify.read.suffixes
        return read_encoding(path)
    if path.suffix.lower() in LATEX_SUFFIXES:
        # the LaTeX front end is optional; without a header, it reads under an inferred one
        from verify.read.inferred import read_inferring
        return read_inferring(path)
    return Document(str(path), path.stem, Notation({}, {}, {}), (),
                    problems=(f"{path}: unsupported file type {path.suffix!r}; "
                              f"expected one of {', '.join(CHECKED_SUFFIXES)}",))


def check_path(path: Path, options: Options) -> DocumentResult:
    return check_document(read_document(path), options)


def check_document(document: Document, options: Options,
                   cache: VerdictCache | None = None, diagnose: bool = True) -> DocumentResult:
    """Check every chain; with a ``cache``, claims already judged (the same step pair, notation,
    sizes, seed and checker version, from any document) are not checked again.  ``diagnose``:
    explain each refuted step with the diagnosis engine (:mod:`verify.verdict.explain`; the
    grader, which explains with its own labels and memory, asks for none)."""
    started = time.perf_counter()
    if options.sizes:
        document = _with_sizes(document, options.sizes)
    checker = DocumentChecker(options.seed, options.points)
    plans = [_plan_chain(document, chain, checker) for chain in document.chains]
    solved = set()
    for solution in solutions(document.chains):
        _check_at(solution, plans, checker)
        solved.add(solution.condition)
    for condition in conditions(document.chains):
        if condition.at not in solved:
            _compare_equations(condition, plans, document.chains)
    claims = [claim for plan in plans for claim in plan.claims()]
    step_keys = {c.key for plan in plans for c in plan.step_claims.values()}
    judged = judge_claims([(c, c.key in step_keys) for c in claims], checker, cache)
    by_key = dict(judged.by_key)
    confirmed = _refuted_under_each_label_kind(plans, by_key, document.inferred, checker,
                                               cache) if document.inferred else set()
    if diagnose:
        refuted = [c for plan in plans for index, c in plan.step_claims.items()
                   if by_key[c.key].status is Status.REFUTED
                   and not plan.chain.steps[index].solves and index not in plan.at_solution]
        # At most twice as long as the checking took (DIAGNOSIS_SECONDS at most,
        # DIAGNOSIS_MIN_SECONDS at least): the explanations must not push a document over
        # its time limit.
        budget = min(DIAGNOSIS_SECONDS,
                     max(DIAGNOSIS_MIN_SECONDS, 2 * (time.perf_counter() - started)))
        for key, text in explain_steps(refuted, by_key, checker, cache, budget,
                                       _set_to_zero(plans)).items():
            by_key[key] = replace(by_key[key], diagnosis=text)
    chains = tuple(plan.result(by_key) for plan in plans)
    if document.inferred is not None:
        chains = tuple(_relying(plan, chain, document.inferred, confirmed)
                       for plan, chain in zip(plans, chains, strict=True))
    sizes = tuple({k: v for k, v in combo.items()} for combo in size_combinations(
        document.notation, set(document.notation.sizes)))
    return DocumentResult(document.path, document.title, chains, options.seed, sizes,
                          document.problems, time.perf_counter() - started,
                          inferred=document.inferred)


# the words of a guessed label's kind (verify.read.infer: y_j \log p_j under a sum)
_LABEL_GUESS = "distribution?)"


def _label_guesses(claim: Claim, inferred: InferredNotation) -> tuple[str, ...]:
    """The guessed labels a claim uses (a family y over one size or a vector, read as free
    reals where a cross-entropy's y is one-hot or a distribution), when they are its only
    guesses."""
    guesses = guessed_in([claim.before, claim.after], claim.notation, inferred)
    labels = tuple(g.name for g in guesses if g.why.endswith(_LABEL_GUESS))
    if not guesses or len(labels) != len(guesses) or structural_in(
            [claim.before, claim.after], claim.notation, inferred):
        return ()
    symbols = claim.notation.symbols
    # a family over one size, or a vector (y_i written alone too); one-hot labels are binary
    # ones, so a refutation with y one-hot is one with binary y as well
    if any(name not in symbols or
           len(symbols[name].family) + len(symbols[name].shape) != 1 for name in labels):
        return ()
    # every derivative's differentiand depends on its variable as read (through the
    # definitions it calls): a name read free that the author means to move with it (p_j of
    # a softmax left a family: dL/da_i = 0 as read) is a misreading no kind of the labels
    # settles, which the labels' doubt must not be lifted from
    for derivative in [d for e in (claim.before, claim.after) for d in e.atoms(Deriv)]:
        body, variable = derivative.args[:2]
        by = names_in(variable)
        if not by or not by & names_through([body], claim.notation):
            return ()
    return labels


def _refuted_under_each_label_kind(plans: Sequence[_ChainPlan], by_key: Mapping[str, Judgement],
                                   inferred: InferredNotation, checker: DocumentChecker,
                                   cache: VerdictCache | None) -> set[str]:
    """The refuted steps whose only guessed names are labels (one-hot or a distribution?),
    refuted again with those labels read one-hot and read as a distribution: under each
    reading the document allows the step is false, so the refutation stands (the issue's
    "check both readings")."""
    again: list[tuple[str, Claim]] = []
    for plan in plans:
        for claim in plan.step_claims.values():
            if by_key[claim.key].status is not Status.REFUTED:
                continue
            labels = _label_guesses(claim, inferred)
            for kind in ("onehot", "distribution") if labels else ():
                symbols = dict(claim.notation.symbols)
                for name in labels:
                    symbols[name] = replace(symbols[name], family=(), kind=kind,
                                            shape=symbols[name].family or symbols[name].shape)
                notation = replace(claim.notation, symbols=symbols)
                again.append((claim.key, replace(claim, key=f"{claim.key}@{kind}",
                                                 notation=notation)))
    if not again:
        return set()
    judged = judge_claims([(claim, False) for _, claim in again], checker, cache).by_key
    keys = {key for key, _ in again}
    return {key for key in keys
            if all(judged[claim.key].status is Status.REFUTED for k, claim in again if k == key)}


def _relying(plan: _ChainPlan, chain: ChainResult, inferred: InferredNotation,
             confirmed: Set[str] = frozenset()) -> ChainResult:
    """Each decided step's message says which inferred assumptions (a definition's body, a
    one-hot kind) its verdict relies on, and a refuted one every inferred declaration of the
    names it uses: under another reading of those names, another verdict."""
    steps = []
    for verdict, step in zip(chain.steps, plan.chain.steps, strict=True):
        if verdict.status in (Status.PROVED, Status.SUPPORTED, Status.REFUTED) and \
                step.expr is not None:
            exprs = [step.expr]
            if verdict.compared_with is not None:
                before = plan.chain.steps[verdict.compared_with].expr
                exprs += [before] if before is not None else []
            refuted = verdict.status is Status.REFUTED
            # An identity that holds for every value of a guessed name holds for the value the
            # author meant too, unless it differentiates (read as free, the name does not move
            # with the variable): a pass stands but for a derivative; a refutation never does.
            # (only a guessed name inside a derivative, its differentiand or its variable,
            # through the definitions the derivative calls, makes a pass doubtful)
            derivatives = [d for e in exprs
                           for d in e.atoms(Deriv, TotalDifferential, sp.Derivative)]
            # (a given value the words restrict, read as any value: a pass holds for the meant
            # values too, a derivative's as well)
            guesses = tuple(g for g in guessed_in(exprs if refuted else derivatives,
                                                  plan.notation, inferred)
                            if refuted or not g.given) \
                or structural_in(exprs, plan.notation, inferred)
            claim = plan.step_claims.get(verdict.index)
            if refuted and claim is not None and claim.key in confirmed:
                # refuted with the labels read free, one-hot and as a distribution alike
                names = ", ".join(sorted({g.latex for g in guesses}))
                guesses = ()
                verdict = replace(verdict, message=f"{verdict.message}; refuted with {names} "
                                  "read as any values, as one-hot and as a distribution alike")
            words = relied_on_words(relied_on(exprs, plan.notation, inferred, refuted,
                                              verdict.location.line),
                                    refuted)
            if guesses:
                # Decided only under a reading the document itself doubts: under the one its
                # author meant the step may hold (or fail: read as independent of a_i, both
                # sides of a derivative by a_i are 0), so this is no evidence either way.
                verdict = replace(
                    verdict, status=Status.UNKNOWN, counterexample=None, diagnosis="",
                    message=f"{verdict.status.value} as read ({verdict.message}), but the "
                            f"reading is a guess: {guessed_words(guesses)}")
            elif words:
                verdict = replace(verdict, message=f"{verdict.message}; {words}")
        steps.append(verdict)
    refuted_now = sum(s.status is Status.REFUTED for s in steps)
    summary = chain.summary
    if refuted_now != sum(s.status is Status.REFUTED for s in chain.steps):
        # the summary counts the refuted steps: say it of those that still are
        if chain.ends_agree is None:
            summary = f"{refuted_now} refuted step(s)" if refuted_now else ""
        elif chain.ends_agree:
            summary = ("final result right, reasoning wrong: the chain's ends agree while "
                       f"{refuted_now} step(s) in between are refuted") if refuted_now else \
                "the chain's last line equals its first"
    return replace(chain, steps=tuple(steps), summary=summary)


@dataclass(frozen=True)
class ClaimJudgements:
    """What :func:`judge_claims` found for a batch of claims, each set by claim ``key``."""

    by_key: Mapping[str, Judgement]   # every claim's judgement
    checked: frozenset[str]           # those judged afresh (the rest the cache served)
    reusable: frozenset[str]          # those whose judgement may be served again: from the
                                      # cache, or fresh and neither timed out nor an error


def judge_claims(claims: Sequence[tuple[Claim, bool]], checker: DocumentChecker,
                 cache: VerdictCache | None, words: bool = True) -> ClaimJudgements:
    """Every claim's judgement: from the cache where it is there, else checked (all misses in
    one :meth:`DocumentChecker.run`, so numeric batching is kept) and stored.  Each claim
    comes with ``diagnose``: judged against its reference (``claim.before``), a step whose
    refutation gets a diagnosis, rather than alone (a sub-claim, a chain's ends, a grader's
    question); ``words``: False where nobody reads the verdict's own diagnosis of a
    refutation (:func:`verify.verdict.combine.judge`; keyed apart).  Claims of the same
    content (:func:`verify.store.cache.claim_key`: both sides, conditions, notation, seed,
    points) are checked once and get the same judgement.

    The one place where a cached claim is judged: documents (:func:`check_document`) and the
    grader (:class:`verify.grade.claims.ClaimJudge`) both come here; the cache only stores
    and serves."""
    seed, points, canon = checker.seed, checker.points, Canon()
    contents = {claim.key: claim_key(claim, diagnose, seed, points, canon, words)
                for claim, diagnose in claims}
    by_content: dict[str, Judgement] = {}
    missing: dict[str, tuple[Claim, bool]] = {}
    for claim, diagnose in claims:
        content = contents[claim.key]
        if content in by_content or content in missing:
            continue
        found = cache.get_judgement(content) if cache is not None else None
        if found is not None:
            by_content[content] = found
        else:
            missing[content] = (claim, diagnose)
    reusable = set(by_content)
    outcomes = checker.run([claim for claim, _ in missing.values()]) if missing else {}
    for content, (claim, diagnose) in missing.items():
        outcome = outcomes[claim.key]
        judgement = judge(outcome, seed, points, claim.before if diagnose else None, words)
        by_content[content] = judgement
        # A symbolic timeout depends on the machine's load, not on the claim, and an
        # internal error is a bug to fix, not a verdict: neither is reusable.
        if not outcome.timed_out and judgement.internal_error is None:
            reusable.add(content)
            if cache is not None:
                cache.put_judgement(content, judgement)
    checked = {contents[claim.key] for claim, _ in missing.values()}
    return ClaimJudgements(
        {claim.key: by_content[contents[claim.key]] for claim, _ in claims},
        frozenset(claim.key for claim, _ in claims if contents[claim.key] in checked),
        frozenset(claim.key for claim, _ in claims if contents[claim.key] in reusable))


class _CachedRunner(CheckerRunner):
    """The diagnosis engine's claims, judged as the document's own (:func:`judge_claims`,
    through the verdict cache when there is one)."""

    def __init__(self, checker: DocumentChecker, cache: VerdictCache | None) -> None:
        super().__init__(checker.seed, checker.points)
        self.checker, self.cache = checker, cache

    def judge(self, claims: Sequence[Claim], points: int | None = None
              ) -> dict[str, Judgement]:
        if points is not None and points != self.points:
            return super().judge(claims, points)
        # The engine reads a candidate's status only: no verdict's own diagnosis needed.
        return dict(judge_claims([(c, False) for c in claims], self.checker,
                                 self.cache, words=False).by_key)


def _set_to_zero(plans: Sequence[_ChainPlan]) -> tuple[tuple[sp.Expr, int], ...]:
    """What the document sets to 0: each line read of a chain that has a line 0, with its
    line (an equation it solves next; the diagnosis engine's ``zeros``)."""
    found: list[tuple[sp.Expr, int]] = []
    for plan in plans:
        read = [step for step, verdict in zip(plan.chain.steps, plan.verdicts, strict=True)
                if step.expr is not None and
                (verdict is None or verdict.status is not Status.UNPARSED)]
        if any(step.expr == 0 for step in read):   # its last form first (the simplest)
            found += [(step.expr, step.location.line) for step in reversed(read)
                      if step.expr is not None and step.expr != 0]
    return tuple(found)


def explain_steps(claims: Sequence[Claim], judgements: Mapping[str, Judgement],
                  checker: DocumentChecker, cache: VerdictCache | None,
                  seconds: float = DIAGNOSIS_SECONDS,
                  zeros: Sequence[tuple[sp.Expr, int]] = ()) -> dict[str, str]:
    """The diagnosis of each refuted step claim (by key): the engine's confirmed diagnoses, as
    one text of sentences, kept in the cache by the claim's content.  A few steps at a time
    within ``seconds``: a step left when the time is out keeps the verdict's own
    diagnosis.  Never a verdict: a failure of the search leaves the diagnosis as it was."""
    runner = _CachedRunner(checker, cache)
    deadline = time.monotonic() + seconds
    found: dict[str, str] = {}
    fresh: list[tuple[Request, str]] = []
    for claim in claims:
        own = judgements[claim.key].diagnosis
        near = zeros_before(zeros, claim.location.line)
        # The words name the step's expressions in the notation's spellings: those are
        # part of the key (a judgement's key leaves them out), and so are the expressions
        # set to 0 they may name.
        content = content_key("diagnosis", [claim_key(claim, True, checker.seed,
                                                      checker.points),
                                            repr(names_of(claim.notation)),
                                            *([sp.srepr(near)] if near else [])])
        kept = cache.get_data("diagnosis", content) if cache is not None else None
        if isinstance(kept, dict) and isinstance(kept.get("text"), str):
            found[claim.key] = kept["text"]
            continue
        fresh.append((Request(claim.key, claim.location, claim.before, claim.after,
                              claim.notation, claim.where, own, near), content))
    for start in range(0, len(fresh), DIAGNOSIS_BATCH):
        if time.monotonic() > deadline:
            break
        batch = fresh[start:start + DIAGNOSIS_BATCH]
        try:
            explained = explain([request for request, _ in batch], runner, (), deadline)
        except MemoryError:
            raise
        except Exception:   # a help, not a verdict: the step keeps the verdict's own words
            continue
        complete = time.monotonic() <= deadline   # else perhaps cut short: not kept
        for request, content in batch:
            found[request.key] = text = joined(explained[request.key])
            if cache is not None and complete:
                cache.put_data("diagnosis", content, {"text": text})
    return found


def _with_sizes(document: Document, sizes: Mapping[str, tuple[int, ...]]) -> Document:
    chains = tuple(replace(c, notation=c.notation.with_sizes(sizes)) if c.notation else c
                   for c in document.chains)
    return replace(document, notation=document.notation.with_sizes(sizes), chains=chains)


@dataclass
class _ChainPlan:
    chain: Chain
    notation: Notation
    verdicts: list[StepVerdict | None]   # filled for steps decided without checking
    step_claims: dict[int, Claim]        # step index -> its claim against the reference
    references: dict[int, int]
    sub_claims: dict[int, list[Claim | str]]
    ends: Claim | None
    at_solution: dict[int, _AtSolution] = field(default_factory=dict)   # step index -> the
    #                                    solution its equation is checked at
    identities: set[int] = field(default_factory=set)   # steps of a run of equations with no
    #                                    unknown in them: checked as the identities they are
    equations: dict[int, _SameEquation] = field(default_factory=dict)   # step index -> the
    #                                    line set to 0 it is compared with, as an equation
    stated: dict[int, Claim] = field(default_factory=dict)   # step index -> its claim where
    #                                    the inequality its prose states holds (j != i)

    def claims(self) -> list[Claim]:
        result = list(self.step_claims.values())
        for same in self.equations.values():
            result.extend(claim for _, claim in same.scaled)
        result.extend(self.stated.values())
        for subs in self.sub_claims.values():
            result.extend(s for s in subs if isinstance(s, Claim))
        if self.ends is not None:
            result.append(self.ends)
        return result

    def result(self, judgements: Mapping[str, Judgement]) -> ChainResult:
        steps = []
        for index, step in enumerate(self.chain.steps):
            verdict = self.verdicts[index]
            if verdict is None:
                claim = self.step_claims[index]
                verdict = _verdict(step, index, judgements[claim.key],
                                   self.references[index], self.notation)
                if index in self.at_solution:
                    verdict = _checked_at(verdict, self.at_solution[index], step.solves,
                                          judgements)
                elif verdict.status is Status.REFUTED and step.solves and \
                        index not in self.identities:
                    verdict = _same_equation(verdict, self.equations.get(index), judgements) \
                        or _condition(verdict, step.solves)
                elif verdict.status is Status.REFUTED and index in self.stated:
                    verdict = _where_stated(verdict, step, self.stated[index], judgements)
                # (last: a pass at a solution, or as an equation scaled, is as much a pass)
                verdict = _through_abstract(verdict, claim, self.notation)
            subs = tuple(_sub_verdict(step, sub, judgements, self.notation)
                         for sub in self.sub_claims.get(index, []))
            steps.append(replace(verdict, subclaims=subs))
        ends_agree, summary = self._summary(steps, judgements)
        return ChainResult(self.chain.name, tuple(steps), self.chain.where_text, ends_agree,
                           summary)

    def _summary(self, steps: list[StepVerdict],
                 judgements: Mapping[str, Judgement]) -> tuple[bool | None, str]:
        refuted = [s for s in steps if s.status is Status.REFUTED]
        if self.ends is None:
            return None, f"{len(refuted)} refuted step(s)" if refuted else ""
        judgement = judgements[self.ends.key]
        agree = judgement.status in (Status.PROVED, Status.SUPPORTED)
        if judgement.status not in (Status.PROVED, Status.SUPPORTED, Status.REFUTED):
            return None, ""
        if agree and refuted:
            return True, ("final result right, reasoning wrong: the chain's ends agree while "
                          f"{len(refuted)} step(s) in between are refuted")
        if not agree:
            return False, "the chain's last line does not equal its first"
        return True, "the chain's last line equals its first"


def _plan_chain(document: Document, chain: Chain, checker: DocumentChecker) -> _ChainPlan:
    notation = document.notation_of(chain)
    verdicts: list[StepVerdict | None] = []
    step_claims: dict[int, Claim] = {}
    stated: dict[int, Claim] = {}
    references: dict[int, int] = {}
    sub_claims: dict[int, list[Claim | str]] = {}
    reference: int | None = None
    first: int | None = None
    for index, step in enumerate(chain.steps):
        if step.expr is None:
            verdicts.append(_internal(step, index, step.internal_error)
                            if step.internal_error else
                            _unparsed(step, index, step.problem or "unreadable"))
            continue
        try:
            problem = _binding_problem(step.expr, notation, chain, checker)
        except StageFailed as failed:
            verdicts.append(_internal(step, index, failed.message))
            continue
        if problem is not None:
            verdicts.append(_unparsed(step, index, "does not fit the notation: "
                                      + spelled_names(problem, notation)))
            continue
        sub_claims[index] = [_sub_claim(step, number, sub, notation, chain)
                             for number, sub in enumerate(step.subclaims)]
        if reference is None:
            verdicts.append(StepVerdict(step.location, index, step.latex, Status.START,
                                        "start of the chain", sympy=sstr(step.expr),
                                        note=step.note,
                                        reading=reading(step.expr, notation)))
            first = reference = index
            continue
        verdicts.append(None)
        key = f"{chain.name}#{index}"
        before = chain.steps[reference].expr
        assert before is not None
        step_claims[index] = Claim(key, step.location, before, step.expr, notation,
                                   chain.where)
        if step.stated and all(c.free_symbols <= before.free_symbols | step.expr.free_symbols
                               for c in step.stated):
            # j != i, said in passing before the block: checked there too, so that a
            # refutation only at j = i says so instead (never a pass: the words may speak of
            # another line)
            stated[index] = Claim(f"{key}@stated", step.location, before, step.expr, notation,
                                  (*chain.where, *step.stated))
        references[index] = reference
        reference = index
    ends = None
    last = reference
    if last is not None and chain.steps[last].solves and last in references:
        last = references[last]   # an equation set to 0 ends the chain: its last line is before
    if first is not None and last is not None and \
            sum(index <= last for index in step_claims) >= 2:
        first_expr, last_expr = chain.steps[first].expr, chain.steps[last].expr
        assert first_expr is not None and last_expr is not None
        ends = Claim(f"{chain.name}#ends", chain.steps[last].location, first_expr,
                     last_expr, notation, chain.where)
    return _ChainPlan(chain, notation, verdicts, step_claims, references, sub_claims, ends,
                      stated=stated)


BINDINGS_KEPT = 8192   # binding outcomes kept per process (see _binding_problem)
# Key: the expression, the notation's canonical text, the conditions on its free indices.
_BINDINGS: Memo[tuple[sp.Expr, str, tuple[sp.Basic, ...]], str | None] = \
    Memo("pipeline.bindings", BINDINGS_KEPT)


def _binding_problem(expr: sp.Expr, notation: Notation, chain: Chain,
                     checker: DocumentChecker) -> str | None:
    """Concretize the step alone at every size and free-index value: None if it fits.  The
    outcome depends only on the expression, the notation and the conditions, so it is kept
    for the process: a class writes the same line many times."""
    free = sorted(free_indices(expr, notation))
    where = tuple(w for w in chain.where if {s.name for s in w.free_symbols} <= set(free))
    key = (expr, checker.concretizers.notation_text(notation), where)
    if key in _BINDINGS:   # None is a kept outcome too: the step fits
        return _BINDINGS[key]
    problem = _bind_everywhere(expr, notation, free, where, checker)   # StageFailed: kept
    _BINDINGS[key] = problem                                          # nowhere
    return problem


def _bind_everywhere(expr: sp.Expr, notation: Notation, free: list[str],
                     where: tuple[sp.Basic, ...], checker: DocumentChecker) -> str | None:
    from verify.check.claims import _assignments
    used = sizes_used(expr, notation)
    try:
        for sizes in size_combinations(notation, used):
            concretizer = checker.concretizer(notation, sizes)
            for assignment in _assignments(free, notation, concretizer.sizes, where):
                concretizer.value(expr, assignment)
    except BindError as err:
        at = ", ".join(f"{k}={v}" for k, v in sizes.items())
        return f"{err.message} (at {at})" if at else err.message
    except MemoryError:
        raise
    except Exception as err:
        reason = limit_reason(err)
        if reason is None:
            raise StageFailed(internal_error("concretization", err)) from err
        return f"could not evaluate: {reason}"
    return None


def _sub_claim(step: Step, number: int, sub: object, notation: Notation,
               chain: Chain) -> Claim | str:
    from verify.model.document import SubClaim
    assert isinstance(sub, SubClaim)
    if sub.lhs is None or sub.rhs is None:
        return sub.problem or "unreadable sub-claim"
    return Claim(f"{chain.name}#{step.location.line}:{number}:sub", step.location, sub.lhs,
                 sub.rhs, notation, chain.where)


def _internal(step: Step, index: int, message: str) -> StepVerdict:
    """A step a bug of ours kept from being read or bound: unknown, never unparsed (the
    line is not to blame) and never a pass."""
    return StepVerdict(step.location, index, step.latex, Status.UNKNOWN, message,
                       note=step.note, internal_error=message)


def _unparsed(step: Step, index: int, problem: str) -> StepVerdict:
    message = problem if str(step.location) in problem else f"{step.location}: {problem}"
    return StepVerdict(step.location, index, step.latex, Status.UNPARSED, message,
                       note=step.note)


def _verdict(step: Step, index: int, judgement: Judgement,
             reference_index: int, notation: Notation) -> StepVerdict:
    message, example = spelled(judgement.message, judgement.counterexample, notation)
    if reference_index != index - 1:
        message += f" (checked against step {reference_index + 1}, the last one read)"
    return StepVerdict(step.location, index, step.latex, judgement.status, message,
                       reference_index, judgement.evidence, example,
                       spelled_diagnosis(judgement.diagnosis, notation), sstr(step.expr),
                       step.note,
                       reading=reading(step.expr, notation),
                       internal_error=judgement.internal_error)


def _abstract_used(claim: Claim, notation: Notation) -> list[Definition]:
    """The abstract functions (``body: any``) a claim uses, directly or through the
    definitions it calls."""
    functions = {base for name in names_through((claim.before, claim.after), notation)
                 if (base := abstract_of(name, notation)) is not None}
    return [notation.definitions[name] for name in sorted(functions)]


def _through_abstract(verdict: StepVerdict, claim: Claim, notation: Notation) -> StepVerdict:
    """A verdict through an abstract function (``f: {params: [t], body: any}``), checked as
    one fixed smooth function: a pass holds for it (and, unless by a coincidence of its
    coefficients, for every f), so it is ``supported``, never ``proved``; a refutation is one
    for every f, its counterexample that function.  Both say which function it was."""
    used = _abstract_used(claim, notation)
    if not used or verdict.status not in (Status.PROVED, Status.SUPPORTED, Status.REFUTED):
        return verdict
    which = "; ".join(f"${d.name}({d.params[0]}) = {reading(d.body, notation)}$"
                      for d in used)
    if verdict.status is Status.REFUTED:
        return replace(verdict, message=f"{verdict.message}; with {which}, one of the "
                       "functions the notation allows ('body: any')")
    return replace(verdict, status=Status.SUPPORTED, message=(
        f"{verdict.message}; with {which} standing for any function ('body: any'): "
        "supported, not proved for every function"))


def _check_at(solution: Solution, plans: list[_ChainPlan], checker: DocumentChecker) -> None:
    """Each equation of a run is checked at its solution (:mod:`verify.check.solving`): the
    solution's row as the line set to 0 with the solution put in, = 0; the 0 and the rows
    between with it put in (judged only when the solution is right: see ``_ChainPlan.result``).
    Nothing is changed when the solution's own claim does not fit the notation; a row whose
    substituted form does not fit is left as it was (then never refuted, as an equation)."""
    zero = sp.Integer(0)
    zeroed = solution.substituted(solution.zeroed)
    places = [solution.at, solution.condition] + [
        (ci, index) for ci in sorted(solution.members) for index in plans[ci].step_claims
        if (ci, index) != solution.at]
    at_key = ""
    for ci, index in places:
        plan = plans[ci]
        if index not in plan.step_claims or not plan.chain.steps[index].solves:
            continue
        claim = plan.step_claims[index]
        if (ci, index) in (solution.condition, solution.at):
            before, after = zeroed, zero
        elif solution.name not in claim.before.free_symbols | claim.after.free_symbols:
            plan.identities.add(index)   # no unknown in it: an identity (x_bar = sum x_i/n)
            continue
        else:
            before, after = solution.substituted(claim.before), solution.substituted(claim.after)
        try:
            fits = all(_binding_problem(e, plan.notation, plan.chain, checker) is None
                       for e in (before, after))
        except StageFailed:
            fits = False
        if not fits:
            if (ci, index) == solution.at:
                return
            continue
        plan.step_claims[index] = replace(claim, before=before, after=after)
        at_key = at_key or claim.key
        plan.at_solution[index] = _AtSolution(solution.phrase, at_key,
                                              (ci, index) == solution.at, solution.line,
                                              solution.latex)
        if ci != solution.condition[0]:
            plan.ends = None   # a row of equations solved, not a chain of identities


@dataclass(frozen=True)
class _AtSolution:
    phrase: str        # "at the solution $...$ (line 14) of the equation set to 0 on line 12"
    key: str           # the key of the solution's own claim
    is_solution: bool  # this step is the solution's value
    line: int          # the line of the row that sets a line to 0
    solution: str      # the solution as written: "\\mathbf{w} = (X^TX)^{-1}X^T\\mathbf{y}"


def _checked_at(verdict: StepVerdict, at: _AtSolution, why: str,
                judgements: Mapping[str, Judgement]) -> StepVerdict:
    """A verdict at the solution stands for the solution's own row, and for the others when
    the solution is right (a right row is false at a wrong solution); else an equation solved."""
    undefined = verdict.counterexample is not None and not all(
        math.isfinite(v) for v in verdict.counterexample.lhs)
    if at.is_solution and undefined:
        # 0/0 where the solution meets the edge of the domain (all labels 1: pi = 1): no
        # evidence against it, and none for it
        return replace(verdict, status=Status.UNKNOWN, counterexample=None, diagnosis="",
                       evidence=None, message=(
                           f"a solution of the equation set to 0 on line {at.line}, not "
                           f"decided: with ${at.solution}$ put in, the line set to 0 has no "
                           f"value in some checked case ({verdict.message})"))
    if at.is_solution:
        solves = verdict.status in (Status.PROVED, Status.SUPPORTED)
        return replace(verdict, diagnosis="", message=(
            f"{'it solves' if solves else 'not a solution of'} the equation set to 0 on line "
            f"{at.line}: with ${at.solution}$ put in, the line set to 0 "
            f"{'is 0' if solves else 'is not 0'} ({verdict.message})"))
    if judgements[at.key].status in (Status.PROVED, Status.SUPPORTED):
        return replace(verdict, diagnosis="", message=f"{at.phrase}: {verdict.message}")
    return replace(verdict, status=Status.UNKNOWN, counterexample=None, diagnosis="",
                   evidence=None,
                   message=f"an equation the document solves, not a step ({why}): not checked, "
                   f"as the solution it reaches does not solve the equation set to 0 on line "
                   f"{at.line} (or is not decided)")


# The factors a step of solving multiplies an equation by (both sides of g = 0 times c):
# the constants of a gradient (2, 1/2) and its sign, besides the sizes (1/N of a mean).
_EQUATION_FACTORS = (sp.Integer(1), sp.Integer(-1), sp.Integer(2), sp.Integer(-2),
                     sp.Rational(1, 2), sp.Rational(-1, 2))


@dataclass(frozen=True)
class _SameEquation:
    line: int                                  # the line set to 0
    scaled: tuple[tuple[sp.Expr, Claim], ...]  # (c, before - after == c * zeroed)


def _compare_equations(condition: Condition, plans: list[_ChainPlan],
                       chains: Sequence[Chain]) -> None:
    """Each row of a run without a solution, compared with the line set to 0 as an equation
    (:mod:`verify.check.solving`): claims that the difference of its sides is that line times
    a factor (one claim per factor; the first proved one decides, see ``_same_equation``)."""
    ci, _ = condition.at
    zeroed = condition.zeroed
    for cj, index in condition.rows(chains):
        plan = plans[cj]
        claim = plan.step_claims.get(index)
        if claim is None or plan.notation is not plans[ci].notation:
            continue
        factors = list(_EQUATION_FACTORS)
        for name in sorted(sizes_used(zeroed, plan.notation)):
            if len(plan.notation.sizes.get(name, ())) >= 2:   # else N = 2 is 2
                size = size_symbol(name)
                factors += [size, 1 / size, -size, -1 / size]
        try:
            difference = claim.before - claim.after
            scaled = tuple((factor, replace(claim, key=f"{claim.key}#equation{number}",
                                            before=difference, after=factor * zeroed))
                           for number, factor in enumerate(factors))
        except TypeError:
            # a matrix written out against a product (Matrix - Transposed): SymPy forms no
            # difference; the row is not compared (it stays an equation, unknown)
            continue
        plan.equations[index] = _SameEquation(condition.line, scaled)


def _same_equation(refuted: StepVerdict, same: _SameEquation | None,
                   judgements: Mapping[str, Judgement]) -> StepVerdict | None:
    """A row of solving that is the equation set to 0 scaled: right as a step of solving."""
    if same is None:
        return None
    for factor, claim in same.scaled:
        judgement = judgements[claim.key]
        if judgement.status in (Status.PROVED, Status.SUPPORTED):
            scale = "" if factor == 1 else f" times ${reading(factor, claim.notation)}$"
            return replace(refuted, status=judgement.status, counterexample=None,
                           diagnosis="", evidence=judgement.evidence, message=(
                               f"the equation set to 0 on line {same.line}{scale}, a step of "
                               f"solving it (the difference of this line's sides is that "
                               f"line{scale}): {judgement.message}"))
    return None


def _where_stated(refuted: StepVerdict, step: Step, claim: Claim,
                  judgements: Mapping[str, Judgement]) -> StepVerdict:
    """A step refuted where the inequality its prose states (``where $j \neq i$``) fails, yet
    holding wherever it holds: unknown, saying so (did the words mean this line?).  Refuted
    there too, or undecided, it stays refuted."""
    judgement = judgements[claim.key]
    if judgement.status not in (Status.PROVED, Status.SUPPORTED):
        return refuted
    return replace(refuted, status=Status.UNKNOWN, diagnosis="", message=(
        f"holds where ${step.stated_text}$, as the words before it say, but not everywhere "
        f"({refuted.message}): if the line is meant only where ${step.stated_text}$, write "
        f"the condition beside it (\\quad {step.stated_text}) or announce the case "
        f"('If ${step.stated_text}$:')"))


def _condition(refuted: StepVerdict, why: str) -> StepVerdict:
    """A 0 that sets the line before to 0 (``\\nabla L = X^T(Xw - y) = 0``), refuted as a step:
    an equation the document solves next, so neither a mistake nor checked; unknown, with the
    evidence that it is no identity."""
    return replace(refuted, status=Status.UNKNOWN, counterexample=None, diagnosis="",
                   message=f"an equation the document solves, not a step ({why}): it "
                   "holds only where it is solved (as an identity, "
                   f"{refuted.message.removeprefix('the ')})")


def _sub_verdict(step: Step, sub: Claim | str, judgements: Mapping[str, Judgement],
                 notation: Notation) -> StepVerdict:
    if isinstance(sub, str):
        return StepVerdict(step.location, -1, "", Status.UNPARSED, sub)
    judgement = judgements[sub.key]
    latex = next((s.latex for s in step.subclaims if s.lhs == sub.before), "")
    read = equation(sub.before, sub.after, notation)
    message, example = spelled(judgement.message, judgement.counterexample, notation)
    return _through_abstract(StepVerdict(
        step.location, -1, latex, judgement.status, f"sub-claim ${read}$: {message}", None,
        judgement.evidence, example, spelled_diagnosis(judgement.diagnosis, notation),
        f"{sstr(sub.before)} = {sstr(sub.after)}", reading=read,
        internal_error=judgement.internal_error), sub, notation)


def document_error(path: Path, error: Exception) -> DocumentResult:
    """A document that could not be checked at all still gets a result saying why: an
    input error as a problem of the document, anything else as an internal error (a bug of
    ours, not the document's)."""
    if isinstance(error, InputError):
        return DocumentResult(str(path), path.stem, (), 0, (), (f"{Location(str(path))}: "
                                                                f"{error}",))
    return DocumentResult(str(path), path.stem, (), 0, (), internal=(
        f"{Location(str(path))}: {internal_error('checking the document', error)}",))


ProgressCallback = Callable[[int, int, str], None]
