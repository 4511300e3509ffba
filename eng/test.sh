#!/usr/bin/env bash
# Quick start, second command: every test (unit, and end-to-end against the real AppHost with local servers).
# Ends with a line "N passed, M failed" read from the test results.
set -uo pipefail
cd "$(dirname "$0")/.."
results=artifacts/test-results
rm -rf "$results"
dotnet build SaasPlatform.sln -v quiet -nologo || { echo "0 passed, 1 failed"; exit 1; }
# One test project at a time. The deployment tests go first, alone: their local-mode application model starts the
# local PostgreSQL stand-in, whose script sets the superuser's password under a platform running at the same time.
status=0
for project in SaasPlatform.DeploymentTests SaasPlatform.UnitTests; do
  dotnet test "tests/$project" --no-build --logger "trx;LogFileName=$project.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" "$@" || status=1
done
# The end-to-end suite except its replicas and tenant-servers parts, which start platforms of their own (two replicas
# of every service, tests/SaasPlatform.EndToEndTests/Replicas; two PostgreSQL servers for tenant databases,
# tests/SaasPlatform.EndToEndTests/TenantServers) and run last, each timed on its own.
dotnet test tests/SaasPlatform.EndToEndTests --no-build --logger "trx;LogFileName=e2e.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" \
  --filter "FullyQualifiedName!~SaasPlatform.EndToEndTests.Replicas.&FullyQualifiedName!~SaasPlatform.EndToEndTests.TenantServers." "$@" || status=1
servers_started=$SECONDS
dotnet test tests/SaasPlatform.EndToEndTests --no-build --logger "trx;LogFileName=tenant-servers.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" --filter "FullyQualifiedName~SaasPlatform.EndToEndTests.TenantServers." "$@" || status=1
echo "tenant-servers run (two PostgreSQL servers for tenant databases): $((SECONDS - servers_started)) s"
replicas_started=$SECONDS
dotnet test tests/SaasPlatform.EndToEndTests --no-build --logger "trx;LogFileName=replicas.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" --filter "FullyQualifiedName~SaasPlatform.EndToEndTests.Replicas." "$@"
replicas_status=$?
echo "replicas run (2 replicas of every service): $((SECONDS - replicas_started)) s"
if [ "$status" -eq 0 ]; then status=$replicas_status; fi
passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
done
# Skipped tests with their reasons (e.g. container tests where no container runtime answers).
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  perl -0777 -ne 'while (/<UnitTestResult [^>]*?testName="([^"]*)"[^>]*?outcome="NotExecuted"[^>]*>.*?<Message>(.*?)<\/Message>/gs) {
      my ($name, $reason) = ($1, $2); $reason =~ s/&lt;/</g; $reason =~ s/&gt;/>/g; $reason =~ s/&amp;/&/g; print "SKIPPED: $name\n    $reason\n"; }' "$trx"
done
# The failed tests' names last, where a truncated CI log still shows them.
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  # Each failed test's name and the head of its error message (XML-unescaped), so the cause survives truncation.
  perl -0777 -ne 'my %e = ("lt" => "<", "gt" => ">", "quot" => "\"", "apos" => "\x27", "amp" => "&");
    while (/<UnitTestResult [^>]*?testName="([^"]*)"[^>]*?outcome="Failed"[^>]*>(.*?)<\/UnitTestResult>/gs) {
      my ($name, $body) = ($1, $2); my ($message) = $body =~ /<Message>(.*?)<\/Message>/s; $message //= "";
      $message =~ s/&(lt|gt|quot|apos|amp);/$e{$1}/g; my @lines = (split /\n/, $message)[0 .. 11];
      print "FAILED: $name\n", map { defined $_ ? "    $_\n" : "" } @lines; }' "$trx"
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
