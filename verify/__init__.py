"""derivation-verify: check mathematical derivations step by step."""

from verify.core.version import CHECKER_VERSION, __version__

__all__ = ["CHECKER_VERSION", "__version__"]
