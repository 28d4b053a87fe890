r"""Checking a document without a notation header: read under the inferred notation
(verify/read/inferred.py), said so (a note per document, the declarations with their reasons in
the JSON form and the report), never an input error; and (slow) soundness: every document of
derivations/*.md and tests/data/real/*.md checked with its header blanked, no step its labels
or its own header call wrong passing.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

import verify
from tests.paths import SCHEMA_PATH
from tests.test_real_corpus import at_solution
from verify.cli import main
from verify.model.jsonform import document_data, document_from_data
from verify.read.header import read_header
from verify.read.infer import header_yaml, infer_document
from verify.read.inferred import inference_of
from verify.read.latex.source import plain_text
from verify.report.tex import render_document

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted([*ROOT.glob("derivations/*.md"), *ROOT.glob("tests/data/real/*.md")])
DOCUMENTS = [p for p in DOCUMENTS if p.name != "README.md"]
VALIDATOR = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
PASSING = {"proved", "supported"}
DECIDED = {"proved", "supported", "refuted"}
# steps decided alike with the header and without it (test_header_removed_never_passes_...)
DECIDED_ALIKE_FLOOR = 168  # 2026-12-04: numbered nodes (a_1 = f(...)) and a word (Cost)
# defined by the displays that start them, a variable never a chain's defined name; 167 with
# two equations a document solves (refuted as steps both ways before) unknown both ways now,
# as conditions with no solution checked; (169 on
# 2026-12-03, 167 before functions of a sample, h_theta(x); 157
# before x_ij entries from a shorthand, inline chains
# of values, functions of a call's argument, (AX)^t; 139 before sections inferred where the
# prose defines again what a display defines, norms in the encoding, \pi a parameter, words
# of four letters no names; 122 before matrices' words, entries, rows of a data
# matrix, both readings of labels and definitions of chain-rule intermediates; 96 before the
# prose's inline definitions were read, 104 before matrices with dots and iterates w_t, 109
# before y_i(x) and cases after a lead-in,
# 114 before one-hot and distribution in the words, 123 before two named sizes were no
# longer merged: ridge_segment's stated X n-by-n beside beta d-by-1 is refused, not read n = d)

# (document without a header, the statuses of its steps): a wrong step is refuted (or left
# unread), never passed, under the inferred notation.
CASES: list[tuple[str, list[str]]] = [
    (r"$$\sum_{i=1}^{N} \mathbf{w}^T \mathbf{x}_i = \sum_{i=1}^{N} \mathbf{x}_i^T \mathbf{w}"
     r" = N \mathbf{w}^T \mathbf{x}_1$$", ["start", "proved", "refuted"]),
    # the slip w^T X y would make X square: it does not choose its own reading (X undeclared)
    (r"$$\mathbf{y}^T X \mathbf{w} = \mathbf{w}^T X^T \mathbf{y} = \mathbf{w}^T X \mathbf{y}$$",
     ["unparsed", "unparsed", "unparsed"]),
    (r"$$X'Xw+\lambda w = (X'X + \lambda I) w = (X X' + \lambda I) w$$",
     ["start", "proved", "unparsed"]),
    (r"$$\sigma(t)(1 - \sigma(t)) = \sigma(t) - \sigma(t)^2 = \sigma(-t)$$",
     ["start", "proved", "refuted"]),
    # a name the chain defines is defined by its second side as read; the rest is checked
    # against it
    (r"$$L = \sum_{i=1}^{N} (y_i - w x_i)^2 = \sum_{i=1}^{N} y_i^2$$",
     ["start", "proved", "refuted"]),
    # a second side that is a norm defines the name too (the encoding writes it back: norm);
    # one it cannot write back exactly defines nothing (the name stays undeclared)
    (r"$$L = \| X \mathbf{w} - \mathbf{y} \|^2 = (X \mathbf{w} - \mathbf{y})^T (X \mathbf{w} - "
     r"\mathbf{y}) = \mathbf{y}^T \mathbf{y}$$", ["start", "proved", "proved", "refuted"]),
    # an update rule: w_t another value of w, of its shape; w_{t+1} stays unread (no header
    # spelling could declare it); the sign slip of the last step is refuted
    (r"$$w_{t+1} = w_t - \eta X^T (X w - y) = w_t - \eta X^T X w + \eta X^T y = w_t - \eta "
     r"X^T X w - \eta X^T y$$", ["unparsed", "start", "proved", "refuted"]),
    # g'(x) = d/dx of an expression: g is that expression (real: corpus/sigmoid_heaton.md);
    # the slip g(x)^2 refuted
    (r"$$g'(x) = \frac{d}{dx} \frac{1}{1 + e^{-x}} = \frac{e^{-x}}{(1 + e^{-x})^2} = "
     r"g(x)(1 - g(x)) = g(x)^2$$", ["start", "proved", "proved", "proved", "refuted"]),
    # a standard definition applied by its name: the library's softmax over z's length
    (r"$$\mathrm{softmax}_j(\mathbf{z}) = \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}} = "
     r"\frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}} + 1$$", ["start", "proved", "refuted"]),
    # c_{ij} beside the matrix C: its entries (a derivative by one of them; the slip of a
    # sign refuted)
    ("Given column vectors $a$ and $b$ and a square matrix $C$,\n\n$$C(a-b) = C a - C b$$"
     "\n\n" r"$$\frac{\partial}{\partial c_{ij}} (a-b)^T C (a-b) = (a_i - b_i)(a_j - b_j) = "
     r"(a_i - b_i)(a_j + b_j)$$", ["start", "proved", "start", "proved", "refuted"]),
    # the words name the summation convention: a step that sums repeated indices without
    # writing the sum is refused, never read with them free
    ("Given column vectors $a$ and $b$ and a square matrix $C$, using repeated index "
     "summation notation,\n\n$$(a-b)^T C (a-b) = (a_i - b_i) c_{ij} (a_j - b_j)$$",
     ["start", "unparsed"]),
    # "a matrix $A$ is invertible": square; A^{-T} the inverse transposed
    ("When a matrix $A$ is invertible,\n\n"
     r"$$\frac{d}{dA} |A| = |A| A^{-T} = |A| A^{-1}$$", ["start", "proved", "refuted"]),
    # y_i(x) = ... defines y entry by entry, where y is also written as a vector (diag(y))
    # (softmax_jac_mnn.md, real)
    (r"$$\frac{\partial y_i}{\partial x_i} = y_i (1 - y_i) = y_i$$" "\n\n"
     r"$$\operatorname{diag}(y) - y y^T = \operatorname{diag}(y) - y y^T$$" "\n\n"
     r"$$y_i(x) = \frac{\exp(x_i)}{\sum_j \exp(x_j)}$$",
     ["start", "proved", "refuted", "start", "proved", "start", "proved"]),
    # a chain of two sides ending with a name the document first writes there defines it
    # backwards (lsq_weighted_zyxue.md, real: "the linear model X w = y hat"); the slip after
    # it refuted against that definition
    (r"$$X \hat{\mathbf{w}} = \hat{\mathbf{y}}$$" "\n\nwhere $X \\in \\mathbb{R}^{N \\times D}$ "
     "and $\\hat{\\mathbf{w}} \\in \\mathbb{R}^D$.\n\n"
     r"$$\frac{1}{2} (\hat{\mathbf{y}} - \mathbf{y})^T (\hat{\mathbf{y}} - \mathbf{y}) = "
     r"\frac{1}{2} (X \hat{\mathbf{w}} - \mathbf{y})^T (X \hat{\mathbf{w}} - \mathbf{y}) = "
     r"\frac{1}{2} (X \hat{\mathbf{w}} + \mathbf{y})^T (X \hat{\mathbf{w}} - \mathbf{y})$$",
     ["start", "proved", "start", "proved", "refuted"]),
    # "with respect to $\pi$": \pi a parameter (a class prior), not the number; the line
    # \pi = ... solves for it, no definition (gda_prml_amitrajan012.md, real); the slip refuted
    ("Differentiating with respect to $\\pi$,\n\n"
     r"$$\sum_{n=1}^{N} \frac{t_n - \pi}{\pi(1-\pi)} = \frac{\sum_{n=1}^{N} t_n - N \pi}"
     r"{\pi(1-\pi)} = \frac{\sum_{n=1}^{N} t_n + N \pi}{\pi(1-\pi)}$$" "\n\n"
     r"$$\pi = \frac{1}{N}\sum_{n=1}^{N} t_n$$", ["start", "proved", "refuted", "start",
                                                   "refuted"]),
    # the prose defines again, after a display, what the display defines (another f, another
    # A: frob_norm_yusukey01.md, real): from there on a section of its own, inferred from its
    # lines alone, where the first f would refute every right step
    ("The Frobenius norm of a matrix $X \\in \\mathbb{R}^{m \\times n}$ is\n\n"
     r"$$f(X) = \| X \|_F = \sqrt{\operatorname{tr}(X^T X)} = \operatorname{tr}(X^T X)$$" "\n\n"
     "For example, consider $f(A) = x^T A y$ where $A$ is a $m \\times n$ matrix, $x \\in "
     "\\mathbb{R}^m$, and $y \\in \\mathbb{R}^n$. Then\n\n"
     r"$$df = x^T dA y = \operatorname{tr}(y x^T dA) = \operatorname{tr}(y^T x dA)$$",
     ["start", "proved", "proved", "refuted", "start", "proved", "proved", "unparsed"]),
    # \Delta X inside a trace is an increment of X (no matrix \Delta): frob_xat_newbetuts229422
    ("Let $X \\in \\mathbb{R}^{m \\times n}$ and $A \\in \\mathbb{R}^{n \\times n}$.\n\n"
     r"$$\text{Tr}((X + \Delta X) A X^T) = \text{Tr}(X A X^T) + \text{Tr}(\Delta X A X^T) = "
     r"\text{Tr}(X A X^T) + 2\text{Tr}(\Delta X A X^T)$$", ["start", "proved", "refuted"]),
    # the prose defines \phi by a chain of values (the first one), and a derivative by it
    # holds; the transposed slip refuted (trace_axb_newbetuts.md, real)
    ("The cost function writes $\\phi(\\mathbf{X}) = \\mathrm{tr}(\\mathbf{AXB}) = "
     "\\mathrm{tr}(\\mathbf{BAX})$\n\n"
     r"$$\frac{\partial \phi}{\partial \mathbf{X}} = (\mathbf{BA})^T = \mathbf{BA}$$",
     ["start", "proved", "refuted"]),
    # x_{ij} written only in a derivative's shorthand (\partial_{ij} := \partial_{x_{ij}}):
    # the entries of X, i and j over its rows and columns
    ("Let $\\partial_{ij} := \\partial_{x_{ij}}$. Then\n\n"
     r"$$\partial_{ij} \operatorname{tr}(\mathbf{A} \mathbf{X}) = \operatorname{tr}(\mathbf{A} "
     r"\mathbf{e}_i \mathbf{e}_j^T) = (\mathbf{A}^T)_{ij} = \mathbf{A}_{ij}$$",
     ["start", "proved", "proved", "unparsed"]),
    # h(x) = ... defines h where its only earlier use is in a line unreadable for another
    # reason (an unbalanced bracket: logreg_newton_imathworks.md, real)
    (r"$$L = -(\frac{1}{m})(y(log(h(x))$$" "\n\n"
     r"$$h(x) = \frac{1}{1+e^{-(w^{T}x+b)}} = \frac{e^{w^Tx + b}}{1 + e^{w^T x+b}} = "
     r"\frac{1}{1+e^{w^{T}x+b}}$$", ["unparsed", "unparsed", "start", "proved", "proved",
                                     "refuted"]),
    # \nabla_w L(w) = \nabla_w (...) defines L by what is differentiated
    # (derivations/logistic_regression.md); the sign slip refuted
    (r"$$\nabla_{\mathbf{w}} L(\mathbf{w}) = \nabla_{\mathbf{w}} \left( \sum_{i=1}^{N} (y_i - "
     r"\mathbf{w}^T \mathbf{x}_i)^2 \right) = -2 \sum_{i=1}^{N} (y_i - \mathbf{w}^T \mathbf{x}_i)"
     r" \mathbf{x}_i = 2 \sum_{i=1}^{N} (y_i - \mathbf{w}^T \mathbf{x}_i) \mathbf{x}_i$$",
     ["start", "proved", "proved", "refuted"]),
    # (AX)^t: a lowercase t is the transpose, as the reader reads it; f(X) = ... is a function
    # of X where every step calls it and one at another argument (trace_atax_techqa.md, real)
    (r"$$f(X) = \mbox{tr} \left( (AX)^t (AX) \right)$$" "\n\n"
     r"$$f(X+H) = f(X) + 2\mathrm{tr}(H^{\top}A^{\top}AX) + \mathrm{tr}(H^{\top}A^{\top}AH) = "
     r"f(X) + \mathrm{tr}(H^{\top}A^{\top}AX)$$", ["start", "proved", "start", "proved",
                                                   "refuted"]),
    # h_\theta(x) = ... in the prose where the document writes x^{(i)}: h a function of one
    # sample (its bare x the parameter), x_j^{(i)} entry j of the sample x^{(i)}, and J(\theta)
    # = ... defined by the chain it starts once h reads; the lost 1/m refuted
    ("The hypothesis is $h_\\theta(x) = \\frac{1}{1+e^{-\\theta^T x}}$ and the cost is\n\n"
     r"$$J(\theta) = -\frac{1}{m}\sum_{i=1}^m \left[y^{(i)}\log h_\theta(x^{(i)}) + "
     r"(1-y^{(i)})\log(1-h_\theta(x^{(i)}))\right]$$" "\n\n"
     r"$$\frac{\partial J(\theta)}{\partial \theta_j} = -\frac{1}{m}\sum_{i=1}^m \left["
     r"\frac{y^{(i)}}{h_\theta(x^{(i)})} - \frac{1-y^{(i)}}{1-h_\theta(x^{(i)})}\right] "
     r"h_\theta(x^{(i)})(1-h_\theta(x^{(i)})) x_j^{(i)} = \frac{1}{m}\sum_{i=1}^m \left("
     r"h_\theta(x^{(i)}) - y^{(i)}\right) x_j^{(i)} = \sum_{i=1}^m \left(h_\theta(x^{(i)}) - "
     r"y^{(i)}\right) x_j^{(i)}$$", ["start", "proved", "start", "proved", "proved", "refuted"]),
    # g(z) = ... in the prose, used by J(\theta) = ... (read on a second pass, once g is
    # taken); the sign slip refuted
    ("Let $g(z) = \\frac{1}{1+e^{-z}}$ and\n\n"
     r"$$J(\theta) = -\frac{1}{m}\sum_{i=1}^m \left[y^{(i)}\log g(\theta^T x^{(i)}) + "
     r"(1-y^{(i)})\log(1-g(\theta^T x^{(i)}))\right]$$" "\n\n"
     r"$$\frac{\partial J(\theta)}{\partial \theta_j} = \frac{1}{m}\sum_{i=1}^m \left("
     r"g(\theta^T x^{(i)}) - y^{(i)}\right) x_j^{(i)} = \frac{1}{m}\sum_{i=1}^m \left("
     r"y^{(i)} - g(\theta^T x^{(i)})\right) x_j^{(i)}$$",
     ["start", "proved", "start", "proved", "refuted"]),
    # a heading after which z means another thing (a number, then a vector): each part read
    # under its own inference; sigmoid typed as a word is the standard sigmoid; a case written
    # after its formula (\quad i = j) holds the block; the slips refuted
    ("## sigmoid\n$$ s = sigmoid(z) = \\frac{1}{1+\\exp(-z)} = \\frac{1}{1+\\exp(z)} $$\n"
     "$$ \\frac{ds}{dz} = s(1-s) $$\n\n## softmax\n"
     "$$a_j = \\frac{e^{z_j}}{\\sum_k e^{z_k}}$$\n"
     "$$ \\frac{\\partial a_j}{\\partial z_i} = a_i(1 - a_i), \\quad i = j $$\n"
     "$$ \\frac{\\partial a_j}{\\partial z_i} = a_i a_j,\\quad i \\neq j. $$\n",
     ["start", "proved", "proved", "refuted", "start", "proved", "start", "proved", "start",
      "proved", "start", "refuted"]),
    # l written over several names, once as l-1, never a value: a layer, not an exponent; its
    # lines are refused, never read as powers (a fresh real lecture's a_j^l = f(z_j^l) was
    # refuted so: a_j to the power l against a sigmoid)
    (r"$$z_j^l = \sum_{i=1}^{n} w_{ij}^l a_i^{l-1} + b_j^l$$" "\n\n"
     r"$$a_j^l = \frac{1}{1 + \exp(-z_j^l)}$$", ["unparsed", "unparsed", "unparsed",
                                                  "unparsed"]),
    # ... but n in x^n and x^{n-1} beside n as a value is a power (the power rule)
    (r"$$\frac{d}{dx} (x^n + y^n) = n x^{n-1} = n x^{n+1}$$", ["start", "proved", "refuted"]),
    # e^T e: a residual vector e (e transposed, no power of Euler's number in the document),
    # defined by the chain it starts; the lost 2 refuted
    ("The residuals are\n\n$$e = y - X\\beta$$\n\n"
     r"$$e^T e = (y - X\beta)^T(y - X\beta) = y^Ty - 2\beta^T X^T y + \beta^T X^T X\beta = "
     r"y^Ty - \beta^T X^T y + \beta^T X^T X\beta$$",
     ["start", "proved", "start", "proved", "proved", "refuted"]),
    # the data x alone only as a likelihood's argument, L(\mu, \sigma; x), beside its entries
    # x_i: a vector; \sigma a standard deviation, positive (log \sigma^n = n log \sigma holds);
    # the lost square refuted
    (r"$$\log L(\mu, \sigma; x) = \log \prod_{i=1}^n \frac{1}{\sqrt{2 \pi} \sigma} e^{-\frac{"
     r"(x_i - \mu)^2}{2 \sigma^2}} = -\frac{n}{2} \log(2 \pi) - n \log(\sigma) - \sum_{i=1}^n "
     r"\frac{(x_i - \mu)^2}{2 \sigma^2} = -\frac{n}{2} \log(2 \pi) - n \log(\sigma) - "
     r"\sum_{i=1}^n \frac{(x_i - \mu)^2}{2 \sigma}$$",
     ["unparsed", "start", "supported", "refuted"]),
    # \phi(z) = ... in the prose defines a function, though a derivative is taken by
    # \phi(w^T x) (a call there, no variable the line solves for); the lost factor refuted
    ("$\\phi(z) = \\frac{1}{1 + e^{-z}}$ is the logistic function.\n\n"
     r"$$\frac{\partial \log \phi(\mathbf{w}^T \mathbf{x})}{\partial \phi(\mathbf{w}^T "
     r"\mathbf{x})} = \frac{1}{\phi(\mathbf{w}^T \mathbf{x})}$$" "\n\n"
     r"$$\frac{\partial}{\partial w_j} \phi(\mathbf{w}^T \mathbf{x}) = \phi(\mathbf{w}^T "
     r"\mathbf{x})(1 - \phi(\mathbf{w}^T \mathbf{x})) x_j = \phi(\mathbf{w}^T \mathbf{x}) x_j$$",
     ["start", "proved", "start", "proved", "refuted"]),
    # a heading splits z (a number, then a family), but p defined in the prose before it
    # holds after it too: the right step through p proved, never read with p free
    ("## setup\n\nLet $p_j = \\frac{e^{a_j}}{\\sum_{k=1}^{K} e^{a_k}}$ and $z$ a number, $z = "
     "3$ here.\n\n$$ \\frac{d}{dz} z^2 = 2z $$\n\n## gradient\n\n"
     r"$$ u_j = p_j (1 - p_j) = \frac{e^{a_j}}{\sum_{k=1}^{K} e^{a_k}}\left(1 - \frac{e^{a_j}}"
     r"{\sum_{k=1}^{K} e^{a_k}}\right) $$" "\n\n"
     r"$$ \sum_{j=1}^{K} z_j^2 = \sum_{j=1}^K z_j z_j $$",
     ["start", "proved", "start", "proved", "proved", "start", "proved"]),
    # a vector given by the listing of its entries, x = {x_1, ..., x_n} (a fresh real post):
    # no definition, a vector of those entries; the doubled inner product refuted
    (r"$$\mathbf{x} = \{ x_1, x_2, ..., x_n \}$$" "\n\n"
     r"$$\sum_{i=1}^{n} x_i^2 = \mathbf{x}^T \mathbf{x} = 2 \mathbf{x}^T \mathbf{x}$$",
     ["start", "unparsed", "start", "proved", "refuted"]),
    # \hat{\mu} defined by its formula of the data (the prose's listing of x says nothing of
    # its entries' family); the lost 1/2 refuted
    ("The data are $\\mathbf{x} = (x_1, x_2, \\dots, x_n)$.\n\n"
     r"$$\hat{\mu} = \frac{\sum_{i=1}^n x_i}{n} = \frac{1}{n}\sum_{i=1}^n x_i = \frac{2}{n}"
     r"\sum_{i=1}^n x_i$$", ["start", "proved", "proved", "refuted"]),
    # an array's column specification names nothing (no r, c, l inferred from {rcl})
    (r"$$\begin{array}{rcl} a + b & = & b + a \end{array}$$", ["start", "proved"]),
    # a length written as a number (a small network's three inputs): a size checked at 3
    # only; the third weight's derivative is x_3, not x_2
    (r"Let $z = \sum_{i=1}^{3} w_i x_i + b$." "\n\n"
     r"$$\frac{\partial z}{\partial w_3} = \frac{\partial}{\partial w_3}\left(\sum_{i=1}^{3}"
     r" w_i x_i + b\right) = x_3 = x_2$$",
     ["start", "proved", "proved", "refuted"]),
    # two lengths for one letter: neither is taken
    (r"$$\sum_{i=1}^{3} a_i = a_1 + a_2 + a_3$$" "\n\n" r"$$\sum_{i=1}^{2} a_i = a_1 + a_2$$"
     "\n\n" r"$$t + t = 2 t$$",
     ["unparsed", "unparsed", "unparsed", "unparsed", "start", "proved"]),
    # two letters with lengths of their own: two sizes
    (r"$$\sum_{i=1}^{3} a_i + \sum_{j=1}^{2} b_j = a_1 + a_2 + a_3 + b_1 + b_2 = a_1 + b_1$$",
     ["start", "proved", "refuted"]),
    # a small network's nodes, numbered (real: backprop_techqa4064289.md): each a_k a display
    # starts is defined by it, the weights and inputs numbered scalars; the lost sigmoid
    # factor of the last step is refuted
    (r"$$a_1 = \sigma(v_1 x_1 + v_2 x_2)$$" "\n\n" r"$$a_2 = \sigma(v_3 a_1)$$" "\n\n"
     r"$$\frac{\partial a_2}{\partial v_3} = a_2(1-a_2) a_1 = a_2 a_1$$",
     ["start", "proved", "start", "proved", "start", "proved", "refuted"]),
    # ... with the function written in the words, $f(x) = ...$: its x is its parameter, no
    # value beside the inputs x_1, x_2; t1 (a slip for t_1) is t times 1, t undeclared
    (r"With $f(x) = \frac{1}{1+e^{-x}}$," "\n\n" r"$$a_1 = f(m_1 x_1 + m_2 x_2)$$" "\n\n"
     r"$$\frac{\partial a_1}{\partial m_2} = a_1(1 - a_1) x_2 = a_1 x_2$$" "\n\n"
     r"$$E = (a_1 - t1)^2 = (a_1 - t_1)^2$$",
     ["start", "proved", "start", "proved", "refuted", "unparsed", "unparsed", "start"]),
    # a word a chain starts (Loss, Cost) is a name that chain defines, spelled as written
    (r"$$Loss = (w x - y)^2$$" "\n\n"
     r"$$\frac{\partial Loss}{\partial w} = 2(w x - y)x = 2(w x - y)$$",
     ["start", "proved", "start", "proved", "refuted"]),
    # ... by the first display that starts it, or by none: a later one rewrites it (here with
    # a slip), and the first does not read
    (r"$$Cost = (a - t1)^2$$" "\n\n" r"$$Cost = (a - b)^3$$" "\n\n"
     r"$$\frac{\partial Cost}{\partial a} = 3(a - b)^2$$",
     ["unparsed", "unparsed", "unparsed", "start", "unparsed", "start"]),
    # a name the document differentiates by is a variable, not the name of the chain that
    # gives it a value after "equate it to zero" (real: frob_xa_techqa.md; refuted as an
    # identity, as under a header: the line sets no equation to 0 to check it at)
    (r"$$\frac{\partial}{\partial X} \operatorname{tr}(X^T X - 2 X^T A) = 2X - 2A$$ Equate "
     r"it to zero: $$X = A$$",
     ["start", "proved", "start", "refuted"]),
    # labels: C_Y and C_R two matrices of their own; the cyclic step is right, the last one
    # needs C_R symmetric, which nothing says
    (r"$$\operatorname{tr}(A C_Y A^T C_R) = \operatorname{tr}(C_Y A^T C_R A) = "
     r"\operatorname{tr}(A^T C_R A C_Y^T)$$", ["start", "proved", "refuted"]),
    # a hypothesis defined at a sample, h_\theta(x^{(i)}) = ...: a function of one number,
    # called at every sample (real: a logistic-regression post); the design matrix written out
    # with x^{(1)}, ..., x^{(m)} lists samples (no layers: x stays a family), and is not read;
    # \require{cancel} says nothing
    (r"$$X = \begin{bmatrix} 1 & x^{(1)} \\ \vdots & \vdots \\ 1 & x^{(m)} \end{bmatrix}$$"
     "\n\n" r"$$\require{cancel} h_{\theta}(x^{(i)}) = \frac{1}{1 + e^{-\theta_0 - \theta_1 "
     r"x^{(i)}}}$$" "\n\n" r"$$\sum_{i=1}^{m} h_\theta(x^{(i)})(1 - h_\theta(x^{(i)})) = "
     r"\sum_{i=1}^{m} h_\theta(x^{(i)}) - \sum_{i=1}^{m} h_\theta(x^{(i)})^2 = \sum_{i=1}^{m} "
     r"h_\theta(x^{(i)})$$",
     ["unparsed", "unparsed", "start", "proved", "start", "proved", "refuted"]),
    # an inequality the prose states in passing (a fresh post's off-diagonal softmax entry,
    # "... its $j$'th input, where $j \neq i$. ..."): never a case, but a step refuted only
    # where it fails is unknown, saying so; the sign slip fails at j != i too: refuted
    (r"Now the derivative of the $i$'th output with respect to its $j$'th input, where "
     r"$j \neq i$. The numerator does not depend on $x_j$, because $j \neq i$." "\n\n"
     r"$$\frac{\partial}{\partial x_j} \frac{e^{x_i}}{\sum_{k=1}^{n} e^{x_k}} = "
     r"-\frac{e^{x_i} e^{x_j}}{(\sum_{k=1}^{n} e^{x_k})^2} = "
     r"\frac{e^{x_i} e^{x_j}}{(\sum_{k=1}^{n} e^{x_k})^2}$$", ["start", "unknown", "refuted"]),
    # a softmax entry defined as a function's entry, its index after the argument or before
    # it (\mathbf x unbraced): a definition, the rest checked against it (a fresh post)
    (r"$$s(\mathbf x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}$$" "\n\n"
     r"$$\frac{\partial s(\mathbf x)_i}{\partial x_i} = s(\mathbf x)_i - s(\mathbf x)_i^2 = "
     r"s(\mathbf x)_i$$", ["start", "proved", "start", "proved", "refuted"]),
    (r"$$s_i(\mathbf x) = \frac{e^{x_i}}{\sum_j e^{x_j}}$$" "\n\n"
     r"$$\frac{\partial s_i(\mathbf x)}{\partial x_i} = s_i(\mathbf x) - s_i(\mathbf x)^2 = "
     r"s_i(\mathbf x)$$", ["start", "proved", "start", "proved", "refuted"]),
    # ReLU and max typed as words or in a text font (a cheat sheet's relu(z) = max(0,z))
    (r"$$relu(z) = max(0,z) = \text{ReLU}(z) = \max(0, -z)$$",
     ["start", "proved", "proved", "refuted"]),
    # the trace typed as a bare word, trace(...)
    (r"$$trace(X^T A) = trace(A^T X) = trace(X A^T) = trace(X^T A) + 1$$",
     ["start", "proved", "proved", "refuted"]),
]


# Slips of ML derivations, without a header: (document, the positions of its wrong steps in
# its only chain).  Under the inferred notation none of them may pass (refuted or unread);
# whatever else the reader learns, this holds.
SLIPS: list[tuple[str, set[int]]] = [
    (r"$$\frac{d}{dt} \sigma(t) = \sigma(t)(1 - \sigma(t)) = \sigma(t)^2$$", {2}),
    (r"$$\log(a b) = \log a + \log b = \log a \log b$$", {1, 2}),   # a, b real: 1 too
    (r"$$\mathbf{w}^T \mathbf{x} = \mathbf{x} \mathbf{w}^T$$", {1}),
    (r"$$\sum_{k=1}^{K} y_k \log p_k = \sum_{k=1}^{K} \log p_k$$", {1}),
    (r"$$\frac{\partial}{\partial z_j} \log \sum_{k=1}^{K} e^{z_k} = \frac{e^{z_j}}"
     r"{\sum_{k=1}^{K} e^{z_k}} = e^{z_j}$$", {2}),
    (r"$$\frac{\partial}{\partial \mathbf{w}} \mathbf{w}^T A \mathbf{w} = 2 A \mathbf{w}$$",
     {1}),
    (r"$$(A B)^{-1} = A^{-1} B^{-1}$$", {1}),
    (r"$$\nabla_{\mathbf{w}} \| X \mathbf{w} - \mathbf{y} \|^2 = 2 X^T (X \mathbf{w} - "
     r"\mathbf{y}) = 2 (X \mathbf{w} - \mathbf{y})^T X^T$$", {2}),
    (r"$$\sum_{i=1}^{N} \mathbf{w}^T \mathbf{x}_i = N \mathbf{w}^T \mathbf{x}_1$$", {1}),
    # a name a step brings in is no stand-in for a piece of the step before (which piece the
    # author meant, a later line may contradict), nor for a factor or a term not there
    (r"$$L = \sum_{i=1}^N (y_i - w x_i)^2 = 2 \sum_{i=1}^N r_i$$", {2}),
    (r"$$L = \sum_{i=1}^N (y_i - w x_i)^2 = \sum_{i=1}^N (y_i - w x_i)^2 + \lambda$$", {2}),
    (r"$$L = -\sum_{j=1}^{C} y_j \log p_j = -\sum_{j=1}^{C} \ell_j$$" "\n\n"
     r"$$\frac{\partial \ell_j}{\partial p_j} = \frac{\partial}{\partial p_j} (-y_j \log p_j)"
     r" = -\frac{y_j}{p_j}$$", {2}),
]


# Right steps whose names the document defines where inference does not read it (or that the
# header-less reading gets wrong in a way the document itself shows): never refuted without a
# header; the refutation as read is `unknown`, naming the guess and what settles it.
# (document, the line of the step, a name the message must cite)
GUESSED: list[tuple[str, int, str]] = [
    # a chain that starts with a square, the estimate it defines (a fresh MLE proof's
    # statement of its result): no identity to refute
    (r"The estimates are $$\begin{split} \hat{\sigma}^2 &= \frac{1}{n} \sum_{i=1}^n (y_i - "
     r"\bar{y})^2 \end{split}$$", 1, "a power of"),
    # a subscripted name before a bracket holding one name, nothing defining it: read as a
    # product, a guess (it was refuted as p_i times the vector x)
    (r"$$p_i(\mathbf x) \sum_j e^{x_j} = e^{x_i} = p_i(\mathbf x)$$", 1, "written as a call"),
    # an activation written as a call and differentiated, defined nowhere: any function of
    # one number, a guess (the document may mean one it does not write); the lost input x
    (r"Let $f$ be the activation." "\n\n"
     r"$$\frac{\partial}{\partial w} (f(w x + b) - y)^2 = 2 (f(w x + b) - y) f'(w x + b) x = "
     r"2 (f(w x + b) - y) f'(w x + b)$$", 3, "any function of one number"),
    # p (the softmax of a, in the author's words only) differentiated by a_j on line 2
    # although, read as a family, it does not depend on it
    ("$$L = -\\sum_{j=1}^{C} y_j \\log p_j$$\n"
     "$$\\frac{\\partial p_j}{\\partial a_j} = p_j (1 - p_j)$$", 2, "{p: {index: [j]"),
    # alpha_i = sigma(w^T x_i) only in the author's notation: differentiated by w_j
    ("$$\\frac{\\partial}{\\partial w_j} \\log \\alpha_i = x_{ij} (1 - \\alpha_i)$$\n"
     "$$\\sum_{i=1}^{N} \\mathbf{w}^T \\mathbf{x}_i = \\sum_{i=1}^{N} \\mathbf{x}_i^T "
     "\\mathbf{w}$$", 1, "\\alpha"),
    # a step that introduces alpha (an abbreviation: alpha = lambda^{-1}(y - X w))
    ("$$\\lambda \\mathbf{w} = X^T (\\mathbf{y} - X \\mathbf{w}) = \\lambda X^T "
     "\\boldsymbol{\\alpha}$$", 1, "\\alpha"),
    # \sigma applied, read as the sigmoid, where the words speak of the softmax (a fresh real
    # post writes \sigma(A_k) for the softmax): the sigmoid is a guess
    ("Using the definition of softmax, we get:\n\n"
     "$$\\frac{\\partial \\log(\\sigma(A_k))}{\\partial A_i} = \\frac{1}{\\sigma(A_k)} \\cdot "
     "-\\sigma(A_k) \\cdot \\sigma(A_i)$$\n\n$$\\sum_{k=1}^{C} A_k = \\sum_{k=1}^{C} A_k$$",
     3, "\\sigma"),
    # a worked example of a name defined by a formula of the data (\hat{\mu} = (66.75 +
    # 70.24)/2): true of its data only, so refuted with any data it is unknown
    ("The data are $\\mathbf{x} = (x_1, x_2, \\dots, x_n)$.\n\n"
     r"$$\hat{\mu} = \frac{1}{n}\sum_{i=1}^n x_i$$" "\n\nFor example\n\n"
     r"$$\hat{\mu} = \frac{66.75+70.24}{2}$$", 7, "worked example"),
    # phi = x^2 said in prose: differentiated by x, it does not depend on x as read
    ("$$\\frac{\\partial \\phi}{\\partial x} = 2 x$$", 1, "\\phi"),
]


def test_any_function_passes_as_supported_without_a_header() -> None:
    document = _check(GUESSED[2][0]).document
    assert [s.status.value for c in document.chains for s in c.steps] == \
        ["start", "supported", "unknown"]


@pytest.mark.parametrize(("text", "line", "named"), GUESSED)
def test_a_refutation_under_a_guessed_reading_is_unknown(text: str, line: int,
                                                         named: str) -> None:
    document = _check(text).document
    step = [s for c in document.chains for s in c.steps if s.location.line == line][-1]
    assert step.status is verify.Status.UNKNOWN, (step.status, step.message)
    assert step.message.startswith("refuted as read (") and "but the reading is a guess" in \
        step.message and "settle it with definitions:" in step.message and named in step.message
    assert step.counterexample is None and step.diagnosis == ""
    assert document.inferred is not None and document.inferred.guessed
    # the header infer prints says so too, as a comment (pasted back, it is the user's own)
    assert "# read by a guess" in header_yaml(inference_of(text, Path("text.md")))
    # the JSON form lists the guesses, follows the schema and reads back
    data = document_data(document)
    assert data["inferred"]["guessed"] and named in json.dumps(data["inferred"]["guessed"])
    VALIDATOR.validate({"format": 1, "versions": {}, "documents": [data]})
    assert document_from_data(json.loads(json.dumps(data))) == document


def test_a_summation_convention_refuses_only_where_it_is_used() -> None:
    """The convention's words refuse the steps whose free indices are summed by it, and say
    where the words are; the same step without them is read with free indices."""
    words = next(text for text, _ in CASES if "repeated index summation" in text)
    step = _check(words).document.chains[0].steps[1]
    assert step.status is verify.Status.UNPARSED
    assert "(line 1: 'repeated index summation')" in step.message and "i, j" in step.message
    plain = _check(words.replace(", using repeated index summation notation", "")).document
    assert plain.chains[0].steps[1].status is not verify.Status.UNPARSED


def test_a_definition_given_again_in_the_prose_starts_a_section() -> None:
    """The header infer prints has the section (its lines those of the document with the
    header pasted on top); the JSON lists its declarations, their reasons naming its lines, and
    a verdict inside it names the section's definition, not the document's."""
    text = next(t for t, _ in CASES if "consider $f(A)" in t)
    printed = header_yaml(inference_of(text, Path("text.md")))
    shift = printed.count("\n")
    assert f"sections:\n  - lines: [{5 + shift}, {7 + shift}]" in printed
    document = _check(text).document
    assert document.inferred is not None
    scoped = [d for d in document.inferred.declarations if d.reason.startswith("lines 5-7: ")]
    assert {d.name for d in scoped} == {"x", "A", "y", "f"}
    assert "lines 5-7: f inferred a definition from line 5" in \
        document.chains[1].steps[1].message
    # the same definition said again in the prose is no other one: no section
    again = text.replace("consider $f(A) = x^T A y$", "recall $f(X) = \\| X \\|_F$")
    assert inference_of(again, Path("text.md")).sections == ()


def test_a_quality_the_words_give_is_a_guess_of_values_only() -> None:
    """The words call C symmetric (gda_neylon.md, real; the lemma's own words): read as any
    square matrix, a step true only of a symmetric C is refuted as read, a guess (unknown);
    a pass stands, a derivative's too; the slip of a shape refuted (no C makes a matrix a
    scalar)."""
    document = _check("Given column vectors $a$ and $b,$ and a symmetric matrix $C,$\n\n"
                      r"$$\nabla_b [(a-b)^T C (a-b)] = -2C(a-b)$$" "\n\n"
                      r"$$\frac{\partial}{\partial C}(a-b)^T C (a-b) = (a-b)(a-b)^T = "
                      r"(a-b)^T(a-b)$$").document
    assert [s.status.value for c in document.chains for s in c.steps] == \
        ["start", "unknown", "start", "proved", "refuted"]
    assert document.inferred is not None
    [guess] = document.inferred.guessed
    assert guess.given and guess.name == "C" and "symmetric: true" in guess.settle
    assert "the words call $C$ symmetric on line 1" in document.chains[0].steps[1].message


LABELS = ("$$L = -\\sum_{j=1}^{C} y_j \\log p_j$$\n\n"
          "$$p_j = \\frac{e^{a_j}}{\\sum_{k=1}^{C} e^{a_k}}$$\n\n"
          "$$\\frac{\\partial L}{\\partial p_j} = \\frac{y_j}{p_j}$$\n\n"
          "$$\\frac{\\partial L}{\\partial a_i} = p_i - y_i$$\n\n"
          "$$\\frac{\\partial L}{\\partial a_i} = p_i + y_i$$\n")


def test_a_label_doubt_is_lifted_only_by_every_reading_of_it() -> None:
    """y against a logarithm: one-hot labels or a distribution?  A step refuted with y read
    free, one-hot and as a distribution alike is refuted (the sign slip of dL/dp_j, the
    sign slip of dL/da_i); a step true only for labels summing to 1 (dL/da_i = p_i - y_i)
    stays unknown.  p_j = ... beside dL/da_i is an intermediate of the chain rule, defined
    (not a variable solved for)."""
    document = _check(LABELS).document
    steps = [s for c in document.chains for s in c.steps if s.index]
    assert [(s.location.line, s.status.value) for s in steps] == \
        [(1, "proved"), (3, "proved"), (5, "refuted"), (7, "unknown"), (9, "refuted")]
    assert "refuted with y read as any values, as one-hot and as a distribution alike" in \
        steps[2].message
    assert steps[3].message.startswith("refuted as read (") and "one-hot" in steps[3].message


def test_a_certain_reading_still_refutes() -> None:
    """Names read unambiguously (bold vectors, a family of vectors, a sum's size): the slip
    stays refuted, and nothing is called a guess."""
    document = _check(CASES[0][0]).document
    assert document.inferred is not None and document.inferred.guessed == ()
    assert [s.status.value for s in document.chains[0].steps] == ["start", "proved", "refuted"]
    # p_j = ... defines p (after its first use): the right step is proved, the slip refuted
    defined = ("$$L = -\\sum_{j=1}^{C} y_j \\log p_j$$\n$$p_j = \\frac{e^{a_j}}"
               "{\\sum_{k=1}^{C} e^{a_k}}$$\n$$\\frac{\\partial p_j}{\\partial a_j} = p_j "
               "(1 - p_j) = p_j$$")
    document = _check(defined).document
    assert [s.status.value for c in document.chains for s in c.steps
            if s.location.line == 3] == ["start", "proved", "refuted"]
    assert document.inferred is not None
    p = document.inferred.of("p")
    assert p is not None and p.declaration == \
        '{index: [j], body: "exp(a[j])/Sum(exp(a[k]), (k, 1, C))", latex: [\'p\']}'
    # without that line, the slip under a guessed reading is never passed either
    wrong = "$$L = -\\sum_{j=1}^{C} y_j \\log p_j$$\n$$\\frac{\\partial p_j}{\\partial a_j} = p_j$$"
    assert [s.status.value for c in _check(wrong).document.chains for s in c.steps
            if s.location.line == 2] == ["start", "unknown"]


def test_a_derivative_under_a_guessed_reading_never_passes() -> None:
    """Read as free, a guessed p does not move with a_i: both sides of this wrong step (the
    chain rule's minus sign dropped, as in the post it comes from) are 0 as read.  A proof of
    a derivative under a guessed reading is no proof: unknown, naming the guess."""
    text = ("$$\\sum_{k=1}^{C} e^{a_k} = \\sum_{j=1}^{C} e^{a_j}$$\n"
            "$$L = -\\sum_{j=1}^{C} y_j \\log p_j$$\n"
            "$$\\frac{\\partial L}{\\partial a_i} = \\sum_{j=1}^{C} \\frac{y_j}{p_j} "
            "\\frac{\\partial p_j}{\\partial a_i}$$")
    document = _check(text).document
    last = document.chains[-1].steps[-1]
    assert last.status is verify.Status.UNKNOWN, (last.status, last.message)
    assert last.message.startswith("proved as read (") and "{p: {index: [j]" in last.message
    # an identity free of derivatives holds for every value of the guessed name: it stands
    plain = text.replace("\\frac{\\partial L}{\\partial a_i} = \\sum_{j=1}^{C} \\frac{y_j}"
                         "{p_j} \\frac{\\partial p_j}{\\partial a_i}",
                         "p_j (1 - p_j) = p_j - p_j^2")
    assert _check(plain).document.chains[-1].steps[-1].status is verify.Status.PROVED


def test_a_call_that_starts_a_chain_is_defined_by_it_but_never_a_variable() -> None:
    """L(w) = ... defines L, the call as written its spelling; X = ... of a variable the
    document differentiates by solves for it, and defines nothing."""
    text = (r"$$L(\mathbf{w}) = \sum_{i=1}^{N} (y_i - \mathbf{w}^T \mathbf{x}_i)^2$$" "\n"
            r"$$\nabla_{\mathbf{w}} L(\mathbf{w}) = -2 \sum_{i=1}^{N} (y_i - \mathbf{w}^T "
            r"\mathbf{x}_i) \mathbf{x}_i = 2 \sum_{i=1}^{N} (y_i - \mathbf{w}^T \mathbf{x}_i) "
            r"\mathbf{x}_i$$")
    document = _check(text).document
    assert [s.status.value for c in document.chains for s in c.steps] == \
        ["start", "proved", "start", "proved", "refuted"]
    solved = _check(r"$$\frac{\partial}{\partial X} \operatorname{tr}(X^T A) = A$$" "\n"
                    r"$$X = \frac{A + A^T}{2}$$").document
    assert solved.inferred is not None
    x = solved.inferred.of("X")
    assert x is None or x.section == "symbols"


def test_a_call_read_as_a_product_passes_nothing() -> None:
    """alpha(x) beside alpha alone is read alpha times x: no value of alpha makes that the
    call meant, so a pass using it is no proof (alpha(x)/x = alpha holds as read, not as
    meant)."""
    document = _check(r"$$\frac{\alpha(x)}{x} = \frac{\alpha x}{x} = \alpha$$").document
    assert document.inferred is not None and [g.structural for g in document.inferred.guessed] \
        == [True]
    assert all(s.status.value not in PASSING for s in document.chains[0].steps), \
        [(s.status.value, s.message) for s in document.chains[0].steps]


def test_sums_without_limits_in_a_document_without_sizes() -> None:
    """Sums with no upper limit whose letters index the same names range over one fresh size;
    letters that index a table's two axes (x_{ij}) might not: left undeclared.  A case's
    condition (\\text{if } i = k) uses no values."""
    one = _check(r"$$\sum_i y_i p_i = \sum_j p_j y_j = \sum_j p_j$$").document
    assert [s.status.value for s in one.chains[0].steps][:2] == ["start", "proved"]
    assert one.inferred is not None
    assert ("sizes", "n") in {(d.section, d.name) for d in one.inferred.declarations}
    assert one.chains[0].steps[2].status is verify.Status.REFUTED    # y_j dropped
    two = _check(r"$$\sum_i \sum_j x_{ij} = \sum_j \sum_i x_{ij}$$").document
    assert two.inferred is not None
    assert not any(d.section == "sizes" for d in two.inferred.declarations)
    cases = infer_document(r"$$\sum_i \frac{\partial p_i}{\partial o_k} = \begin{cases} p_k "
                           r"& \text{if } i = k \\ 0 & \text{otherwise} \end{cases}$$")
    assert {s.name for s in cases.symbols} == {"p", "o"}      # no c, a, s, e of "cases"


@pytest.mark.parametrize(("text", "wrong"), SLIPS)
def test_a_slip_without_a_header_never_passes(text: str, wrong: set[int]) -> None:
    steps = _check(text).document.chains[0].steps
    passed = {s.index for s in steps if s.status.value in PASSING}
    assert not passed & wrong, [(s.index, s.status.value, s.message) for s in steps]


def _check(text: str, name: str = "text") -> verify.CheckResult:
    return verify.check_text(text, cache=False, points=5, name=name)


@pytest.mark.parametrize(("text", "statuses"), CASES)
def test_checked_under_the_inferred_notation(text: str, statuses: list[str]) -> None:
    document = _check(text).document
    assert [s.status.value for c in document.chains for s in c.steps] == statuses
    assert document.problems == ()          # no input error: the run is not exit 2
    assert document.inferred is not None and not document.inferred.partial


def test_the_same_verdicts_as_the_printed_header_pasted_back() -> None:
    """The notation checked under is the header `infer` prints, read by the header reader."""
    for text, _ in CASES:
        inferred = _check(text).document
        pasted = _check(header_yaml(inference_of(text, Path("text.md"))) + text).document
        assert pasted.inferred is None
        shift = header_yaml(inference_of(text, Path("text.md"))).count("\n")
        # an unparsed step's message names its line (and the words' line it cites), which
        # the pasted header moved
        def lines_out(message: str, line: int) -> str:
            return re.sub(r"\(line \d+: '", "(line L: '", message.replace(f":{line}:", ":LINE:"))
        assert [(s.location.line, s.status, lines_out(
                    re.split("; (?:it relies on|refuted as read under) inferred", s.message)[0],
                    s.location.line))
                for c in inferred.chains for s in c.steps] == \
               [(s.location.line - shift, s.status, lines_out(s.message, s.location.line))
                for c in pasted.chains for s in c.steps]


def test_each_declaration_is_recorded_with_its_reason() -> None:
    inferred = _check(CASES[0][0]).document.inferred
    assert inferred is not None
    found = {(d.section, d.name): (d.declaration, d.reason, d.line)
             for d in inferred.declarations}
    assert found[("symbols", "x")] == ("{family: [N], shape: [n]}",
                                       "x inferred a family of vectors from line 1", 1)
    assert found[("sizes", "N")] == ("[1, 2]", "N inferred a size from line 1 (an upper limit)",
                                     1)
    assert found[("indices", "i")][0] == "N"


def test_a_verdict_relying_on_an_inferred_definition_says_which() -> None:
    document = _check(CASES[3][0]).document
    right, wrong = document.chains[0].steps[1:]
    assert right.message.endswith("; it relies on inferred notation: \\sigma inferred the "
                                  "sigmoid from line 1")
    assert wrong.message.endswith("; refuted as read under inferred notation: \\sigma "
                                  "inferred the sigmoid from line 1")
    # a refutation may be one of the reading: it names every inferred name it read
    _, right, wrong = _check(CASES[0][0]).document.chains[0].steps
    assert "inferred" not in right.message
    assert wrong.message.endswith("; refuted as read under inferred notation: w inferred a "
                                  "vector from line 1; x inferred a family of vectors from "
                                  "line 1")


def test_the_names_left_undeclared_are_recorded() -> None:
    # (a second side the encoding cannot write back exactly, a Hadamard product, defines
    # nothing: the name stays undeclared)
    inferred = _check(r"$$L = (X \mathbf{w}) \odot \mathbf{y} = \mathbf{y} \odot (X "
                      r"\mathbf{w})$$").document.inferred
    assert inferred is not None
    assert [(u.latex, u.line) for u in inferred.undeclared] == [("L", 1)]
    assert "definitions" in inferred.undeclared[0].settle


def test_json_form_round_trips_and_follows_the_schema() -> None:
    for text, _ in CASES:
        result = _check(text).document
        data = document_data(result)
        assert data["inferred"]["note"].startswith("notation inferred (no header): run "
                                                   "`python -m verify infer text.md`")
        VALIDATOR.validate({"format": 1, "versions": {}, "documents": [data]})
        assert document_from_data(json.loads(json.dumps(data))) == result
    declared = _check("---\nsymbols: {a: {}}\n---\n$$a + a = 2 a$$").document
    assert declared.inferred is None and "inferred" not in document_data(declared)


def test_damaged_inferred_data_is_refused() -> None:
    from verify.core.errors import SerializeError
    data = document_data(_check(CASES[3][0]).document)
    damages: list[dict[str, object]] = [{"note": "something else"}, {"partial": 1},
                                        {"extra": []}]
    for damage in damages:
        broken = json.loads(json.dumps(data))
        broken["inferred"].update(damage)
        with pytest.raises(SerializeError):
            document_from_data(broken)
    broken = json.loads(json.dumps(data))
    del broken["inferred"]["declarations"][0]["reason"]
    with pytest.raises(SerializeError):
        document_from_data(broken)


def test_the_report_lists_the_inferred_notation() -> None:
    tex = render_document(_check(CASES[3][0]).document, {}, "2026-01-01")
    assert r"\textbf{Notation}: notation inferred (no header)" in tex
    assert r"\item \texttt{sigma: \{params: [t]" in tex
    assert r"--- \textbackslash{}sigma inferred the sigmoid from line 1" in tex
    assert r"\item \texttt{t: \{\}" in tex


def test_the_command_says_so_once_per_document_and_exits_by_the_verdicts(
        tmp_path: Path) -> None:
    source = tmp_path / "note.md"
    source.write_text(CASES[0][0] + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main([str(source), "--no-cache", "--points", "5", "--json",
                 str(tmp_path / "out.json")], out, err)
    assert code == 1                # refuted, not an input error
    lines = out.getvalue().splitlines()
    notes = [line for line in lines if "notation inferred" in line]
    assert notes == [f"{source}: notation inferred (no header): run `python -m verify infer "
                     f"{source}` to see and edit it"]
    written = json.loads((tmp_path / "out.json").read_text())["documents"][0]
    assert written["inferred"]["declarations"]


PARTIAL = ("---\nsizes: {N: [1, 2], n: [2, 3]}\nindices: {i: N}\nsymbols:\n"
           "  w: {shape: [n], latex: ['\\mathbf{w}']}\n{infer}---\n"
           r"$$\sum_{i=1}^{N} y_i \mathbf{w}^T \mathbf{w} = \mathbf{w}^T \mathbf{w} "
           r"\sum_{i=1}^{N} y_i$$" "\n")


def test_a_partial_header_is_extended_only_when_it_asks() -> None:
    asked = _check(PARTIAL.replace("{infer}", "infer: true\n")).document
    assert [s.status.value for c in asked.chains for s in c.steps] == ["start", "proved"]
    assert asked.inferred is not None and asked.inferred.partial
    assert [(d.name, d.declaration) for d in asked.inferred.declarations] == \
        [("y", "{family: [N]}")]
    assert "the rest of the notation inferred" in asked.inferred.note("x.md")
    written = _check(PARTIAL.replace("{infer}", "")).document
    assert written.inferred is None
    assert [s.status.value for c in written.chains for s in c.steps] == ["unparsed"] * 2
    wrong = _check(PARTIAL.replace("{infer}", "infer: 1\n")).document
    assert any("'infer' must be true or false" in p for p in wrong.problems)


@pytest.mark.parametrize("bomb", [
    "$$" + "(" * 3000 + "x" + ")" * 3000 + "$$",
    "$$" + "\\frac{" * 2000 + "x" + "}{2}" * 2000 + "$$",
    "$$" + "{" * 60 + "x" + "}" * 60 + "$$",
])
def test_a_step_the_reader_refuses_for_its_size_implies_nothing(bomb: str) -> None:
    """Inference never sees a step the reader refuses for its length or nesting (it would
    recurse per level): no internal error, the step unparsed, the rest inferred."""
    document = _check(bomb + "\n$$a + a = 2 a$$").document
    assert document.internal_errors() == [] and document.problems == ()
    assert [s.status.value for c in document.chains for s in c.steps] == \
        ["unparsed", "start", "proved"]
    assert document.inferred is not None
    assert [d.name for d in document.inferred.declarations] == ["a"]


def test_a_long_document_is_not_inferred() -> None:
    from verify.read.inferred import INFER_STEPS
    document = _check("\n".join(["$$a = a$$"] * (INFER_STEPS + 1))).document
    assert document.inferred is None
    assert any(f"more than {INFER_STEPS} steps" in p for p in document.problems)


def test_an_assignment_notation_is_never_extended() -> None:
    document = verify.check_text(r"$$a + b = b + a$$", notation={"symbols": {"a": {}}},
                                 cache=False, points=5).document
    assert document.inferred is None
    assert [s.status.value for c in document.chains for s in c.steps] == ["unparsed"] * 2


# ------------------------------------------------------------------ soundness (slow)


def blanked(path: Path) -> str:
    """The document with its own header's lines blanked (every other line where it was)."""
    text = plain_text(path.read_text(encoding="utf-8"))
    count = read_header(text, path, str(path)).header_lines
    lines = text.split("\n")
    return "\n" * count + "\n".join(lines[count:])


def _pasted_status(step: verify.StepVerdict) -> verify.Status:
    """The status a step has once the inferred header is pasted back: a verdict made unknown
    by a guessed reading is that verdict under a declared one."""
    for status in (verify.Status.REFUTED, verify.Status.PROVED, verify.Status.SUPPORTED):
        if step.status is verify.Status.UNKNOWN and \
                step.message.startswith(f"{status.value} as read ("):
            return status
    return step.status


def header_removed(paths: list[Path], folder: Path
                   ) -> tuple[int, int, int, list[str], list[str]]:
    """Each document checked with its header and with it blanked (so read under the inferred
    notation): (steps with the same verdict, of them those decided (proved, supported or
    refuted) both ways, steps, the differing steps, the false passes: steps wrong by the
    labels or refuted with the header that pass without it).  The blanked
    document also gets the verdicts of the header `infer` prints pasted back."""
    labels = yaml.safe_load((ROOT / "tests/data/real/labels.yaml").read_text())["files"]
    cache = folder / "cache.sqlite"
    same = decided = total = 0
    differing: list[str] = []
    wrong_passes: list[str] = []
    for path in paths:
        mine = verify.check_text(path.read_text(encoding="utf-8"), name=path.stem, cache=cache)
        bare = verify.check_text(blanked(path), name=path.stem, cache=cache)
        assert bare.document.inferred is not None, path.name
        copy = folder / path.name
        copy.write_text(blanked(path), encoding="utf-8")
        printed = io.StringIO()
        assert main(["infer", str(copy)], printed, io.StringIO()) == 0
        header = printed.getvalue()
        pasted = verify.check_text(header + blanked(path), name=path.stem, cache=cache)
        shift = header.count("\n")
        # a verdict under a guessed reading is unknown without a header; pasted back, the
        # header is the user's own declaration, and the verdict stands
        assert [(s.location.line, s.index, _pasted_status(s)) for c in bare.document.chains
                for s in c.steps] == [(s.location.line - shift, s.index, s.status)
                                      for c in pasted.document.chains for s in c.steps], \
            f"{path.name}: the header infer prints, pasted back, reads otherwise"
        before = {(s.location.line, s.index): s for c in mine.document.chains for s in c.steps}
        after = {(s.location.line, s.index): s for c in bare.document.chains for s in c.steps}
        steps = labels.get(path.name, {}).get("steps", [])
        false_lines = {step.get("line") for step in steps if step["truth"] == "false"}
        condition_lines = {step.get("line") for step in steps
                           if step["truth"] in ("condition", "scaled")}
        for key, step in before.items():
            if step.status.value == "start":
                continue
            total += 1
            now = after.get(key)
            status = now.status.value if now is not None else "missing"
            same += status == step.status.value
            decided += status == step.status.value and status in DECIDED
            if status != step.status.value:
                differing.append(f"{path.name}:{key[0]}: {step.status.value} -> {status}"
                                 + (f" ({now.message[:90]})" if now is not None else ""))
            # an equation the source solves passes only where it is solved: checked at the
            # solution the run reaches, its pass is right (the labels' 'condition')
            solved = now is not None and key[0] in condition_lines and at_solution(now.message)
            if status in PASSING and step.status.value not in PASSING and not solved and \
                    (step.status.value == "refuted" or key[0] in false_lines | condition_lines):
                wrong_passes.append(f"{path.name}:{key[0]}: {step.status.value} with its "
                                    f"header, {status} without")
    return same, decided, total, differing, wrong_passes


@pytest.mark.slow
def test_header_removed_never_passes_a_wrong_step(tmp_path: Path) -> None:
    same, decided, total, differing, wrong = header_removed(DOCUMENTS, tmp_path)
    print(f"\nwith its header removed, {same} of {total} steps get the same verdict, "
          f"{decided} of them decided")
    print("\n".join(differing))
    assert wrong == []
    # The README's figures (2026-12-03: 322 of 488, 66%; 122 of them decided).  The fraction is the
    # issue's measure, but it falls whenever the header's reading gains a step that inference
    # does not (an agreement of two refusals becomes a difference: 340 of 492 on 2026-12-02,
    # before \sigma(1-\sigma), word spellings and layer letters were read with a header), so
    # what guards inference itself is the count of steps decided alike both ways.
    assert total > 0 and same >= 0.62 * total, (same, total)
    assert decided >= DECIDED_ALIKE_FLOOR, (decided, DECIDED_ALIKE_FLOOR)
    # a right step refuted without its header is the second-worst bug: none may be
    assert not [d for d in differing if re.search(r": (?:proved|supported) -> refuted", d)]


CORPUS = ROOT / "tests/data/corpus"


@pytest.mark.slow
def test_corpus_header_removed_never_passes_a_wrong_step(tmp_path: Path) -> None:
    """The held-out style: tests/data/corpus/ (steps judged by hand, expected.yaml), each
    document checked with its header blanked; a step judged wrong must not pass (a step the
    reader now splits differently is found by its line and LaTeX, else skipped)."""
    expected = yaml.safe_load((CORPUS / "expected.yaml").read_text())["files"]
    decided = total = 0
    wrong: list[str] = []
    for name, spec in sorted(expected.items()):
        truth = {(e["line"], e["latex"], e.get("occurrence", 1)): e["truth"]
                 for e in spec["chains"]}
        result = verify.check_text(blanked(CORPUS / name), name=Path(name).stem,
                                   cache=tmp_path / "cache.sqlite").document
        assert result.inferred is not None, name
        seen: dict[tuple[int, str], int] = {}
        for chain in result.chains:
            for step in chain.steps:
                spot = (step.location.line, step.latex)
                seen[spot] = seen.get(spot, 0) + 1
                status = step.status.value
                if status == "start":
                    continue
                total += 1
                decided += status in PASSING | {"refuted"}
                if status in PASSING and truth.get((*spot, seen[spot])) == "wrong":
                    wrong.append(f"{name}:{spot[0]}: {status}, judged wrong")
    print(f"\ncorpus without headers: {decided} of {total} steps decided")
    assert wrong == []


def test_the_notebook_views_say_so() -> None:
    from verify.report.notebook import document_html, documents_latex
    result = _check(CASES[3][0]).document
    html = document_html(result)
    assert "notation inferred (no header)" in html
    assert "\\sigma inferred the sigmoid from line 1" in html
    assert "notation inferred (no header)" in documents_latex([result])
