"""Command line: `rrall-tx serve`, `rrall-tx check`, `rrall-tx package` and `rrall-tx import`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import config as config_mod


def _content_dirs(args) -> list[str]:
    return args.content or config_mod.DEFAULTS["CONTENT_DIRS"]


def _verified_codes() -> str | None:
    path = config_mod.ROOT.parent / "shared" / "reference" / "verified-codes.json"
    return str(path) if path.exists() else None


def _ours(folder: Path) -> bool:
    """Does a content folder hold this project's own resources (canonical URLs under our base)? Only the start of
    each file is read: enough for its url, cheap for a large imported code system."""
    from .content_checks import OUR_BASE

    files = [folder] if folder.is_file() else sorted(folder.glob("*.json"))
    for f in files:
        try:
            with f.open("rb") as fh:
                if f'"{OUR_BASE}/'.encode() in fh.read(4096):
                    return True
        except OSError:
            continue
    return False


def _check_own_content(dirs: list[str], as_warnings: bool) -> bool:
    """The project's content rules (rrall-tx check) on the folders among dirs that hold our own content (folders of
    other content, e.g. an imported ICD-10-CM or test fixtures, follow other rules); False when serve must not
    start."""
    from .content_checks import check_dirs

    own = [Path(d) for d in dirs if _ours(Path(d))]
    if not own:
        return True
    verified = _verified_codes()
    problems = check_dirs(own, Path(verified) if verified else None, validate=False)   # validated while loading
    for p in problems:
        print(f"rrall-tx: {'warning' if as_warnings else 'error'}: {p}", file=sys.stderr)
    if problems and not as_warnings:
        print(f"rrall-tx: {len(problems)} problem(s) in the content (rrall-tx check lists them): fix them, or "
              "start with --content-warnings to serve it anyway", file=sys.stderr)
        return False
    return True


def cmd_serve(args) -> int:
    from . import create_app
    from .content import ContentError
    from .packages import PackageError
    from .serving import ensure_port_free

    missing = [d for d in _content_dirs(args) if not Path(d).exists()]
    if missing:
        print(f"rrall-tx: content folder not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        ensure_port_free(args.host, args.port)   # before loading: a busy port fails at once, not after seconds
    except RuntimeError as exc:
        print(f"rrall-tx: {exc}", file=sys.stderr)
        return 2
    cfg = {"CONTENT_DIRS": _content_dirs(args)}
    if args.package:
        cfg["PACKAGES"] = args.package
    elif "RRALL_PACKAGES" not in os.environ and not args.no_core:
        core = config_mod.core_package()
        if core is not None:   # FHIR core terminology (administrative-gender, ...), as any tx server has
            cfg["PACKAGES"] = [str(core)]
    try:
        app = create_app(cfg)   # loaded once, before workers fork
    except (ContentError, PackageError) as exc:
        print(exc, file=sys.stderr)
        return 2
    if not _check_own_content(cfg["CONTENT_DIRS"], args.content_warnings):
        return 2
    reg = app.extensions["rrall"]["registry"]
    counts = ", ".join(f"{len(reg.all(k))} {k}s" for k in ("CodeSystem", "ValueSet", "ConceptMap"))
    packages = f" and {', '.join(cfg['PACKAGES'])}" if cfg.get("PACKAGES") else ""
    print(f"rrall-tx: loaded {counts} from {', '.join(cfg['CONTENT_DIRS'])}{packages}", file=sys.stderr)
    if not reg.all("CodeSystem"):
        print("rrall-tx: warning: no code systems loaded (run from the repository, or pass --content DIR)",
              file=sys.stderr)
    print(f"rrall-tx: serving http://{args.host}:{args.port}/r4 and /r5", file=sys.stderr)
    if args.dev:
        app.run(host=args.host, port=args.port, threaded=True)
        return 0
    from .serving import run
    try:
        run(app, server=args.server, host=args.host, port=args.port, workers=args.workers, threads=args.threads,
            worker_class=args.worker_class)
    except RuntimeError as exc:   # a server that cannot start as configured
        print(f"rrall-tx: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_check(args) -> int:
    from .content import ContentError, load_registry

    dirs = _content_dirs(args)
    problems: list = []
    try:
        load_registry(dirs)
    except ContentError as exc:
        problems.extend(exc.problems)
    try:
        from .content_checks import check_dirs
    except ImportError:
        check_dirs = None
    if check_dirs is not None:
        verified = Path(args.verified) if args.verified else None
        for p in check_dirs([Path(d) for d in dirs], verified):
            problems.append((str(p.file), p.path, p.message))
    for f, path, msg in problems:
        print(f"{f}: {path}: {msg}")
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("content OK")
    return 0


def cmd_package(args) -> int:
    from .bundles import build_package
    from .content import ContentError, load_registry
    from .convert import r5_to_r4

    cfg = config_mod.load({"CONTENT_DIRS": _content_dirs(args)})
    try:
        reg = load_registry(cfg["CONTENT_DIRS"])
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 2
    release = args.fhir_version.upper()
    data = build_package(reg, release, name=cfg["PACKAGE_NAME"], version=cfg["SOFTWARE_VERSION"],
                         convert=r5_to_r4 if release == "R4" else (lambda r: r))
    Path(args.out).write_bytes(data)
    print(f"wrote {args.out} ({len(data)} bytes)")
    return 0


def cmd_import(args) -> int:
    from .importers import icd10cm

    icd10cm.write(args.out, progress=not args.quiet)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="rrall-tx", description="RR-ALL FHIR terminology service")
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="run the server")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8080)
    s.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    s.add_argument("--threads", type=int, default=2,
                   help="threads per worker running requests (granian blocking threads / gunicorn gthread threads)")
    s.add_argument("--content", action="append", help="content folder (repeatable); default: the built-in content")
    s.add_argument("--dev", action="store_true", help="use the Werkzeug development server")
    s.add_argument("--no-core", action="store_true",
                   help="do not load the FHIR R4 core package found beside the project (../shared/packages)")
    s.add_argument("--package", action="append", metavar="FILE",
                   help="FHIR NPM package .tgz to load (repeatable), e.g. hl7.fhir.r4.core-4.0.1.tgz")
    s.add_argument("--server", default="granian", choices=["granian", "gunicorn"],
                   help="production WSGI server (docs/performance.md compares them)")
    s.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"],
                   help="gunicorn worker class, with --server gunicorn")
    s.add_argument("--content-warnings", action="store_true",
                   help="start even when our own content breaks the project's content rules (print them as warnings)")
    s.set_defaults(func=cmd_serve)
    c = sub.add_parser("check", help="validate content; exit non-zero on any problem")
    c.add_argument("--content", action="append")
    c.add_argument("--verified", help="verified-codes.json for external code checks", default=_verified_codes())
    c.set_defaults(func=cmd_check)
    k = sub.add_parser("package", help="write our content as a FHIR NPM package (.tgz)")
    k.add_argument("--out", required=True, metavar="FILE")
    k.add_argument("--content", action="append")
    k.add_argument("--fhir-version", choices=["r4", "r5"], default="r4")
    k.set_defaults(func=cmd_package)
    m = sub.add_parser("import", help="build a FHIR CodeSystem from an external terminology")
    m.add_argument("terminology", choices=["icd10cm"], help="icd10cm: ICD-10-CM (needs the extra 'icd10')")
    m.add_argument("--out", default="build/icd10cm", help="output folder (keep it out of git)")
    m.add_argument("--quiet", action="store_true", help="no progress output")
    m.set_defaults(func=cmd_import)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
