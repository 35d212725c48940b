#!/usr/bin/env bash
# Runs every InternalDesk test on this machine, installing what the tests need first.
# Ends with the line "N passed, N failed, N skipped", counted from the test results.
set -uo pipefail
cd "$(dirname "$0")"

# install_package PACKAGE WHAT: installs a Debian package with apt-get (sudo when not root), or stops the run.
install_package() {
  echo "Installing $1 for $2 (apt-get)..."
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1" > /dev/null || {
    echo "Could not install $1; $2 need it." >&2
    echo "0 passed, 1 failed"
    exit 1
  }
}

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
if [ ! -x /usr/bin/chromium ]; then install_package chromium "the browser tests"; fi

# The mail tests read mailboxes from a real IMAP server (Dovecot), which they start on a loopback port.
if [ ! -x /usr/sbin/dovecot ]; then install_package dovecot-imapd "the mail tests"; fi

# The two-node tests start a real Redis server on a loopback port.
if [ ! -x /usr/bin/redis-server ]; then install_package redis-server "the two-node tests"; fi

# The service and integration tests run a second time on a real PostgreSQL server, started here on a loopback port
# (initdb and pg_ctl as the postgres user; the cluster lives under /tmp and is stopped when the run ends).
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then install_package postgresql "the tests on PostgreSQL"; fi
PGBIN="$(pg_bin)"
PGPORT_TEST="${DESK_TEST_PG_PORT:-55432}"
PGROOT="/tmp/internaldesk-pg-$PGPORT_TEST"
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
stop_pg() { as_pg "'$PGBIN/pg_ctl' -D '$PGROOT/data' -m immediate stop" > /dev/null 2>&1 || true; }
stop_pg
rm -rf "$PGROOT" && mkdir -p "$PGROOT"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$PGROOT"; fi
if ! as_pg "'$PGBIN/initdb' -D '$PGROOT/data' -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync" > "$PGROOT/initdb.log" 2>&1 \
  || ! as_pg "'$PGBIN/pg_ctl' -D '$PGROOT/data' -l '$PGROOT/server.log' -w -t 60 start -o \"-p $PGPORT_TEST -k '$PGROOT' -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\"" > /dev/null; then
  echo "Could not start PostgreSQL on port $PGPORT_TEST; see $PGROOT." >&2
  cat "$PGROOT/initdb.log" "$PGROOT/server.log" 2>/dev/null | tail -n 20 >&2
  echo "0 passed, 1 failed"
  exit 1
fi
trap stop_pg EXIT
export DESK_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT_TEST;Username=postgres"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="TestResults"
rm -rf "$results"

# The whole solution builds with warnings as errors, benchmarks included.
if ! dotnet build InternalDesk.sln -nologo -v quiet; then
  echo "The build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

# First every test on SQLite (the embedded default), then the service and integration tests on PostgreSQL. Tests of
# SQLite's own features (its file, its backup) carry the trait Database=Sqlite and run only in the first.
dotnet test Portal.Tests/Portal.Tests.csproj --no-build -nologo \
  --logger "trx;LogFileName=sqlite.trx" --logger "console;verbosity=minimal" --results-directory "$results"
status=$?
echo "Now the service and integration tests on PostgreSQL $("$PGBIN/postgres" --version | grep -o '[0-9][0-9]*\.[0-9][0-9]*' | head -n 1)..."
DESK_TEST_PROVIDER=Postgres dotnet test Portal.Tests/Portal.Tests.csproj --no-build -nologo \
  --filter "(FullyQualifiedName~Portal.Tests.Persistence|FullyQualifiedName~Portal.Tests.Integration|FullyQualifiedName~Portal.Tests.Mail|FullyQualifiedName~Portal.Tests.Api)&Database!=Sqlite" \
  --logger "trx;LogFileName=postgres.trx" --logger "console;verbosity=minimal" --results-directory "$results"
pg_status=$?
if [ "$pg_status" -ne 0 ]; then status=$pg_status; fi

passed=0; failed=0; skipped=0
counter() { grep -o "<Counters [^>]*" "$1" | grep -o " $2=\"[0-9]*\"" | grep -o "[0-9]*"; }
for trx in "$results/sqlite.trx" "$results/postgres.trx"; do
  if [ ! -f "$trx" ]; then
    echo "No test results were written to $trx."
    failed=$(( failed + 1 ))
    continue
  fi
  passed=$(( passed + $(counter "$trx" passed) ))
  failed=$(( failed + $(counter "$trx" failed) + $(counter "$trx" error) + $(counter "$trx" timeout) + $(counter "$trx" aborted) ))
  skipped=$(( skipped + $(counter "$trx" notExecuted) ))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run itself failed (a crashed test host, say) although no test reported a failure: count it as one.
  echo "The test run ended abnormally; see the output above."
  failed=1
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
exit 0
