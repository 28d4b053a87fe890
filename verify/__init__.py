"""derivation-verify: check mathematical derivations step by step."""

__version__ = "0.1.0"
CHECKER_VERSION = "1"  # bump when a change can alter a verdict (invalidates cached verdicts)
