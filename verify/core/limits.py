"""Every bound on input, work and output, named by what it bounds, with its reason.

Untrusted input is bounded before it is read: a bound that is exceeded refuses the input (or,
for output, shortens it) and says so, never guesses.  Several bounds share a value but not a
meaning (the depth of a bound expression and of a stored parser tree are both 200), so each
keeps its own name: changing one must not silently change another.
"""

from __future__ import annotations

# ---- files and texts, before they are read ---------------------------------------------------
ENCODING_FILE_BYTES = 2_000_000    # an encoding-language (YAML) file
ASSIGNMENT_FILE_BYTES = 1_000_000  # an assignment file
AFFINITY_FILE_BYTES = 1_000_000    # larger files get no features (they are read by a worker)
DOCUMENT_CHARS = 1_000_000         # a LaTeX/Markdown document: nothing beyond is read
NOTE_CHARS = 300                   # a side statement kept as a note
HEADER_CHARS = 100_000             # a notation header
STEP_LATEX_CHARS = 4000            # one step's LaTeX (the reader and the guards alike)
MACRO_DEFINITIONS = 200            # \newcommand and the like in one document (notes have tens)
MACRO_BODY_CHARS = 2000            # one macro's body
MACRO_EXPANSIONS = 500             # expansions in one step (a real step has a few)
MACRO_NESTING = 16                 # macros inside macros: deeper is a macro that uses itself
DSL_TEXT_CHARS = 20_000            # one expression in the encoding language
DOCUMENT_STEPS = 10_000            # steps of one document (a real derivation has tens): the
                                   # checking allowance and the outputs grow with them
YAML_NESTING = 50                  # collections nested in one YAML text (header, encoding,
                                   # assignment): the YAML composer recurses per level

# ---- the encoding language (verify.read.dsl) -------------------------------------------------
DSL_NESTING = 60                   # nesting of one expression (the parser recurses per level)
DSL_INTEGER_DIGITS = 12            # digits of one written integer
DSL_RESULT_DIGITS = 200            # digits of a number a power would make
# |numeric exponent|, in the encoding language and in LaTeX alike: 10^{10^{10}} never returns
WRITTEN_EXPONENT = 64
# A numeric upper limit of a written sum or product (\sum_{i=1}^{N}): the checks expand it
# term by term.
SUM_NUMERIC_LIMIT = 64

# ---- the LaTeX reader (verify.read.latex.step) -----------------------------------------------
LATEX_PARSER_NESTING = 40          # the ANTLR parsers recurse per level; deep inputs cost
                                   # seconds, then fail

# ---- the size guards (verify.read.guards) ----------------------------------------------------
LATEX_SCANNER_NESTING = 100        # groups nested in the guards' LaTeX scanner
LITERAL_DIGITS = 100               # digits in one written number
RESULT_DIGITS = 1000               # digits of any number the input would make SymPy compute
SYMBOLIC_EXPONENT = 64             # |exponent| of a non-numeric base: (a+b)^n has n+1 terms
POWER_TOWER = 3                    # powers nested in exponents: a^{b^{c}} is fine, one more
                                   # is not
EXPRESSION_NODES = 20_000          # nodes of one bound expression
EXPRESSION_DEPTH = 200             # depth of one bound expression (the stages recurse on it)

# ---- the notation ----------------------------------------------------------------------------
SIZE_VALUE = 6                     # a size's check values: concretized expressions grow like
                                   # K^N; keep checks small and bounded

# ---- the engines -----------------------------------------------------------------------------
# One-hot label configurations the exact test enumerates (K^N for one family: 4^6 = 4096);
# above, a sample (verify.check.symbolic.SAMPLED_CONFIGS) can find a difference, never an
# identity.
LABEL_CONFIGS = 4096
NUMERIC_ROWS = 4096                # rows (points x label configurations) of one numeric test

# ---- the stored parser trees (verify.store.parsed) -------------------------------------------
STORED_TREE_NODES = 20_000         # a larger parser tree is not stored, only parsed again
STORED_TREE_DEPTH = 200            # likewise for its depth (reading it back recurses)
CACHE_ENTRIES = 500_000            # verdict cache: about 1 GB of JSON; the oldest go first

# ---- output --------------------------------------------------------------------------------
READING_NODES = 600                # nodes of a reading written before the rest is \cdots
READING_DEPTH = 60                 # nesting of a reading written before deeper parts are \cdots
TYPESET_MATH_CHARS = 4000          # longer "equations" are typeset verbatim: no real step is
                                   # this long
TYPESET_NESTING = 40               # nesting of groups typeset; TeX's own limits are far above,
                                   # DoS is not
# amsmath typesets the argument of \phantom, \text, \boldsymbol... once per math style (four
# times), so nesting them multiplies TeX's work by four per level: \phantom twelve deep (159
# bytes) ran pdflatex past a minute.  Deeper or more numerous ones are shown verbatim.
TYPESET_COSTLY_NESTING = 3         # such commands inside one another (4^3 = 64 passes)
TYPESET_COSTLY_COMMANDS = 24       # such commands in one equation (a real step has a few)
TYPESET_TEXT_MATH_NESTING = 2      # mathematics inside \text inside mathematics inside \text
VERBATIM_CHARS = 3000              # characters of a verbatim step shown before "... (N more)"
POINT_VARIABLES = 24               # variables of a counterexample point shown
COUNTEREXAMPLE_COMPONENTS = 12     # components of a vector-valued counterexample shown
VERBATIM_RETRIES = 8               # steps typeset verbatim one by one before the PDF gives up
# A report compiles in about a second; the whitelist bounds TeX's work, so a compile that
# takes longer is stuck (an unforeseen expansion), and grading compiles one report per student.
REPORT_COMPILE_SECONDS = 15
# Reports compiled at a time (grading writes one per student; pdflatex is one process on one
# core, and the reports come after the checking, whose workers are gone by then).
REPORT_COMPILE_JOBS = 2
REPORT_TITLE_CHARS = 300           # a document's title shown before "... (N more characters)"
REPORT_NOTE_CHARS = 1000           # likewise a note, a chain's name or summary, a problem
# Lines of the .tex are wrapped near this length (TeX's input buffer holds 200,000 characters:
# a title of 99,000 backslashes, escaped, made a line of 1.58 M and no PDF).
REPORT_LINE_CHARS = 4000
# One document's entry in --json, as indented JSON: a step's entry is about 1 kB whatever its
# LaTeX (90,000 steps of `a = a`, 900 kB, made 187 MB of JSON, and 1.6 GB in memory, before
# DOCUMENT_STEPS); 10,000 such steps make 11 MB.  A larger entry keeps its counts and problems,
# its steps are left out with a problem that says so.
JSON_DOCUMENT_BYTES = 50_000_000
# Characters of one cell of a CSV output (gradebook, summary) before "... (N more characters)":
# spreadsheets hold 32,767 in a cell and split or cut longer ones (a 10,000-line submission
# of undeclared names made a "reason" of 389,000).  results.json and the report keep them all.
SPREADSHEET_CELL_CHARS = 32_000

# ---- diagnoses of refuted steps (verify.verdict.candidates, verify.verdict.explain) ----------
CANDIDATE_TERMS = 10               # addends of the previous line tried (outermost first)
CANDIDATE_SWAPS = 8                # index-letter pairs tried
CANDIDATE_INDICES = 12             # components of a line tried for an index written for another
CANDIDATE_DERIVATIVES = 6          # derivatives of the previous line tried (chain, product rule)
CANDIDATE_SYMBOLS = 6              # declared scalars tried as a lost or extra factor
# Checking a document explains its refuted steps within this time, a few steps at a time: a
# diagnosis is a help, never a verdict, so the search stops rather than delay the verdicts.
DIAGNOSIS_SECONDS = 20.0
DIAGNOSIS_MIN_SECONDS = 5.0        # ... and at most twice the checking's time, but this at least
DIAGNOSIS_BATCH = 4                # refuted steps explained together (one screen, one judge)
