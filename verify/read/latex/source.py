r"""Split a ``.tex`` or ``.md`` document into chains of raw steps.

Display math in every form the seeds use is found (``$$..$$``, ``\[..\]``, ``equation``,
``align``, ``gather``, ``multline``, with or without ``*``; ``aligned``, ``split``, ``gathered``
inside them); labels (``\tag``, ``\label``, a trailing ``(n)`` in the block or alone on the next
line) and annotations (the tail after a depth-0 ``\quad``) are taken out *before* the block is
split on depth-0 ``=``, so ``\quad \text{case } k = j`` never becomes a step.

Offsets are kept exact by blanking removed text with spaces rather than deleting it, so every
step knows the 1-based line where it starts.  A block that starts with ``=`` (or follows one that
ends with ``=``) continues the previous chain; prose between two such blocks becomes the note of
the continuing step.  Nothing here knows the notation or parses mathematics.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from verify.core.limits import DOCUMENT_CHARS, NOTE_CHARS
from verify.core.memo import memoized
from verify.model.document import SETS_ZERO
from verify.read.latex.normalize import depth_walk, matching_paren, read_group, split_depth0

_DISPLAY = re.compile(
    r"\$\$(?P<dollar>.*?)\$\$|\\\[(?P<bracket>.*?)\\\]|"
    # (aligned, gathered, alignat, flalign: Markdown's MathJax renders them at the top level)
    r"\\begin\{(?P<env>equation|align|gather|multline|eqnarray|displaymath|aligned|gathered|"
    r"alignat|alignedat|flalign)(?P<star>\*?)\}(?:\{\d+\})?"
    r"(?P<body>.*?)\\end\{(?P=env)(?P=star)\}", re.S)
_WRAPPERS = re.compile(r"\\(?:begin|end)\s*\{(?:aligned|split|gathered|alignedat|align\*?|"
                       r"equation\*?|gather\*?|multline\*?|eqnarray\*?)\}(?:\{\d+\})?")
_BOXED = re.compile(r"\\boxed\s*\{")
# A shape written under a factor, \underset{(1 \times D_h)}{\textbf{w}^T}: an annotation.
_SHAPE_UNDER = re.compile(r"\\underset\s*\{\s*\(?\s*[A-Za-z0-9_{}\s]+\\times\s*"
                          r"[A-Za-z0-9_{}\s]+\)?\s*\}(?=\s*\{)")
_TAG = re.compile(r"\\tag\*?\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_LABEL = re.compile(r"\\label\s*\{([^{}]*)\}")
# (and MathJax's \require{cancel}: it loads an extension, it says nothing)
_NONUMBER = re.compile(r"\\(?:nonumber|notag)(?![A-Za-z])|\\require\s*\{\s*[A-Za-z]+\s*\}")
_ROW_BREAK = re.compile(r"\\\\(?:\s*\[[^\]]*\])?")
_NUMBER_LABEL = re.compile(r"\(\s*(\d+[a-z]?)\s*\)\s*$")
_NEXT_LINE_LABEL = re.compile(r"[ \t]*\n?[ \t]*\((\d+[a-z]?)\)[ \t]*(?=\n|$)")
_ANNOTATION_START = re.compile(r"\\q?quad(?![A-Za-z])")
_GAPS = re.compile(r"\\q?quad(?![A-Za-z])|\\[,;!: ]|~")
_TEXT_START = re.compile(r"\\(?:text[a-z]*|mbox|intertext)\s*\{")
# A word of prose: letters not part of a command, not a subscript or superscript.
_PROSE_WORD = re.compile(r"(?<![\\A-Za-z_^])[A-Za-z]{2,}(?![A-Za-z])")
_RELATION = re.compile(r"\\(?:neq?|leq?|geq?|in|notin|forall|exists|to|Rightarrow|"
                       r"implies|iff|approx|sim|equiv|subset|subseteq)(?![A-Za-z])|[<>]")
_TRAILING_BRACKET = re.compile(r"(?<=\s)\[([^\[\]]*)\]\s*$")
_TEXT_CMD = re.compile(r"\\(?:text|textrm|textit|mbox|mathrm)\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)
_TEX_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
# Prose that does nothing but announce a case: "If $i=j$,", "And if \(i \neq j\),", "Case 2:
# $k \neq i$.", "For $i = j$ we get"; the condition is the one formula in it.
_CASE_PROSE = re.compile(
    # a lead-in of a clause or two ("Therefore, for the log-softmax function, when $i = k$")
    r"^(?:[A-Za-z][A-Za-z' -]{0,50},\s*){0,2}"
    r"(?:(?:and|now|so|then|next|finally|similarly|second(?:ly)?|first(?:ly)?)[\s,]+)?"
    r"(?:(?:(?:in|for)\s+the\s+)?case\s*(?:\d+|[ivx]+|[a-z])?\s*[:.)]?\s*"
    r"(?:(?:of|where|when|that)\s+)?|if|when|for|where)\s*\(?\s*"
    r"(?:\$(?P<dollar>[^$]+)\$|\\\((?P<paren>(?:(?!\\\)).)+)\\\))"
    r"\s*\)?\s*[,:;.]?\s*(?:(?:we\s+(?:have|get|obtain|find)(?:\s+that)?|then|this\s+gives|"
    r"it\s+follows)\s*[,:]?\s*)?$", re.I | re.S)
# Typographic switches with no mathematical meaning, blanked: sizes and math styles.
_SIZE_SWITCH = re.compile(r"\\(?:tiny|scriptsize|footnotesize|small|normalsize|large|Large|"
                          r"LARGE|huge|Huge)(?![A-Za-z])")
# Plain TeX's aligned rows: \eqalign{ a &= b \cr &= c }.
_EQALIGN = re.compile(r"\\eqalign\s*\{")
_CR = re.compile(r"\\cr(?![A-Za-z])")
# A whole block laid out as an array of equations: \begin{array}{rcl} a &=& b \\ ... \end{array}.
_ARRAY_LAYOUT = re.compile(r"^\s*\\begin\s*\{array\}\s*\{\s*([rcl|\s]+)\}(.*)\\end\s*\{array\}\s*$",
                           re.S)
_LAYOUT_SPECS = frozenset({"rcl", "lcl", "rll", "lll", "rl", "ll"})
_LAYOUT_RELATION = re.compile(r"^(?:=|:=|)$")   # rows of equations only (a \Leftrightarrow
#                                                 between equations is no chain of steps)
# A relation with a label over it: \stackrel{(a)}{=}, \overset{\text{def}}{=}.
_OVER_RELATION = re.compile(r"\\(?:stackrel|overset)\s*\{(?P<over>(?:[^{}]|\{[^{}]*\})*)\}"
                            r"\s*\{\s*=\s*\}")
_DEFINES_OVER = re.compile(r"^\s*(?:\\(?:text|mathrm|rm)\s*\{\s*def\.?\s*\}|def\.?|\\triangle|"
                           r"\\Delta|\\vartriangle|:)\s*$")
# Prose that leaves a case: a block after it does not inherit the case before.
_CASE_CHANGE = re.compile(r"(?<![A-Za-z\\])(?:cases?|both|combin\w*|general\w*|otherwise|else|"
                          r"all|every|any|if|when|for)(?![A-Za-z])", re.I)
# A case the reader cannot use, announced in prose alone: "Otherwise,".
_OTHER_CASE = re.compile(r"^(?:and\s+|but\s+)?(?:otherwise|else|in\s+(?:all\s+)?other\s+cases)"
                         r"\s*[,:;.]?$", re.I)
_MARKDOWN_MARKS = re.compile(r"\*+|^[\s#>]+")


@dataclass(frozen=True)
class RawStep:
    """One side of an equation chain, as written."""

    text: str              # LaTeX of the side, labels and annotations removed
    line: int              # 1-based line where the side starts
    label: str | None = None
    note: str = ""         # the document's own justification, not parsed
    relation: str = "="    # how it relates to the previous step: "=", ":=" ("" when first)
    defines: bool = False  # the name of a prose definition ('Let X be ...'), defined next
    case: str = ""         # the LaTeX condition of the case the prose before the block
    #                        announces ('If $i=j$,' -> 'i=j'), "" when none
    case_line: int = 0     # the line of the block the case was announced for
    solves: str = ""       # why this side is an equation the document solves, not a step: a
    #                        0 ending its equation (a gradient set to 0), or a row after it
    solves_line: int = 0   # the line of the row that sets a line to 0 (its run of equations)
    stated: str = ""       # an inequality of two indices the prose before the block states in
    #                        passing ('... its $j$'th input, where $j \neq i$. Again ...'):
    #                        never a case (the words may speak of another line), but a step
    #                        refuted only where it fails says it holds there (pipeline)


@dataclass(frozen=True)
class RawChain:
    steps: tuple[RawStep, ...]
    line: int


@dataclass(frozen=True)
class _Side:
    text: str
    offset: int
    relation: str
    label: str | None = None
    note: str = ""


def blank(text: str, start: int, end: int) -> str:
    """Replace ``text[start:end]`` by spaces, keeping line breaks (offsets stay valid)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def blank_matches(text: str, pattern: re.Pattern[str]) -> str:
    for match in reversed(list(pattern.finditer(text))):
        text = blank(text, match.start(), match.end())
    return text


def unbox(text: str) -> str:
    r"""``\boxed{a = b}`` -> ``a = b`` (blanked in place, offsets kept): a box marks a result,
    it says nothing about it.  An unclosed box is left for the reader to refuse."""
    for match in reversed(list(_BOXED.finditer(text))):
        close = read_group(text, match.end() - 1)[1]
        if text[close - 1:close] != "}":
            continue
        text = blank(blank(text, close - 1, close), match.start(), match.end())
    return text


def shapes_under(text: str) -> str:
    r"""``\underset{(D_h \times 1)}{\textbf{x}}`` -> ``{\textbf{x}}`` (blanked in place): a
    shape written under a factor annotates it and is not read (nor checked against the
    notation).  Any other ``\underset`` is left for the reader to refuse."""
    return blank_matches(text, _SHAPE_UNDER)


def hide_non_math(text: str, suffix: str) -> str:
    """Blank what can never hold display math: ``%`` comments in TeX, code fences in Markdown."""
    if suffix == ".tex":
        return blank_matches(text, _TEX_COMMENT)
    return blank_matches(text, _FENCE)


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def words_only(text: str, suffix: str = ".md") -> str:
    """The document's words alone: its display and inline maths blanked (offsets and line
    numbers kept), as its code and comments are."""
    return blank_matches(blank_matches(hide_non_math(text, suffix), _DISPLAY), _INLINE)


def clean_note(text: str) -> str:
    r"""An annotation as readable text: ``\text{..}`` unwrapped, ``$`` and spacing removed."""
    text = _TEXT_CMD.sub(lambda m: m.group(1), text)
    text = re.sub(r"\\q?quad(?![A-Za-z])|\\[,;!]|\$", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1].strip()
    return text[:NOTE_CHARS]


def plain_text(text: str) -> str:
    """A document's text as the reader reads it: a leading byte-order mark dropped and every
    line end (CR LF, or CR alone as old Mac editors write) made LF, so the front matter is
    found and line numbers are the ones an editor shows."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_document(text: str, suffix: str = ".md") -> tuple[RawChain, ...]:
    """Every display-math chain of the document, in order (past
    :data:`DOCUMENT_CHARS`, nothing more is read)."""
    return _split_document(text[:DOCUMENT_CHARS], suffix)


@memoized("read.latex.splits", 4)   # key: the text and its suffix, all a split reads
def _split_document(text: str, suffix: str) -> tuple[RawChain, ...]:
    """The last few are kept (bounded texts only): a submission is split once to be guarded
    and once to be read; the chains are immutable."""
    text = hide_non_math(text, suffix)
    lines = _Lines(text)
    chains: list[list[RawStep]] = []
    open_chain = False   # the previous block ended with '=': the next one continues it
    previous_end = 0
    solving = ""         # the block before set a line to 0: the next one may go on solving
    unsolved = 0         # the line it set to 0 on, when none of its rows reached a name
    for match in _DISPLAY.finditer(text):
        group = next(g for g in ("dollar", "bracket", "body") if match.group(g) is not None)
        body, offset = match.group(group), match.start(group)
        after = _NEXT_LINE_LABEL.match(text, match.end())
        sides = block_sides(body, offset, after.group(1) if after else None)
        prose = text[previous_end:match.start()]
        previous_end = after.end() if after else match.end()
        if not any(side.text.strip() for side in sides):
            continue
        continues = (sides[0].text.strip() == "" or open_chain) and bool(chains)
        open_chain = sides[-1].text.strip() == "" and len(sides) > 1
        case = announced_case(prose) or row_condition(body)
        case_line = lines.line_of(match.start(group))
        said = "" if case else stated_inequality(prose)
        if not case and continues and chains[-1][-1].case and not _CASE_CHANGE.search(prose):
            # A block going on with '=' from a case block stays in that case (unless the prose
            # between speaks of cases: "Both cases combine", "In general").
            case, case_line = chains[-1][-1].case, chains[-1][-1].case_line
        block = _steps(sides, lines, clean_note(prose) if continues else "", continues)
        cue = _solving_cue(prose) or solving
        solving = ""
        # a row of this block set a line to 0: the rows after it solve it; a block right
        # after one whose rows did not reach a name (w = ...) goes on solving it (X^TXw =
        # X^Ty after \nabla L = 0: compared as an identity, a right step would be refuted)
        condition_line = 0
        if unsolved and len(prose.strip()) <= PROSE_CUE_CHARS:
            condition_line = unsolved
        unsolved = 0
        marked: list[RawStep] = []
        for number, step in enumerate(block):
            if step.relation == "" or not chains:
                chains.append([])
            if case:
                step = replace(step, case=case, case_line=case_line)
            elif said:
                step = replace(step, stated=said)
            ends_equation = number + 1 == len(block) or block[number + 1].relation == ""
            if condition_line:
                step = replace(step, solves="it goes on solving the equation set to 0 on "
                               f"line {condition_line}", solves_line=condition_line)
            elif chains[-1] and ends_equation and _ZERO_SIDE.match(step.text):
                first = chains[-1][0].text
                why = cue or ("its equation starts with a derivative"
                              if _DERIVATIVE_SIDE.match(first) else "")
                if why:
                    step = replace(step, solves=f"{SETS_ZERO}; {why}",
                                   solves_line=step.line)
                    solving, condition_line = "the block before sets a line to 0", step.line
            chains[-1].append(step)
            marked.append(step)
        if condition_line and not any(_SOLVED_NAME.match(step.text) for step in marked
                                      if step.solves_line == condition_line and
                                      step.relation == "" and not step.solves.startswith(
                                          SETS_ZERO)):
            unsolved = condition_line
    return tuple(RawChain(tuple(c), c[0].line) for c in chains if c)


# A side that is a zero as written: 0, \mathbf{0}, \vec 0 (a full stop after it is prose).
_ZERO_SIDE = re.compile(r"^\s*(?:0|\\(?:mathbf|boldsymbol|bm|vec)\s*(?:\{\s*0\s*\}|0))"
                        r"\s*[.,;]?\s*$")
# The first side of an equation that is a derivative: \frac{\partial L}{...}, \nabla_w J, dL/dw.
_DERIVATIVE_SIDE = re.compile(r"^\s*(?:\\frac\s*\{\s*(?:\\partial|d(?![A-Za-z])|"
                              r"\\mathrm\s*\{\s*d\s*\})|\\partial|\\nabla|"
                              r"\\mathrm\s*\{\s*d\s*\}\s*[A-Za-z\\])")
# The first side of a row that solves for a name: \hat{\mathbf{w}}, \; \theta, \hat\mu, w^*.
_SOLVED_NAME = re.compile(r"^\s*(?:\\[,;!: ]\s*|\\q?quad\s*)*(?:\\(?:hat|tilde|bar|mathbf|"
                          r"boldsymbol|bm|vec)\s*\{?\s*){0,3}\\?[A-Za-z]+\s*\}*\s*"
                          r"(?:\^\s*\{?\s*\*\s*\}?)?\s*$")
PROSE_CUE_CHARS = 400   # how far back the words before a block are read for a cue
# Words before a block that say it sets something to 0: "setting it to zero", "equating
# the derivative to 0", "solve", "stationary point", or an inline "... = 0".
_SOLVING_WORDS = re.compile(r"(?<![A-Za-z\\])(?:set(?:s|ting)?\s+(?:\S+\s+){0,4}?(?:to\s+)?"
                            r"(?:zero|\$\s*0\s*\$)|equat(?:e|es|ing)\w*|solv(?:e|es|ing)|"
                            r"stationary|critical\s+point|vanish(?:es|ing)?|(?:is|be|are)\s+zero)"
                            r"(?![A-Za-z])|=\s*0\s*(?=[$.,;]|\\\))", re.I)


def _solving_cue(prose: str) -> str:
    """The words of the prose before a block that say it solves an equation set to 0, as
    "the words before it: '...'"; "" when there are none."""
    found = _SOLVING_WORDS.search(prose[-PROSE_CUE_CHARS:])
    if found is None:
        return ""
    return f"the words before it: '{' '.join(found.group(0).split())}'"


_GREEK_NAMES = ("alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
                "vartheta", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "phi",
                "varphi", "chi", "psi", "omega", "ell", "Gamma", "Lambda", "Sigma", "Phi", "Psi",
                "Omega", "Theta", "pi")
# Inline math in prose: $...$ (never $$) and \(...\), within one paragraph.
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)(?P<dollar>[^$\n]*(?:\n(?!\s*\n)[^$\n]*)*?)(?<![\\$])\$|"
                     r"\\\((?P<paren>(?:(?!\\\)|\n\s*\n).)+?)\\\)", re.S)
_INLINE_CHARS = 300
# a side that names what it defines: L, \hat{y}_i, z_i, \alpha, f(x), l_i(\beta)
_DEFINED_SIDE = re.compile(r"\s*(?:\\(?:hat|tilde|bar|check|mathbf|boldsymbol|bm|vec|mathcal)\s*"
                           r"\{\s*\\?[A-Za-z]+\s*\}|"
                           r"\\(?:" + "|".join(_GREEK_NAMES) + r")(?![A-Za-z])|[A-Za-z]+)\s*"
                           r"(?:_\s*(?:\{[^{}]*\}|\\?[A-Za-z]+|\d))?\s*"
                           r"(?:\((?:[^()=]*)\))?\s*")
# a second side that is a name or a number alone (i = k, p_l = 1): a condition, not a definition
_LONE_SIDE = re.compile(r"\s*-?\s*(?:\\?[A-Za-z]+|\d+(?:\.\d+)?)\s*(?:_\s*(?:\{[^{}]*\}|\w))?\s*")


@dataclass(frozen=True)
class StatedShape:
    r"""What the document says a name is, in its own words: ``$X \in \mathbb{R}^{n \times
    d}$`` (a matrix, ``dims`` ``("n", "d")``), ``$w \in \mathbb{R}^d$`` (a vector), ``$c \in
    \mathbb{R}$`` (a scalar), ``$\mathbf{x}_i \in \mathbb{R}^d$`` (each member of a family
    a vector: ``member``), ``for any matrix $A$`` (a matrix, its dimensions unsaid)."""

    base: str                  # as inference names it: 'X', '\\theta', '\\hat{y}' (no font)
    kind: str                  # 'scalar', 'vector', 'matrix'
    dims: tuple[str, ...]      # the size letters, () when unsaid
    member: bool               # said of x_i, each member of a family
    line: int
    text: str                  # the words, as written ('$w \\in \\mathbb{R}^d$', 'matrix $A$')
    # the words qualifying it ('symmetric', 'orthogonal': "a symmetric matrix $C$")
    qualities: tuple[str, ...] = ()


_FONTED = r"\\(?:mathbf|boldsymbol|bm|vec|pmb)\s*\{\s*(\\?[A-Za-z]+)\s*\}"
_STATED_NAME = (r"(?:" + _FONTED + r"|(\\(?:hat|tilde|bar|check)\s*\{\s*\\?[A-Za-z]+\s*\})|"
                r"(\\(?:" + "|".join(_GREEK_NAMES) + r")(?![A-Za-z])|[A-Za-z](?![A-Za-z])))"
                r"(\s*_\s*(?:\{\s*[a-z]\s*\}|[a-z]))?")
_REALS = (r"\\in\s*(?:\\mathbb\s*(?:\{\s*R\s*\}|R)|\\R(?![A-Za-z])|\\Bbb\s*(?:\{\s*R\s*\}|R)|"
          r"\\mathbf\s*\{\s*R\s*\})(?:\s*\^\s*(?:\{(?P<dims>[^{}]*)\}|(?P<dim>[A-Za-z0-9])))?")
_MEMBERSHIP = re.compile(r"(?P<names>" + _STATED_NAME + r"(?:\s*,\s*" + _STATED_NAME + r")*)\s*" +
                         _REALS + r"(?![\^_A-Za-z0-9])")
# "vectors $a$ and $b,$", "matrix $C,$": a list of names, in one formula or in several
_KIND_NAMES = (r"(?:\$|\\\()\s*(?:" + _STATED_NAME + r"(?:\s*,\s*" + _STATED_NAME + r")*)"
               r"\s*,?\s*(?:\$|\\\))")
# what the words say of a matrix beyond its kind (its reading must know it: a step true of a
# symmetric C is false of another)
_QUALITY = (r"symmetric|square|invertible|invertibe|non-?singular|orthogonal|orthonormal|"
            r"diagonal|triangular|upper[- ]triangular|lower[- ]triangular|unitary|idempotent|"
            r"positive(?:[- ]semi)?[- ]definite|PSD|PD|SPD|skew[- ]symmetric|antisymmetric|"
            r"nonnegative|non-negative|positive|negative|sparse|identity|unit|zero|constant|"
            r"random|real|complex|column|row|binary|one-hot")
_KIND_WORD = re.compile(r"(?:\b(?P<qualities>(?:(?:" + _QUALITY + r")(?:\s*,\s*|\s+and\s+|\s+))+))?"
                        r"\b(?P<word>matri(?:x|ces)|vectors?|scalars?)\s+(?P<names>" +
                        _KIND_NAMES + r"(?:\s*(?:,\s*)?(?:and\s+)?" + _KIND_NAMES + r")*)"
                        # "a matrix $A$ is invertible"
                        r"(?:\s+(?:is|are)\s+(?:an?\s+)?(?P<after>(?:" + _QUALITY + r")\b))?")
_TIMES = re.compile(r"\\times|\\cdot|×|\*")


def stated(text: str, suffix: str = ".md") -> tuple[StatedShape, ...]:
    """What the document's words say of its names (:class:`StatedShape`): the shapes
    (:func:`_shapes`) and the kinds of values (:func:`_kinds`), in the order written."""
    text = hide_non_math(text[:DOCUMENT_CHARS], suffix)
    lines = _Lines(text)
    return tuple(sorted((*_shapes(text, lines), *_kinds(text, lines)), key=lambda s: s.line))


def _stated_names(written: str) -> list[tuple[str, bool]]:
    """Each name of a list (``A, B``), without its font, and whether it has a subscript."""
    out = []
    for match in re.finditer(_STATED_NAME, written):
        base = next(g for g in match.groups()[:3] if g is not None)
        out.append((re.sub(r"\s+", "", base), match.group(4) is not None))
    return out


def _shapes(text: str, lines: _Lines) -> list[StatedShape]:
    r"""The shapes stated in the document's math and in the words before its inline math.  A
    statement whose dimensions are not plain letters or numbers (``\mathbb{R}^{N_{out}}``, a
    row ``1 \times n``) states nothing."""
    found: list[StatedShape] = []
    for match in _MEMBERSHIP.finditer(text):
        written = match.group("dims") if match.group("dims") is not None else match.group("dim")
        dims = tuple(d.strip() for d in _TIMES.split(written)) if written else ()
        if any(not re.fullmatch(r"[A-Za-z]|\d+", d) for d in dims) or len(dims) > 2 or \
                (len(dims) == 2 and dims[0] == "1"):
            continue
        if len(dims) == 2 and dims[1] == "1":
            dims = dims[:1]
        kind = ("scalar", "vector", "matrix")[len(dims)]
        for base, member in _stated_names(match.group("names")):
            found.append(StatedShape(base, kind, dims, member, lines.line_of(match.start()),
                                     "$" + match.group(0).strip() + "$"))
    for match in _KIND_WORD.finditer(text):
        word = match.group("word")
        kind = "matrix" if word.startswith("matri") else word.rstrip("s")
        formulas = re.findall(r"(?:\$|\\\()(.*?)(?:\$|\\\))", match.group("names"), re.S)
        qualities = tuple(q.lower().replace(" ", "-") for q in
                          re.findall(rf"\b(?:{_QUALITY})\b",
                                     (match.group("qualities") or "") + " " +
                                     (match.group("after") or ""), re.I))
        for base, member in [n for formula in formulas for n in _stated_names(formula)]:
            found.append(StatedShape(base, kind, (), member, lines.line_of(match.start()),
                                     " ".join(match.group(0).split()), qualities))
    return found


_MATH_OPEN, _MATH_CLOSE = r"(?:\$|\\\()\s*", r"\s*(?:\$|\\\))"
# the name a kind is said of, with its subscript and anything after it in the same formula
# ($p_j,1\leq j\leq n$)
_KIND_SUBJECT = (_MATH_OPEN + r"(?P<names>" + _STATED_NAME + r")(?:\s*,(?:(?!\\[()])[^$])*?)?" +
                 _MATH_CLOSE)
_KIND_PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # "where \(y_i\) is one-hot", "$y$ is a one-hot vector"
    ("onehot", re.compile(_KIND_SUBJECT + r"\s+(?:is|are)\s+(?:an?\s+|the\s+)?one[- ]hot",
                          re.I)),
    # "the one-hot label $y$", "one-hot encoded vector \(y\)"
    ("onehot", re.compile(r"\bone[- ]hot(?:[- ]encoded)?(?:\s+(?:label|target|vector|"
                          r"encoding)s?)?\s+" + _KIND_SUBJECT, re.I)),
    # "the sum of the probabilities $p_j,1\leq j\leq n$ is equal to $1$", "$p$ is a
    # (probability) distribution"
    ("distribution", re.compile(r"\bsum\s+of\s+(?:the\s+|all\s+)?(?:probabilities|entries|"
                                r"components)\s+" + _KIND_SUBJECT + r"\s+(?:is\s+(?:equal\s+to"
                                r"\s+)?|equals\s+)(?:\$\s*1\s*\$|\\\(\s*1\s*\\\)|1\b|one\b)",
                                re.I)),
    ("distribution", re.compile(_KIND_SUBJECT + r"\s+(?:is|are)\s+(?:an?\s+|the\s+)?"
                                r"(?:probability\s+)?distribution\b", re.I)),
    # "Differentiating with respect to $\pi$", "the gradient w.r.t. $w$": a variable, which a
    # line ``\pi = ...`` solves for (no definition)
    ("variable", re.compile(r"\b(?:with\s+)?(?:respect\s+to|w\.\s*r\.\s*t\.?)\s+(?:the\s+\w+\s+)?"
                            + _KIND_SUBJECT, re.I)),
)


def _kinds(text: str, lines: _Lines) -> list[StatedShape]:
    r"""The kinds of values the words give a name: one-hot labels ("where \(y_i\) is
    one-hot") or a distribution ("the sum of the probabilities $p_j$ is equal to $1$"), as
    :class:`StatedShape` whose ``kind`` is ``onehot`` or ``distribution``."""
    found: list[StatedShape] = []
    for kind, pattern in _KIND_PHRASES:
        for match in pattern.finditer(text):
            base, _ = _stated_names(match.group("names"))[0]
            found.append(StatedShape(base, kind, (), False, lines.line_of(match.start()),
                                     " ".join(match.group(0).split())))
    return found


def inline_definitions(text: str, suffix: str = ".md") -> tuple[RawChain, ...]:
    r"""The definitions a document writes in its prose's inline math (``where
    \(\hat{y}_i = \frac{e^{z_i}}{\sum_k e^{z_k}}\)``, ``$f(w) = w^T A w$``), each as a chain
    of two steps (the name as written, then what it is), for inference only: they are never
    checked.  Only an equation (``=``, ``:=``, the first value of a chain of them) and no other
    relation, a first side
    that is a name (with a subscript or a call's brackets) and a second side that is more than
    a name or a number alone (``$i = k$`` and ``$p_l = 1$`` are conditions) is one."""
    text = hide_non_math(text[:DOCUMENT_CHARS], suffix)
    text = blank_matches(text, _DISPLAY)
    lines = _Lines(text)
    found: list[RawChain] = []
    for match in _INLINE.finditer(text):
        group = "dollar" if match.group("dollar") is not None else "paren"
        body = match.group(group)
        if len(body) > _INLINE_CHARS or _RELATION.search(body) or "\\\\" in body or "#" in body \
                or "$" in body:      # a dollar inside \(...\): not one formula
            continue
        body = re.sub(r"[\s,.;:]+$", "", body)
        sides = split_depth0(body, (":=", "="))
        if len(sides) < 2 or not sides[1].strip():
            continue
        # (\phi(X) = tr(AXB) = tr(BAX): the name is its first value, the rest claims of it)
        name, value = (side.strip() for side in sides[:2])
        if _DEFINED_SIDE.fullmatch(name) is None or _LONE_SIDE.fullmatch(value) is not None \
                or len(split_depth0(value, (",",))) > 1:      # n = 1, 2, ..., N: a range
            continue
        line = lines.line_of(match.start(group))
        found.append(RawChain((RawStep(name, line, relation=""), RawStep(value, line)), line))
    # a name the prose sets to two different things (J = -\sum_i p_i \log q_i, then J = p_i
    # \log q_i for one term) is defined by neither
    values: dict[str, set[str]] = {}
    for chain in found:
        values.setdefault(chain.steps[0].text, set()).add(re.sub(r"\s+", "", chain.steps[1].text))
    return tuple(chain for chain in found if len(values[chain.steps[0].text]) == 1)


# the tail of a one-row block after a gap that is a condition on two index letters only:
# "= a_i(1 - a_i), \quad i = j", "\qquad \text{if } i \neq j", "\quad (k \ne i)"
_ROW_CONDITION = re.compile(r",?\s*\\q?quad(?![A-Za-z])\s*(?:\\text\s*\{\s*(?:if|for|when)\s*\}\s*|"
                            r"(?:if|for|when)\s+)?\(?\s*(?P<cond>[i-n]\s*(?:=|\\neq?(?![A-Za-z])|"
                            r"\\not\s*=)\s*[i-n])\s*\)?\s*[.,;]?\s*$")


def row_condition(body: str) -> str:
    r"""The condition a one-row block writes after its formula, behind a gap (``\frac{\partial
    a_j}{\partial z_i} = a_i(1 - a_i), \quad i = j``): the block's case, as if the prose
    before it announced it; ``""`` otherwise (a block of several rows, any other tail)."""
    if any(depth == 0 and body.startswith("\\\\", pos) for pos, depth in depth_walk(body)):
        return ""
    match = _ROW_CONDITION.search(body)
    if match is None or any(d != 0 for pos, d in depth_walk(body) if pos == match.start()):
        return ""
    return " ".join(match.group("cond").split())


def announced_case(prose: str) -> str:
    r"""The condition a stretch of prose announces when that is all it does (``If $i=j$,``,
    ``And if \(i \neq j\),``, ``Case 2: $k \neq i$.``): its formula's LaTeX, else ``""``."""
    # its last paragraph: what comes right before the block ("[Figure]\n\nCase 2: $i \neq j$")
    last = re.split(r"\n[ \t]*\n", prose.strip())[-1]
    text = _MARKDOWN_MARKS.sub("", last.strip()).strip()
    if len(text) > 120:
        return ""
    if _OTHER_CASE.match(text):
        return "\\text{otherwise}"
    match = _CASE_PROSE.match(text)
    if match is None:
        return ""
    return (match.group("dollar") or match.group("paren") or "").strip()


# an inline formula that is an inequality of two letters: j \neq i, i \ne j
_INEQUALITY = re.compile(r"\s*([a-z])\s*(?:\\neq?|\\not\s*=|!=)\s*([a-z])\s*")


def stated_inequality(prose: str) -> str:
    r"""The one inequality of two letters the prose before a block writes as a formula of its
    own (``where $j \neq i$``; written twice over the same letters, it is one), as written
    first; ``""`` when there is none, or more than one pair."""
    found: dict[frozenset[str], str] = {}
    for match in _INLINE.finditer(prose):
        formula = (match.group("dollar") or match.group("paren") or "")
        inequality = _INEQUALITY.fullmatch(formula)
        if inequality is not None and inequality.group(1) != inequality.group(2):
            found.setdefault(frozenset(inequality.groups()), formula.strip())
    return next(iter(found.values())) if len(found) == 1 else ""


def _steps(sides: list[_Side], lines: _Lines, prose_note: str,
           continues: bool) -> list[RawStep]:
    """Non-empty sides as steps.  The first step's relation is "=" when the block continues
    the previous chain and "" (a new chain) otherwise; a later "" starts a new equation."""
    steps: list[RawStep] = []
    for side in sides:
        stripped = side.text.strip()
        if stripped.endswith("\\") and not stripped.endswith("\\\\"):
            stripped = stripped[:-1].rstrip()   # "H\ = ..." leaves the "\" of "\ "
        if not stripped:
            continue
        lead = len(side.text) - len(side.text.lstrip())
        note = side.note
        relation = side.relation
        if not steps:
            relation = "=" if continues else ""
            if prose_note:
                note = f"{prose_note}; {note}" if note else prose_note
        steps.append(RawStep(stripped, lines.line_of(side.offset + lead), side.label, note,
                             relation))
    return steps


# the spacing a continued row may start with before its sign (& \qquad + ...)
_ROW_SPACING = re.compile(r"^(?:\s|\\q?quad(?![A-Za-z])|\\[,;:! ]|~|\\hspace\s*\{[^{}]*\})*")


def block_sides(body: str, offset: int, next_line_label: str | None) -> list[_Side]:
    """The block's sides in order.  An empty first side means the block starts with ``=``."""
    body, block_label = _take_labels(body)
    body = shapes_under(unbox(blank_matches(body, _WRAPPERS)))
    body = _unwrap_layouts(blank_matches(body, _SIZE_SWITCH))
    sides: list[_Side] = []
    for row_text, row_offset in _rows(body):
        row_sides = _row_sides(row_text, offset + row_offset)
        if sides and row_sides and row_sides[0].text.strip() and \
                _ROW_SPACING.sub("", row_sides[0].text)[:1] in ("+", "-") and \
                sides[-1].text.strip():
            # A row starting with + or - continues the previous side's expression.
            last = sides.pop()
            gap = offset + row_offset - (last.offset + len(last.text))
            merged = last.text + " " * max(gap, 1) + row_sides[0].text
            row_sides[0] = _Side(merged, last.offset, last.relation, row_sides[0].label,
                                 row_sides[0].note)
        elif sides and row_sides and row_sides[0].text.strip():
            # A later row that does not start with '=' is a new equation (gathered rows).
            row_sides[0] = _Side(row_sides[0].text, row_sides[0].offset, "")
        sides.extend(row_sides)
    label = block_label or next_line_label
    if label:
        # An equation number labels every side of its block (a = b (1): both are "(1)").
        sides = [side if side.label else _Side(side.text, side.offset, side.relation,
                                               f"({label})", side.note) for side in sides]
    return sides


def _unwrap_layouts(body: str) -> str:
    r"""Equation layouts as rows of ``\\``-separated sides, offsets kept: plain TeX's
    ``\eqalign{ a &= b \cr &= c }`` (its braces blanked, ``\cr`` a row break) and a block that
    is nothing but an ``array{rcl}`` of equations (``a &=& b \\ &=& c``; every middle cell a
    relation or empty, else it is a matrix and stays as written)."""
    for match in reversed(list(_EQALIGN.finditer(body))):
        content, after = read_group(body, match.end() - 1)
        close = after - 1
        if close < match.end() or body[close] != "}" or len(content) != close - match.end():
            continue   # not closed: left as written (refused when read)
        inner = _CR.sub(lambda m: "\\\\ ", body[match.end():close])
        body = (body[:match.start()] + " " * (match.end() - match.start()) + inner + " "
                + body[close + 1:])
    layout = _ARRAY_LAYOUT.match(body)
    if layout is None:
        return body
    spec = re.sub(r"[|\s]", "", layout.group(1))
    if spec not in _LAYOUT_SPECS:
        return body
    rows = [[cell.strip() for cell in split_depth0(row, ("&",))]
            for row, _ in _rows(layout.group(2))]
    columns = len(spec)
    for cells in rows:
        if cells == [""]:
            continue
        if len(cells) > columns or (columns == 3 and len(cells) >= 2 and
                                    not _LAYOUT_RELATION.match(cells[1])):
            return body
    body = blank(body, layout.end(2), len(body))
    return blank(body, 0, layout.start(2))


def _over_relations(row: str) -> tuple[str, dict[int, str]]:
    r"""``\stackrel{(a)}{=}`` and ``\overset{(a)}{=}`` as ``=`` (``:=`` under ``def``, a
    triangle or a colon), offsets kept; the labels over them by the relation's position."""
    labels: dict[int, str] = {}
    for match in reversed(list(_OVER_RELATION.finditer(row))):
        over = match.group("over")
        sign = ":=" if _DEFINES_OVER.match(over) else "="
        at = match.end() - 1 - len(sign)
        row = blank(row, match.start(), match.end())
        row = row[:at] + sign + row[at + len(sign):]
        if sign == "=":
            labels[at] = clean_note(over)
    return row, labels


def _take_labels(body: str) -> tuple[str, str | None]:
    label = None
    for pattern in (_TAG, _LABEL):
        for match in reversed(list(pattern.finditer(body))):
            if label is None or pattern is _TAG:
                label = match.group(1).replace("$", "").strip()
            body = blank(body, match.start(), match.end())
    body = blank_matches(body, _NONUMBER)
    return body, label


def _rows(body: str) -> list[tuple[str, int]]:
    """Rows split at depth-0 ``\\\\``; each with its offset in ``body``."""
    cuts: list[tuple[int, int]] = []
    for pos, depth in depth_walk(body):
        if depth == 0 and body.startswith("\\\\", pos):
            match = _ROW_BREAK.match(body, pos)
            assert match is not None
            cuts.append((pos, match.end()))
    rows: list[tuple[str, int]] = []
    start = 0
    for cut_start, cut_end in cuts:
        if cut_start >= start:
            rows.append((body[start:cut_start], start))
            start = cut_end
    rows.append((body[start:], start))
    return rows


# a row's left side that is only words before its '=' (\text{(put derivative into summation)},
# \text{by linearity}): a phrase in brackets or of several words, never one word (\text{Cost}
# may be a name the notation spells)
_LEADING_PROSE = re.compile(r"^\s*(\\(?:text|textrm|textit|mbox)\s*\{\s*(?:\([^{}]*\)|"
                            r"[^{}]*[A-Za-z]\s+[A-Za-z][^{}]*)\s*\})\s*(?==)")


# an implication between statements in a row: \text{Let } u = -z_i => \frac{d}{dz}... &= ...
_IMPLICATION = re.compile(r"=>|\\(?:Rightarrow|implies|Longrightarrow)(?![A-Za-z])")


def _after_implication(row: str) -> tuple[str, str]:
    r"""A row that says something, an implication arrow, then its equation (``\text{Base on
    (3), (4)} => \frac{d}{dz_i}\ln(1 + e^{-z_i}) &= ...``, ``=> \frac{1}{1 + e^z} &= ...``):
    the row from after the last depth-0 arrow (blanked before it, so offsets stay), and what
    stood before it (a note, never a step).  A row with a relation before the arrow (a
    substitution, ``u = -z_i =>``) or none after it is left as it is."""
    arrows = [m for m in _IMPLICATION.finditer(row)
              if all(d == 0 for pos, d in depth_walk(row) if pos == m.start())]
    if not arrows:
        return row, ""
    last = arrows[-1]
    if "=" not in row[last.end():].replace("=>", ""):
        return row, ""
    before = row[:last.start()]
    if "=" in _IMPLICATION.sub(" ", before):
        # \text{Let } u = -z_i => ...: a substitution the steps after it rely on; dropped,
        # it would leave u free (and a right step refuted): the row is left as written
        return row, ""
    return blank(row, 0, last.end()), clean_note(before)


def _row_sides(row: str, offset: int) -> list[_Side]:
    row = "".join(" " if c == "&" and d == 0 else c
                  for c, d in _chars_with_depth(row))
    row, over = _over_relations(row)
    row, label, note = _take_annotation(row)
    row, given = _after_implication(row)
    if given:
        note = f"{note}; after: {given}" if note else f"after: {given}"
    lead = _LEADING_PROSE.match(row)
    lead_note = ""
    if lead:
        # \text{(chain rule)} &= ...: a row whose left side is only words, its note; the
        # row goes on from the one before
        lead_note = clean_note(lead.group(1))
        row = blank(row, 0, lead.end())
    if not row.strip():
        return []
    sides: list[_Side] = []
    position = 0
    pieces = split_depth0(row, (":=", "="))
    relation = ""
    over_note = ""
    for piece in pieces:
        at = row.index(piece, position) if piece else position
        sides.append(_Side(piece, offset + at, relation,
                           note=f"over the '=': {over_note}" if over_note else ""))
        position = at + len(piece)
        relation = ":=" if row.startswith(":=", position) else "="
        over_note = over.get(position, "")
        position += len(relation)
    filled = [i for i, side in enumerate(sides) if side.text.strip()]
    if filled and lead_note:
        i = filled[0]
        sides[i] = _Side(sides[i].text, sides[i].offset, sides[i].relation, None,
                         f"{lead_note}; {sides[i].note}" if sides[i].note else lead_note)
    if filled and note:   # the annotation justifies the row's last step
        i = filled[-1]
        sides[i] = _Side(sides[i].text, sides[i].offset, sides[i].relation, None,
                         f"{sides[i].note}; {note}" if sides[i].note else note)
    if label:             # the number labels the whole row
        sides = [_Side(side.text, side.offset, side.relation, label, side.note)
                 for side in sides]
    return sides


def _chars_with_depth(text: str) -> list[tuple[str, int]]:
    depths = [0] * len(text)
    last = 0
    walk = dict(depth_walk(text))
    for i in range(len(text)):
        last = walk.get(i, last)
        depths[i] = last
    return list(zip(text, depths, strict=True))


def _take_annotation(row: str) -> tuple[str, str | None, str]:
    r"""Cut the row at the first depth-0 ``\quad`` whose tail is not mathematics: the tail is
    then the row's annotation (``\text{why} (n)``, ``[Apply chain rule]``, a side statement
    such as ``\qquad p_k = W_k \lambda_i``).  Mathematics after a gap (``2 \quad t``) stays
    in the row and reads as the product TeX shows; it is never dropped as a note."""
    cuts = [pos for pos, depth in depth_walk(row)
            if depth == 0 and _ANNOTATION_START.match(row, pos)]
    for n, cut in enumerate(cuts):
        # Each gap is judged by what stands between it and the next gap.
        kind = tail_kind(row[cut:cuts[n + 1]] if n + 1 < len(cuts) else row[cut:])
        if kind != "maths":
            tail = row[cut:]
            row = row[:cut] + " " * (len(row) - cut)
            label = None
            match = _NUMBER_LABEL.search(tail)
            if match:
                label = f"({match.group(1)})"
                tail = tail[:match.start()]
            note = clean_note(tail)
            if kind == "statement":
                note = f"side statement, not checked: {note}"[:NOTE_CHARS]
            return row, label, note
    match = _NUMBER_LABEL.search(row)
    # A bare "(13)" or "... x \quad"-less "... (13)" after a space: an equation number.
    if match and (match.start() == 0 or row[match.start() - 1] in " \t\n"):
        return blank(row, match.start(), len(row)), f"({match.group(1)})", ""
    bracket = _TRAILING_BRACKET.search(row)
    if bracket and _is_prose(bracket.group(1)):
        return blank(row, bracket.start(), len(row)), None, clean_note(bracket.group(0))
    return row, None, ""


def tail_kind(tail: str) -> str:
    r"""What follows a depth-0 ``\quad``: ``"note"`` (nothing but a label, prose, ``\text``),
    ``"statement"`` (a relation or a list of its own: not part of this expression) or
    ``"maths"`` (a factor: TeX shows ``a \quad b`` as a product with a wide gap)."""
    body = _NUMBER_LABEL.sub("", _GAPS.sub(" ", tail)).strip()
    if not body or _TEXT_START.match(body):
        return "note"
    if body[0] in "([" and matching_paren(body, 0) == len(body) - 1 and _is_prose(body[1:-1]):
        return "note"
    words = _PROSE_WORD.findall(body)
    if len(words) >= 2 and any(len(word) >= 3 for word in words):   # 'xy zw' may be maths
        return "note"
    pieces = split_depth0(body, ("=", ","))
    if len(pieces) > 1 or _RELATION.search(body):
        return "statement"
    return "maths"


def _is_prose(text: str) -> bool:
    """Words, not mathematics: two words of two letters or more, or one of five or more."""
    words = _PROSE_WORD.findall(text)
    return len(words) >= 2 or any(len(word) >= 5 for word in words)
