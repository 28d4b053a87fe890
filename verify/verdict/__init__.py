"""From engine outcomes to verdicts with evidence, and diagnoses of refuted steps."""
