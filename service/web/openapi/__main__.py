"""python -m service.web.openapi [--check FILE]: print openapi.yaml, or compare FILE with it."""
from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from . import MissingDescription, generate


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.web.openapi", description=__doc__)
    parser.add_argument("--check", metavar="FILE", help="exit 1 (with a diff) when FILE differs from the output")
    args = parser.parse_args(argv)
    try:
        text = generate()
    except MissingDescription as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = Path(args.check).read_text(encoding="utf-8")
        if current == text:
            return 0
        diff = difflib.unified_diff(current.splitlines(True), text.splitlines(True), args.check, "generated", n=1)
        sys.stdout.writelines(list(diff)[:200])
        print(f"\n{args.check} is out of date: python -m service.web.openapi > {args.check}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
