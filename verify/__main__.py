"""``python -m verify PATH...`` checks documents; ``python -m verify grade ...`` grades a class."""

import sys

if len(sys.argv) > 1 and sys.argv[1] == "grade":
    from verify.grade.cli import main as grade_main

    sys.exit(grade_main(sys.argv[2:]))

from verify.cli import main

sys.exit(main())
