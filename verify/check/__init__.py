"""Claims, concretization, and the two engines (exact SymPy, numeric JAX)."""
