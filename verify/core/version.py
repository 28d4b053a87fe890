"""The package's version, and the checker's: bump ``CHECKER_VERSION`` when a change can alter a
verdict (it is part of every cache key, so cached verdicts of older checkers are not served)."""

__version__ = "0.1.0"
CHECKER_VERSION = "2"
