#!/usr/bin/env bash
# Quick start, first command: install what is missing, then run the platform under Aspire.
# Without a container runtime the AppHost starts local stand-ins (PostgreSQL, Kafka dev broker, s3rver).
set -euo pipefail
cd "$(dirname "$0")/.."
./eng/install-prereqs.sh
echo
echo "==> starting SaasPlatform (Ctrl+C stops everything)"
echo "    Gateway (public API):  http://localhost:5105   (health: http://localhost:5105/health)"
echo "    Aspire dashboard:      http://localhost:15080  (the login link is printed below)"
echo
exec dotnet run --project SaasPlatform.AppHost --launch-profile http
