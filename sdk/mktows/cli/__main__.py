"""``python -m mktows.cli``: the ``mktows`` command."""

import sys

from mktows.cli import main

sys.exit(main())
