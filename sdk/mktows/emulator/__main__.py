"""``python -m mktows.emulator [--host 127.0.0.1] [--port N] [--db PATH] [--config FILE] [--no-freshness-check]``."""

from __future__ import annotations

import argparse
import sys

from mktows.emulator.cli import add_arguments, run


def main(argv: list[str] | None = None) -> int:
    """Parse the options and serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m mktows.emulator", description="Run the local mktows emulator."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
