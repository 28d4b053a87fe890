"""Every numeric tolerance of the checks, verdicts and diagnoses, with its reason.

A tolerance decides verdicts, so each is written once, here, and read by name.  Deviations
are measured as ``|a - b| / max(1, |a|, |b|)``: relative for large values, absolute below 1,
so a result that cancels to nearly zero is not judged by a relative error (DESIGN.md: a TRUE
softmax gradient showed relative error 1.0 there).  All values assume float64.

The sides' size is not the scale of every question: a term both sides share exactly inflates
it (1e56 on both sides hides a dropped term of size 1), and the floor of 1 does the same to
tiny sides.  So where the sides agree and the exact test did not prove the step, the difference
once such terms cancelled is measured against its own terms, ``|sum t_i| / sum |t_i|`` with no
floor (verify.check.numeric.cancelled_deviation), against the same two tolerances:
NUMERIC_DEVIATION in float64, then CONFIRM_DEVIATION at 50 digits, which alone refutes.
Relative to the terms, not to their sum, so an identity that cancels to zero is judged by the
rounding of its terms, which float64 keeps near 1e-16 of them.
"""

from __future__ import annotations

# The numeric engine (float64, JAX): a step whose sides deviate by more than this at a sample
# point is different there.  Float64 rounding of our expressions stays far below; a real
# mistake is far above.
NUMERIC_DEVIATION = 1e-8

# The confirmation of a numeric difference at 50 digits (verify.verdict.confirm): above this
# deviation the difference is real, not float64 rounding.
CONFIRM_DEVIATION = 1e-12

# A 50-digit value whose imaginary part is at most this (times max(1, |real part|)) is real;
# between this and CONFIRM_DEVIATION it is "unclear" (neither real nor confirmed non-real).
IMAGINARY_NEGLIGIBLE = 1e-40

# The diagnoses' numeric screen: two values agree (a candidate mistake fits, a ratio is
# constant, a value is zero) when they deviate by at most this.  Looser than the engine's
# tolerance: a screen only proposes, and every diagnosis is then confirmed exactly.
DIAGNOSIS_SCREEN = 1e-6

# A constant factor found by the screen is written as the simplest rational within this.
FACTOR_AS_RATIONAL = 1e-9
