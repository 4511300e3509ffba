#!/usr/bin/env bash
# Installs what the platform needs on a machine without a container runtime, idempotently:
# PostgreSQL (apt), kcat (an independent Kafka client for tests), nginx (the proxy of the forwarded-header tests),
# the S3 dev server and the development mail server (npm).
# The Kafka dev broker is a project in this repository and needs nothing extra.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)   # the API docs UI test
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# nginx: the reverse proxy the forwarded-header tests start in front of the gateway, as a plain process on a
# loopback port. Installed without starting the distribution's service (policy-rc.d refuses it for the install).
if ! command -v nginx >/dev/null 2>&1 && ! [ -x /usr/sbin/nginx ]; then
  echo "==> installing nginx (not started as a service)"
  policy=/usr/sbin/policy-rc.d; own_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' | sudo_if_needed tee "$policy" >/dev/null; sudo_if_needed chmod +x "$policy"; own_policy=1; fi
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null || \
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  if [ "$own_policy" = 1 ]; then sudo_if_needed rm -f "$policy"; fi
fi

# The apt package creates a cluster; make sure one exists (a minimal image may have removed it).
if ! pg_lsclusters -h | grep -q .; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  sudo_if_needed pg_createcluster "$version" main >/dev/null
fi

if [ ! -d eng/s3rver/node_modules/s3rver ]; then
  echo "==> installing the S3 dev server (s3rver)"
  (cd eng/s3rver && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ ! -d eng/maildev/node_modules/maildev ]; then
  echo "==> installing the development mail server (maildev)"
  (cd eng/maildev && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ ! -d eng/httpyac/node_modules/httpyac ]; then
  echo "==> installing httpyac (runs the .http examples in the end-to-end tests)"
  (cd eng/httpyac && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ ! -d eng/k8s-validate/node_modules/kubernetes-models ]; then
  echo "==> installing the Kubernetes schema validator (kubernetes-models)"
  (cd eng/k8s-validate && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "==> restoring .NET packages"
dotnet restore SaasPlatform.sln -v quiet
