"""Every numeric tolerance of the checks, verdicts and diagnoses, with its reason.

A tolerance decides verdicts, so each is written once, here, and read by name.  Deviations
are measured as ``|a - b| / max(1, |a|, |b|)``: relative for large values, absolute below 1,
so a result that cancels to nearly zero is not judged by a relative error (DESIGN.md: a TRUE
softmax gradient showed relative error 1.0 there).  All values assume float64.
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
