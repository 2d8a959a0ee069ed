"""Command line: `rrall-tx serve`, `check`, `build-content`, `selfcheck`, `package` and `import`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import config as config_mod


def _content_dirs(args) -> list[str]:
    return args.content or config_mod.DEFAULTS["CONTENT_DIRS"]


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
    verified = config_mod.VERIFIED_CODES
    problems = check_dirs(own, verified if verified.exists() else None, validate=False)   # validated while loading
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
    from .web.layers.access_log import AccessLogError
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
    if args.behind_proxy:
        cfg["BEHIND_PROXY"] = True
    cfg.update({k: v for k, v in (("ACCESS_LOG", args.access_log), ("ACCESS_LOG_LEVEL", args.access_log_level),
                                  ("METRICS", False if args.no_metrics else None)) if v is not None})
    if not args.dev:
        from .web.layers.metrics import prepare_multiprocess
        prepare_multiprocess(cfg)   # before the app is built and the workers fork (metrics shared by workers)
    if args.package:
        cfg["PACKAGES"] = args.package
    elif "RRALL_PACKAGES" not in os.environ and not args.no_core:
        core = config_mod.core_package()
        if core is not None:   # FHIR core terminology (administrative-gender, ...), as any tx server has
            cfg["PACKAGES"] = [str(core)]
    try:
        app = create_app(cfg)   # loaded once, before workers fork
    except (ContentError, PackageError, AccessLogError) as exc:
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


def cmd_build_content(args) -> int:
    from .content_build import run

    return run(Path(args.source), Path(args.out), check=args.check)


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
    if args.terminology == "icd10cm":
        from .importers import icd10cm

        icd10cm.write(args.out or "build/icd10cm", progress=not args.quiet)
        return 0
    from .importers.release_files import ReleaseError

    if not args.source:
        print(f"rrall-tx import {args.terminology}: give the release folder, e.g. "
              f"rrall-tx import {args.terminology} RELEASE_DIR --out build/{args.terminology}", file=sys.stderr)
        return 2
    try:
        if args.terminology == "snomed":
            from .importers import snomed
            _path, summary = snomed.write(args.source, args.out or "build/snomed", progress=not args.quiet)
        else:
            from .importers import loinc
            _path, summary = loinc.write(args.source, args.out or "build/loinc", version=args.version,
                                         progress=not args.quiet)
    except (ReleaseError, OSError) as exc:
        print(f"rrall-tx import {args.terminology}: {exc}", file=sys.stderr)
        return 2
    for key, value in summary.items():
        print(f"{key}: {value}")
    return 0


def cmd_selfcheck(args) -> int:
    from . import packages, selfcheck
    from .content import ContentError, load_registry

    cfg = config_mod.load({"CONTENT_DIRS": _content_dirs(args)})
    paths = args.package or ([] if args.no_core or config_mod.core_package() is None
                             else [str(config_mod.core_package())])
    try:
        registry, _pset = packages.install(load_registry(cfg["CONTENT_DIRS"]), paths, cfg.get("CACHE_DIR"))
    except (ContentError, packages.PackageError) as exc:
        print(exc, file=sys.stderr)
        return 2
    limit = None if args.all else args.sample
    report = selfcheck.run(registry, cfg, limit=limit, seed=args.seed,
                           published=selfcheck.originals(cfg["CONTENT_DIRS"], paths),
                           checks=args.check or selfcheck.CHECKS)
    for line in report.lines():
        print(line)
    print(f"({'everything' if limit is None else f'a sample of {limit} per list, seed {args.seed}'}; "
          f"{report.seconds:.1f} s)")
    return 0 if report.ok else 1


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
    s.add_argument("--behind-proxy", action="store_true",
                   help="trust Forwarded / X-Forwarded-Proto/-Host/-Port/-Prefix for the links the server writes "
                        "(only behind a proxy that sets them)")
    s.add_argument("--no-core", action="store_true",
                   help="do not load the FHIR R4 core package shipped in packages/")
    s.add_argument("--package", action="append", metavar="FILE",
                   help="FHIR NPM package .tgz to load (repeatable), e.g. hl7.fhir.r4.core-4.0.1.tgz")
    s.add_argument("--server", default="granian", choices=["granian", "gunicorn"],
                   help="production WSGI server (docs/performance.md compares them)")
    s.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"],
                   help="gunicorn worker class, with --server gunicorn")
    s.add_argument("--content-warnings", action="store_true",
                   help="start even when our own content breaks the project's content rules (print them as warnings)")
    s.add_argument("--access-log", metavar="stderr|off|FILE",
                   help="where the JSON access log goes (default stderr; env RRALL_ACCESS_LOG)")
    s.add_argument("--access-log-level", choices=["info", "warning", "error"],
                   help="log every request (info, default), only 4xx and 5xx (warning) or only 5xx (error)")
    s.add_argument("--no-metrics", action="store_true", help="do not serve /metrics (env RRALL_METRICS=0)")
    s.set_defaults(func=cmd_serve)
    c = sub.add_parser("check", help="validate content; exit non-zero on any problem")
    c.add_argument("--content", action="append")
    c.add_argument("--verified", default=str(config_mod.VERIFIED_CODES),
                   help="verified-codes.json for external code checks (default: content/reference/verified-codes.json)")
    c.set_defaults(func=cmd_check)
    b = sub.add_parser("build-content", help="build codesystems/, valuesets/, conceptmaps/ from content/ (YAML)")
    b.add_argument("--source", default=str(config_mod.ROOT / "content"), help="the content source folder")
    b.add_argument("--out", default=str(config_mod.ROOT),
                   help="folder holding codesystems/, valuesets/ and conceptmaps/ (default: the repository)")
    b.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if the committed JSON differs from a fresh build (the CI drift check)")
    b.set_defaults(func=cmd_build_content)
    k = sub.add_parser("package", help="write our content as a FHIR NPM package (.tgz)")
    k.add_argument("--out", required=True, metavar="FILE")
    k.add_argument("--content", action="append")
    k.add_argument("--fhir-version", choices=["r4", "r5"], default="r4")
    k.set_defaults(func=cmd_package)
    q = sub.add_parser("selfcheck", help="check the answers of every operation against each other over all content")
    q.add_argument("--content", action="append")
    q.add_argument("--package", action="append", metavar="FILE", help="packages to load (default: the R4 core)")
    q.add_argument("--no-core", action="store_true", help="only our content")
    q.add_argument("--all", action="store_true", help="check everything (minutes), not a sample")
    q.add_argument("--sample", type=int, default=20, help="sample size per list (default 20)")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--check", action="append", choices=["value-sets", "subsumption", "r4-shapes", "concept-maps"])
    q.set_defaults(func=cmd_selfcheck)
    m = sub.add_parser("import", help="build a code system from an external terminology's release")
    m.add_argument("terminology", choices=["icd10cm", "snomed", "loinc"],
                   help="icd10cm: ICD-10-CM (needs the extra 'icd10'); snomed: an RF2 Snapshot release folder; "
                        "loinc: a LOINC release folder (Loinc.csv)")
    m.add_argument("source", nargs="?", help="the release folder (snomed, loinc)")
    m.add_argument("--out", help="output folder (keep it out of git); default build/<terminology>")
    m.add_argument("--version", help="loinc: the LOINC version (default: the newest VersionLastChanged)")
    m.add_argument("--quiet", action="store_true", help="no progress output")
    m.set_defaults(func=cmd_import)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
