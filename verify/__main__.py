"""``python -m verify ...``: the same program as the installed ``derivation-verify``
(:func:`verify.cli.main`, which dispatches ``check`` and ``grade``)."""

import sys

from verify.cli import main

sys.exit(main())
