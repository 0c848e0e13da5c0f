"""``python -m mktows``: the ``mktows`` command, for environments where its script is not on PATH."""

import sys

from mktows.cli import main

sys.exit(main())
