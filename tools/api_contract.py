"""A bounded schemathesis run of openapi.yaml against a real `rrall-tx serve` on 127.0.0.1 (docs/api.md).

    python tools/api_contract.py                 # start a server on 127.0.0.1:18081, test, stop it
    python tools/api_contract.py --port 18900 --examples 5 --jobs 1
    python tools/api_contract.py --requirement   # print the pinned schemathesis requirement (for pip)

Run it with the project's venv (it uses the rrall-tx and schemathesis next to the Python running it). The run
is fixed: seed, examples per operation, phases (examples, coverage, fuzzing) and checks; no example database, so
every run generates the same requests. Exit 0 only when every part reports no failure and no error. Loopback
only; each part is stopped after --timeout seconds; the server is always stopped.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REQUIREMENT = "schemathesis==4.32.5"   # pinned: the checks and their wording change between releases
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "response_headers_conformance", "unsupported_method",
          "allow_header_conformance")
# parts run side by side (each a schemathesis process): /r4, and /r5 with the paths outside the FHIR endpoints
PARTS = {"r4": ["--include-path-regex", "^/r4(/|$)"], "r5 and root": ["--exclude-path-regex", "^/r4(/|$)"]}


def schemathesis_command(bindir: Path, spec: Path, base: str, examples: int, seed: int) -> list[str]:
    return [str(bindir / "schemathesis"), "run", str(spec), "--url", base, "--seed", str(seed),
            "--max-examples", str(examples), "--phases", "examples,coverage,fuzzing", "--checks", ",".join(CHECKS),
            "--workers", "1", "--request-timeout", "60", "--generation-database", "none",
            "--suppress-health-check", "too_slow", "--no-color"]


def wait_healthy(base: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited before it was healthy (exit {proc.returncode})")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server did not answer {base}/healthz within {seconds:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def run_parts(command: list[str], parts: dict, timeout: float, workdir: Path) -> list[tuple[str, int, str]]:
    """Run the parts side by side; (name, exit code, output) each (exit 124: stopped at the timeout)."""
    running = []
    for name, extra in parts.items():
        log = workdir / f"{name.replace(' ', '-')}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(command + extra, stdout=out, stderr=subprocess.STDOUT, cwd=workdir,
                                    start_new_session=True)
        running.append((name, proc, log))
    results, deadline = [], time.monotonic() + timeout
    for name, proc, log in running:
        try:
            code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            stop(proc)
            code = 124
        results.append((name, code, log.read_text(encoding="utf-8", errors="replace")))
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=18081)
    parser.add_argument("--examples", type=int, default=5, help="fuzzing examples per operation (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, choices=(1, 2), default=2, help="schemathesis processes (default 2)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before the run is stopped (failure)")
    parser.add_argument("--spec", type=Path, default=REPO / "openapi.yaml")
    parser.add_argument("--requirement", action="store_true", help="print the pinned requirement and exit")
    args = parser.parse_args(argv)
    if args.requirement:
        print(REQUIREMENT)
        return 0
    bindir = Path(sys.executable).parent
    if not (bindir / "schemathesis").exists():
        print(f"schemathesis is not installed in {bindir.parent}: {bindir / 'pip'} install '{REQUIREMENT}'",
              file=sys.stderr)
        return 2
    base = f"http://127.0.0.1:{args.port}"
    started = time.monotonic()
    server = subprocess.Popen([str(bindir / "rrall-tx"), "serve", "--host", "127.0.0.1", "--port", str(args.port),
                               "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                              cwd=REPO, start_new_session=True)
    try:
        wait_healthy(base, server)
        command = schemathesis_command(bindir, args.spec.resolve(), base, args.examples, args.seed)
        parts = PARTS if args.jobs == 2 else {"all": []}
        print("$ " + " ".join(command) + ("  (one process per part: " + "; ".join(
            f"{n}: {' '.join(e)}" for n, e in parts.items()) + ")" if args.jobs == 2 else ""), flush=True)
        with tempfile.TemporaryDirectory(prefix="rrall-contract-") as tmp:
            results = run_parts(command, parts, args.timeout, Path(tmp))
    finally:
        stop(server)
    failed = False
    for name, code, output in results:
        print(f"\n---- schemathesis, {name} (exit {code}) ----\n{output}")
        failed |= code != 0
    print(f"api contract: {'FAILED' if failed else 'passed'} in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
