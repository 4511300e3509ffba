#!/usr/bin/env bash
# Runs the benchmark suite: starts the platform (local stand-ins, Release build) in the background with raised
# limits, waits until the gateway is healthy, runs bench/SaasPlatform.Bench (which prints one markdown table), and
# stops the platform. Extra arguments go to the bench console, e.g. `./bench/run.sh --parts reads,login`.
# `./bench/run.sh --tenants 1000` runs only the scale part instead: figures at 10 bench tenants, then at 1,000 (created
# through the gateway), with a platform restart between them for the start-up time; every bench tenant is deleted at
# the end (bench/README.md).
set -euo pipefail

scale_tenants=
bench_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tenants) scale_tenants="${2:?--tenants needs a number}"; shift 2 ;;
    *) bench_args+=("$1"); shift ;;
  esac
done
set -- "${bench_args[@]+"${bench_args[@]}"}"
cd "$(dirname "$0")/.."
root=$(pwd)

command -v wrk >/dev/null || { echo "==> installing wrk" >&2; apt-get install -y wrk >/dev/null; }

for port in 5101 5102 5103 5104 5105 15080 19080 20080; do
  if ss -Hltn "sport = :$port" | grep -q .; then
    echo "port $port is in use: another platform (or eng/up.sh) is running; stop it first" >&2
    exit 1
  fi
done

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((61000 + RANDOM % 4000))   # above the ephemeral range and Aspire's own allocations
    if ! ss -Hltn "sport = :$port" | grep -q .; then echo "$port"; return; fi
  done
  echo "no free port" >&2; return 1
}

run_id=$(cat /proc/sys/kernel/random/uuid)
kafka_port=$(free_port)
s3_port=$(free_port)
work=$(mktemp -d /tmp/saasplatform-bench.XXXXXX)
s3_dir="$work/s3"
mkdir -p "$s3_dir"
platform_log="$work/platform.log"
max_upload=$((2 * 1024 * 1024 * 1024))
platform_pid=

stop_platform() {
  if [ -n "$platform_pid" ] && kill -0 "$platform_pid" 2>/dev/null; then
    echo "==> stopping the platform" >&2
    # The AppHost runs in its own process group (setsid). SIGTERM, not SIGINT: a background job of a script starts
    # with SIGINT ignored. The AppHost then stops every resource it started.
    kill -TERM -- "-$platform_pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$platform_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$platform_pid" 2>/dev/null || true
  fi
  platform_pid=
  # Services of this run that outlived the AppHost (they carry the run id in their environment).
  for env in /proc/[0-9]*/environ; do
    if { tr '\0' '\n' < "$env"; } 2>/dev/null | grep -qx "Bench__RunId=$run_id"; then
      pid=${env#/proc/}; pid=${pid%/environ}
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
}
trap 'stop_platform; rm -rf "$s3_dir"' EXIT
trap 'exit 130' INT TERM

# BENCH_FROM_HEAD=1: benchmark the last commit (exported to the scratch folder) rather than the working tree, which
# other people may be editing.
# One export folder is kept and updated in place (only files whose content changed are rewritten, so the Release
# build stays incremental).
if [ -n "${BENCH_FROM_HEAD:-}" ]; then
  src=/tmp/saasplatform-bench-src
  mkdir -p "$work/export" "$src"
  git archive HEAD | tar -x -C "$work/export"
  if command -v rsync >/dev/null; then
    rsync -rc --delete --exclude bin --exclude obj --exclude node_modules "$work/export/" "$src/"
  else
    rm -rf "$src" && mv "$work/export" "$src"
  fi
  rm -rf "$work/export"
  [ -d "$root/eng/s3rver/node_modules" ] && ln -sfn "$root/eng/s3rver/node_modules" "$src/eng/s3rver/node_modules"
  echo "==> benchmarking $(git rev-parse --short HEAD) from $src" >&2
  cd "$src"
fi

echo "==> building (Release)" >&2
dotnet build SaasPlatform.AppHost -c Release -v q -nologo >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
dotnet build bench/SaasPlatform.Bench -c Release -v q -nologo >>"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }

# The apt cluster's superuser password: the one file the end-to-end tests use too (DevPostgresPassword.cs), outside
# the repository, so a bench and a test run at the same time do not reset it under each other (28P01). It reaches the
# bench console by environment only.
pg_password_file="$HOME/.saasplatform/e2e-postgres-password"
if [ ! -s "$pg_password_file" ]; then
  mkdir -p "$(dirname "$pg_password_file")"
  (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F > "$pg_password_file.$$")
  mv -n "$pg_password_file.$$" "$pg_password_file"; rm -f "$pg_password_file.$$"
fi
pg_password=$(tr -d '[:space:]' < "$pg_password_file")

overrides=(
  "--Parameters:postgres-password=$pg_password"
  "--ServiceOverrides:gateway:RateLimits:Global:PermitLimit=100000000"
  "--ServiceOverrides:gateway:RateLimits:Auth:PermitLimit=100000"
  "--ServiceOverrides:gateway:Uploads:MaxFileSizeBytes=$max_upload"
  "--ServiceOverrides:documents-api:Uploads:MaxFileSizeBytes=$max_upload"
  # The scale part creates hundreds of tenants per bench user; the per-user quotas (docs/decisions/tenant-quotas.md)
  # would stop it at 10 an hour.
  "--ServiceOverrides:tenancy-api:Tenants:Quotas:MaxActiveTenantsPerUser=100000"
  "--ServiceOverrides:tenancy-api:Tenants:Quotas:MaxCreationsPerHour=100000"
)
for rule in LoginPerEmail LoginPerAddress RegisterPerEmail RegisterPerAddress; do
  overrides+=("--ServiceOverrides:identity-api:Identity:RateLimits:$rule:PermitLimit=100000")
done
for service in gateway identity-api tenancy-api documents-api events-worker; do
  overrides+=("--ServiceOverrides:$service:Bench:RunId=$run_id")
done

# BENCH_DIRECT_ENDPOINTS=1: the services listen on their ports themselves, without DCP's development proxy in front
# of each (production has none: a Kubernetes Service is kube-proxy in the kernel). The default measures through it,
# as the issue's figures were taken.
platform_mode=()
[ -n "${BENCH_DIRECT_ENDPOINTS:-}" ] && platform_mode+=(--Platform:DirectEndpoints=true)

start_platform() {
  echo "==> starting the platform (log: $platform_log)" >&2
  setsid dotnet run --project SaasPlatform.AppHost -c Release --no-build --launch-profile http -- \
    --Platform:Infrastructure=local "${platform_mode[@]+"${platform_mode[@]}"}" \
    "--DevServers:KafkaPort=$kafka_port" "--DevServers:S3Port=$s3_port" "--DevServers:S3Directory=$s3_dir" \
    "${overrides[@]}" >>"$platform_log" 2>&1 < /dev/null &
  platform_pid=$!
  disown "$platform_pid"
}

# Healthy within 6 minutes; a gateway that still answers 503 after that (a service failing) is benchmarked anyway:
# what does not work shows up as "not measured" in the table.
wait_for_gateway() {
  local deadline=$((SECONDS + 360))
  health=
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "$platform_pid" 2>/dev/null || { echo "the AppHost exited" >&2; return 1; }
    health=$(curl -sS -m 3 -o "$work/health.json" -w '%{http_code}' http://localhost:5105/health 2>/dev/null || true)
    [ "$health" = 200 ] && return 0
    sleep 2
  done
  [ "$health" = 503 ]
}

# Two attempts: on a shared machine a service can lose its port to another process between DCP choosing it and the
# service binding it, and Aspire does not restart it.
# startup_seconds: from starting the AppHost to a healthy gateway (the last attempt's).
bring_up() {
  for attempt in 1 2; do
    local started
    started=$(date +%s.%N)
    start_platform
    if wait_for_gateway; then
      startup_seconds=$(awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN { printf "%.1f", a - b }')
      break
    fi
    echo "==> the gateway did not come up (attempt $attempt); last lines of the AppHost log:" >&2
    tail -5 "$platform_log" >&2
    stop_platform
    [ "$attempt" = 2 ] && exit 1
  done
  case "$health" in
    200) echo "==> platform healthy after ${startup_seconds} s" >&2 ;;
    *) echo "==> WARNING: the gateway reports unhealthy parts, measuring what works: $(cat "$work/health.json")" >&2 ;;
  esac
}
bring_up


# BENCH_HOLD_MINUTES=N: keep the platform up for N minutes (at most 120) instead of benchmarking, for profiling by
# hand (the services carry Bench__RunId=<run id> in their environment); Ctrl+C stops it earlier.
if [ -n "${BENCH_HOLD_MINUTES:-}" ]; then
  echo "==> holding the platform for ${BENCH_HOLD_MINUTES} min; run id $run_id; S3 on $s3_port" >&2
  sleep $(( (BENCH_HOLD_MINUTES > 120 ? 120 : BENCH_HOLD_MINUTES) * 60 ))
  exit 0
fi

bench_console() {
  BENCH_POSTGRES="Host=127.0.0.1;Port=5432;Username=postgres;Password=$pg_password" BENCH_RUN_ID="$run_id" \
    dotnet bench/SaasPlatform.Bench/bin/Release/net10.0/SaasPlatform.Bench.dll \
    --gateway http://localhost:5105 --identity http://localhost:5101 --tenancy http://localhost:5102 \
    --documents http://localhost:5103 --s3 "http://127.0.0.1:$s3_port" --log "$work/bench.log" "$@"
}

if [ -n "$scale_tenants" ]; then
  state="$work/scale.json"
  scale=(--parts scale --scale-state "$state" --scale-tenants "$scale_tenants")
  # Whatever happens below, the bench tenants go (the state file lists them).
  trap 'if [ -f "$state" ]; then bench_console "${scale[@]}" --scale-phase cleanup >/dev/null || true; fi; stop_platform; rm -rf "$s3_dir"' EXIT
  bench_console "${scale[@]}" --scale-phase small --scale-startup-seconds "$startup_seconds" "$@" >/dev/null
  bench_console "${scale[@]}" --scale-phase grow "$@" >/dev/null
  echo "==> restarting the platform at $scale_tenants bench tenants" >&2
  stop_platform
  bring_up
  migrate="cd '$(pwd)/Tenancy.Api/bin/Release/net10.0' && ConnectionStrings__postgres='Host=127.0.0.1;Port=5432;Username=postgres;Password=$pg_password' \
ConnectionStrings__tenancydb='Host=127.0.0.1;Port=5432;Username=postgres;Password=$pg_password;Database=tenancydb' \
DOTNET_ENVIRONMENT=Development Logging__LogLevel__Microsoft=Warning dotnet Tenancy.Api.dll migrate-tenants"
  status=0
  bench_console "${scale[@]}" --scale-phase large --scale-startup-seconds "$startup_seconds" --scale-migrate "$migrate" "$@" || status=$?
  echo "(details: $work/bench.log; platform log: $platform_log)" >&2
  exit $status
fi

status=0
BENCH_POSTGRES="Host=127.0.0.1;Port=5432;Username=postgres;Password=$pg_password" BENCH_RUN_ID="$run_id" \
  dotnet bench/SaasPlatform.Bench/bin/Release/net10.0/SaasPlatform.Bench.dll \
  --gateway http://localhost:5105 --identity http://localhost:5101 --tenancy http://localhost:5102 \
  --documents http://localhost:5103 --s3 "http://127.0.0.1:$s3_port" --log "$work/bench.log" "$@" || status=$?
echo "(details: $work/bench.log; platform log: $platform_log)" >&2
exit $status
