#!/bin/sh
# SPDX-License-Identifier: MIT
# Every C file is formatted by the root .clang-format (STYLE.md), checked the way
# kvm-host checks it in CI. The format is pinned to clang-format 14, the version
# on vx86's machines: other versions format some constructs differently.
cd "${SRCDIR:-.}" || exit 1
CF=$(command -v clang-format || true)
if [ -z "$CF" ]; then
	echo "1..0 # SKIP clang-format is not installed"
	exit 0
fi
major=$("$CF" --version | sed -n 's/.*version \([0-9][0-9]*\)\..*/\1/p')
if [ "$major" != 14 ]; then
	echo "1..0 # SKIP the format is pinned to clang-format 14 (found ${major:-unknown})"
	exit 0
fi
n=0
failed=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null | grep -v '^tests/guests/'); do
	n=$((n + 1))
	if "$CF" --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "ok $n - $f is formatted"
	else
		echo "not ok $n - $f is formatted (run 'make format')"
		failed=$((failed + 1))
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
