"""Command line: ``python -m codegen generate|check|diff``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codegen.docs import DocsError, locate_docs
from codegen.generate import GENERATED_ROOT, GeneratorError, generate_into
from codegen.lock import WsdlError, load_lock, locate, resolve


def _cmd_generate(args: argparse.Namespace) -> int:
    lock = load_lock()
    version = lock.get(args.version or lock.default)
    path = locate(version, args.wsdl)
    docs = locate_docs(args.docs)
    target = generate_into(Path(args.out) if args.out else GENERATED_ROOT, version, path, docs)
    print(f"generated {target} from WSDL {version.name} ({path})", file=sys.stderr)
    if version.name != lock.default:
        print(
            f"note: the mktows SDK runs only on code generated from WSDL {lock.default}; this package works on "
            "its own (mktows_generated.models, .operations, .wsdl_names), and `import mktows` refuses it",
            file=sys.stderr,
        )
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from codegen.check import check

    lock = load_lock()
    version = lock.get(args.version or lock.default)
    path = locate(version, args.wsdl)
    docs = locate_docs(args.docs)
    diff = check(version, path, docs, Path(args.generated) if args.generated else GENERATED_ROOT)
    if diff:
        print("\n".join(diff))
        print(
            f"generated/ is out of date with codegen for WSDL {version.name}: run `python -m codegen generate`",
            file=sys.stderr,
        )
        return 1
    print(f"generated/ is up to date with WSDL {version.name}", file=sys.stderr)
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from codegen.diff import diff_wsdls, render

    lock = load_lock()
    old_label, old_path = resolve(args.old, lock)
    new_label, new_path = resolve(args.new, lock)
    changes = diff_wsdls(old_path.read_bytes(), new_path.read_bytes())
    print(render(changes, old_label, new_label, args.format))
    return 0


DOCS_HELP = "folder of Marketo's documentation pages (default: $MKTOWS_DOCS_DIR, then ../shared's copy)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="regenerate generated/ from a pinned WSDL")
    gen.add_argument("--version", help="WSDL version from wsdl/versions.toml (default: the lock's default)")
    gen.add_argument("--wsdl", type=Path, help="path of the WSDL file (still checked against the lock)")
    gen.add_argument("--docs", type=Path, help=DOCS_HELP)
    gen.add_argument("--out", help="folder to write mktows_generated/ into (default: generated/)")
    gen.set_defaults(func=_cmd_generate)

    chk = sub.add_parser("check", help="exit 1 with a diff when generated/ differs from a fresh generation")
    chk.add_argument("--version", help="WSDL version (default: the lock's default)")
    chk.add_argument("--wsdl", type=Path, help="path of the WSDL file (still checked against the lock)")
    chk.add_argument("--docs", type=Path, help=DOCS_HELP)
    chk.add_argument("--generated", help="folder holding mktows_generated/ to compare (default: generated/)")
    chk.set_defaults(func=_cmd_check)

    dif = sub.add_parser("diff", help="API change report between two WSDLs (versions or paths)")
    dif.add_argument("old")
    dif.add_argument("new")
    dif.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    dif.set_defaults(func=_cmd_diff)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (WsdlError, DocsError, GeneratorError) as exc:
        print(f"codegen: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
