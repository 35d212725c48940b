#!/usr/bin/env bash
# Runs every InternalDesk test on this machine, installing what the tests need first.
# Ends with the line "N passed, N failed, N skipped", counted from the test results.
set -uo pipefail
cd "$(dirname "$0")"

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium for the browser tests (apt-get)..."
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium > /dev/null || {
    echo "Could not install Chromium; the browser tests need /usr/bin/chromium." >&2
    exit 1
  }
fi

# The two-node tests start a real Redis server on a loopback port.
if [ ! -x /usr/bin/redis-server ]; then
  echo "Installing Redis for the two-node tests (apt-get)..."
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server > /dev/null || {
    echo "Could not install redis-server; the two-node tests need /usr/bin/redis-server." >&2
    exit 1
  }
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="TestResults"
rm -rf "$results"

# The whole solution builds with warnings as errors, benchmarks included.
if ! dotnet build InternalDesk.sln -nologo -v quiet; then
  echo "The build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Portal.Tests/Portal.Tests.csproj --no-build -nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=minimal" --results-directory "$results"
status=$?

trx="$results/results.trx"
if [ ! -f "$trx" ]; then
  echo "No test results were written."
  echo "0 passed, 1 failed"
  exit 1
fi

counter() { grep -o "<Counters [^>]*" "$trx" | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*"; }
passed=$(counter passed)
failed=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))
skipped=$(counter notExecuted)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run itself failed (a crashed test host, say) although no test reported a failure: count it as one.
  echo "The test run ended abnormally; see the output above."
  failed=1
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
exit 0
