#!/usr/bin/env bash
# Loopback demo of deploy/nginx.conf: two replicas of `rrall-tx serve` behind nginx, all on 127.0.0.1.
#
# Runs a bounded load through nginx, kills one replica (SIGKILL, its whole process group) mid-run, restarts it,
# and prints requests, failures, the proxy cache hit rate, retries and revalidations. Exits non-zero on any failed
# request, on a restarted replica that got no traffic, on a cache that never revalidates, or on anything that does
# not start. Cleans up everything it started. docs/deployment.md explains it.
#
# Usage: deploy/loopback-demo.sh               the demo (about 35 s)
#        deploy/loopback-demo.sh --config-test  only write the configuration and run `nginx -t` on it
# Env:   RRALL_TX=rrall-tx   the server command (e.g. .venv/bin/rrall-tx)
#        PYTHON=python3      runs deploy/loadgen.py (standard library only)
#        NGINX_BIN=nginx     the nginx binary (Debian package `nginx`)
#        DEMO_PORT=18380     nginx listens there; the replicas on DEMO_PORT+1 and DEMO_PORT+2
#        DEMO_SECONDS=20     load duration (the replica dies after 1/5 of it and restarts after 2/5)
#        DEMO_CONCURRENCY=4  load generator threads
#        DEMO_MAX_AGE=4      the replicas' Cache-Control max-age (RRALL_HTTP_MAX_AGE), short so that nginx revalidates
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RRALL_TX="${RRALL_TX:-rrall-tx}"
PYTHON="${PYTHON:-python3}"
NGINX_CMD="${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}"
unset NGINX   # nginx itself reads $NGINX (sockets inherited on a binary upgrade)
PORT="${DEMO_PORT:-18380}"
SECONDS_LOAD="${DEMO_SECONDS:-20}"
CONCURRENCY="${DEMO_CONCURRENCY:-4}"
MAX_AGE="${DEMO_MAX_AGE:-4}"
P1=$((PORT + 1))
P2=$((PORT + 2))
HOST=127.0.0.1
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rrall-demo.XXXXXX")"
declare -A REPLICA_PID=()
NGINX_PID=""
LOAD_PID=""

log() { printf '[demo %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
fail() { log "FAIL: $*"; exit 1; }

stop_group() {   # SIGTERM a process group we started (bounded), then SIGKILL
    local pid="$1" i
    kill -TERM -- "-$pid" 2>/dev/null || return 0
    for i in $(seq 1 50); do
        kill -0 -- "-$pid" 2>/dev/null || return 0
        sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    set +e
    [[ -n "$LOAD_PID" ]] && kill "$LOAD_PID" 2>/dev/null
    for name in "${!REPLICA_PID[@]}"; do stop_group "${REPLICA_PID[$name]}"; done
    if [[ -n "$NGINX_PID" ]]; then
        kill -QUIT "$NGINX_PID" 2>/dev/null   # graceful: the master stops its workers
        for _ in $(seq 1 25); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL -- "-$NGINX_PID" 2>/dev/null   # whatever is left of its process group
    fi
    wait 2>/dev/null
    if [[ $rc -ne 0 && -d "$WORK" ]]; then
        for f in "$WORK"/nginx-error.log "$WORK"/replica-*.err; do
            [[ -s "$f" ]] && { echo "--- tail of $f"; tail -n 15 "$f"; }
        done
    fi
    rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ -x "$NGINX_CMD" ]] || command -v "$NGINX_CMD" >/dev/null 2>&1 || fail "nginx not found (apt-get install nginx)"

port_free() {   # nobody listens there (connections in TIME_WAIT do not count, as for the servers themselves)
    "$PYTHON" -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('$HOST', int(sys.argv[1])))" "$1" 2>/dev/null
}

write_config() {   # deploy/nginx.conf with the demo's ports and folders, inside a minimal main configuration
    mkdir -p "$WORK/cache" "$WORK/tmp"
    sed -e "s|server 127.0.0.1:8081 |server $HOST:$P1 |" \
        -e "s|server 127.0.0.1:8082 |server $HOST:$P2 |" \
        -e "s|listen 127.0.0.1:8080;|listen $HOST:$PORT;|" \
        -e "s|/var/cache/nginx/rrall |$WORK/cache |" \
        -e "s|/var/log/nginx/rrall.access.log |$WORK/nginx-access.log |" \
        "$ROOT/deploy/nginx.conf" >"$WORK/rrall.conf"
    for want in "server $HOST:$P1 " "server $HOST:$P2 " "listen $HOST:$PORT;" "$WORK/cache " "$WORK/nginx-access.log "; do
        grep -qF "$want" "$WORK/rrall.conf" || fail "deploy/nginx.conf changed: could not set '$want'"
    done
    local user_line=""
    if [[ $(id -u) -eq 0 ]]; then   # root starts nginx, whose workers run as nobody: let them use the folders
        user_line="user nobody $(id -gn nobody);"
        chmod 755 "$WORK"
        chown -R nobody "$WORK/cache" "$WORK/tmp"
    fi
    cat >"$WORK/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 512; }
http {
    client_body_temp_path $WORK/tmp/body;
    proxy_temp_path $WORK/tmp/proxy;
    fastcgi_temp_path $WORK/tmp/fastcgi;
    uwsgi_temp_path $WORK/tmp/uwsgi;
    scgi_temp_path $WORK/tmp/scgi;
    access_log off;
    include $WORK/rrall.conf;
}
CONF
}

nginx_cmd() { "$NGINX_CMD" -p "$WORK" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf" "$@"; }

if [[ "${1:-}" == "--config-test" ]]; then
    write_config
    nginx_cmd -t -q || fail "nginx -t rejected the configuration"
    log "nginx -t: configuration OK"
    exit 0
fi

wait_healthy() {   # port, pid: bounded wait for /healthz
    "$PYTHON" - "$1" "$2" <<'PY'
import os, sys, time, urllib.request
port, pid = int(sys.argv[1]), int(sys.argv[2])
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(f"process {pid} exited before answering on port {port}")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(f"port {port} did not answer /healthz within 60 s")
PY
}

start_replica() {   # name port run: a replica in its own process group, access log to a file per run
    local name="$1" port="$2" run="$3"
    mkdir -p "$WORK/metrics-$name-$run"   # its own metrics folder, removed with $WORK even after a SIGKILL
    PROMETHEUS_MULTIPROC_DIR="$WORK/metrics-$name-$run" RRALL_HTTP_MAX_AGE="$MAX_AGE" setsid "$RRALL_TX" serve --host "$HOST" --port "$port" --workers 1 --threads 2 --no-core \
        --access-log "$WORK/replica-$name-$run.log" >"$WORK/replica-$name-$run.err" 2>&1 &
    REPLICA_PID[$name]=$!
    wait_healthy "$port" "${REPLICA_PID[$name]}" || fail "replica $name did not start"
    log "replica $name up on $HOST:$port (pid ${REPLICA_PID[$name]})"
}

for p in "$PORT" "$P1" "$P2"; do port_free "$p" || fail "port $p on $HOST is in use (set DEMO_PORT)"; done
write_config
nginx_cmd -t -q || fail "nginx -t rejected the configuration"
start_replica a "$P1" 1
start_replica b "$P2" 1
setsid "$NGINX_CMD" -p "$WORK" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf" &   # $! is nginx, in its own group
NGINX_PID=$!
wait_healthy "$PORT" "$NGINX_PID" || fail "nginx did not start"
log "nginx up on $HOST:$PORT (pid $NGINX_PID) in front of $HOST:$P1 and $HOST:$P2"

log "load: $SECONDS_LOAD s, $CONCURRENCY connections"
"$PYTHON" "$ROOT/deploy/loadgen.py" --url "http://$HOST:$PORT" --seconds "$SECONDS_LOAD" \
    --concurrency "$CONCURRENCY" --content "$ROOT" >"$WORK/load.json" &
LOAD_PID=$!

sleep "$(awk "BEGIN{print $SECONDS_LOAD / 5}")"
log "killing replica a (SIGKILL to its process group) mid-run"
kill -KILL -- "-${REPLICA_PID[a]}"
{ wait "${REPLICA_PID[a]}"; } 2>/dev/null || true   # (no "Killed" notice from bash)
sleep "$(awk "BEGIN{print $SECONDS_LOAD / 5}")"
log "restarting replica a"
start_replica a "$P1" 2

wait "$LOAD_PID" || fail "the load generator failed"
LOAD_PID=""
after_restart=$(grep -vc '"path":"/healthz"' "$WORK/replica-a-2.log" || true)   # not its own health check
retried=$(grep -c '"upstream":"[^"]*, ' "$WORK/nginx-access.log" || true)
revalidated=$(cat "$WORK"/replica-*.log | grep -c '"status":304' || true)   # nginx's If-None-Match, answered 304

"$PYTHON" - "$WORK/load.json" "$after_restart" "$retried" "$PORT" "$revalidated" <<'PY'
import http.client, json, sys
r = json.load(open(sys.argv[1]))
after_restart, retried, port, revalidated = (int(a) for a in sys.argv[2:6])

def get(path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp

# a client's own revalidation, answered by nginx from its cache with the replicas' ETag
path = "/r5/metadata"
first = get(path)
get(path)
again = get(path, {"If-None-Match": first.headers.get("ETag", "")})
revalidation = f"{again.status} (X-Proxy-Cache {again.headers.get('X-Proxy-Cache')})"
gzipped = get(path, {"Accept-Encoding": "gzip"}).headers.get("Content-Encoding")
# answered from nginx's cache: fresh (HIT), or stale while a background request revalidates it (STALE, UPDATING)
hits = sum(r["proxy_cache"].get(k, 0) for k in ("HIT", "STALE", "UPDATING", "REVALIDATED"))
rate = hits / r["gets"] if r["gets"] else 0.0
print(f"requests {r['requests']}, failures {r['failures']}, proxy cache hit rate {rate:.1%} "
      f"({hits} of {r['gets']} GETs; {r['proxy_cache']})")
print(f"nginx retried {retried} request(s) on the other replica; "
      f"the restarted replica answered {after_restart} request(s)")
print(f"stale entries revalidated by nginx (If-None-Match, the replicas answered 304): {revalidated}; "
      f"a client's If-None-Match: {revalidation}; with Accept-Encoding gzip: Content-Encoding {gzipped}")
for reason in r["first_failures"]:
    print(f"  failed: {reason}")
problems = []
if r["requests"] == 0:
    problems.append("no requests were made")
if r["failures"]:
    problems.append(f"{r['failures']} failed request(s)")
if after_restart == 0:
    problems.append("the restarted replica got no traffic")
if not revalidated:
    problems.append("nginx never revalidated a stale entry with a replica")
if gzipped != "gzip":
    problems.append("nginx did not compress an answer for a client that accepts gzip")
if again.status != 304:
    problems.append(f"a matching If-None-Match got {again.status}, not 304")
if problems:
    sys.exit("FAIL: " + "; ".join(problems))
print("demo OK")
PY
