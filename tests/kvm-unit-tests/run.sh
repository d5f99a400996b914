#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# kvm-unit-tests on vx86 (issue #11 item 8): build the suite from KUT_SRC outside
# vx86's tree, run a list of its x86 tests with the suite's own runner
# (run_tests.sh -> x86/run) and give that runner tests/kvm-unit-tests/qemu-vx86
# as its QEMU, which turns the QEMU command line into `vx86 run`. REF=tcg runs the
# same list on the real qemu-system-x86_64 -accel tcg instead, for comparison.
#
# Environment (all optional; `make kvm-unit-tests` passes them through):
#   KUT_SRC    kvm-unit-tests tarball (.tar.gz/.tgz/.tar.xz/.tar) or source directory
#              (default: ../shared/third_party/kvm-unit-tests-*.tar.gz next to the repo)
#   KUT_BUILD  where to extract and build (default: build/kvm-unit-tests)
#   KUT_ARCH   x86_64 (default) or i386: the suite's ./configure --arch
#   TESTS      test names from x86/unittests.cfg (default: the list below)
#   ENGINE     vx86 engine, emu (default) or kvm
#   REF        tcg: run real QEMU with -accel tcg instead of vx86
#   TIMEOUT    per-test timeout in timeout(1) syntax (default 15s on vx86; on REF the
#              suite's own unittests.cfg values, 90s where it gives none)
#   VX86       the vx86 binary (default build/vx86)
#   QEMU_REF   the QEMU binary for REF (default qemu-system-x86_64 on PATH)
#   VX86_SMP, VX86_CPU_FEATURES  =warn: run flags qemu-vx86 refuses, with a warning
# Output: one PASS/FAIL/SKIP line per test (a failure with the first FAIL line and
# the last lines of its log), then `N passed, M failed, K skipped`. Exit status 0
# when nothing failed, 1 when a test failed, 2 when the suite could not be built or run.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

default_tests="msr realmode setjmp sieve idt_test xapic x2apic ioapic eventinj smptest tsc
tsc_adjust cmpxchg8b syscall umip la57 memory vmexit_cpuid vmexit_mov_to_cr8
vmexit_mov_from_cr8 debug hypercall access emulator"

die() {
	echo "kvm-unit-tests: $*" >&2
	exit 2
}

KUT_ARCH=${KUT_ARCH:-x86_64}
case $KUT_ARCH in
x86_64 | i386) ;;
*) die "KUT_ARCH=$KUT_ARCH: x86_64 or i386" ;;
esac
ENGINE=${ENGINE:-emu}
case $ENGINE in
emu | kvm) ;;
*) die "ENGINE=$ENGINE: emu or kvm" ;;
esac
REF=${REF:-}
case $REF in
'' | tcg) ;;
*) die "REF=$REF: only REF=tcg (real QEMU with -accel tcg) is supported" ;;
esac
KUT_BUILD=${KUT_BUILD:-$root/build/kvm-unit-tests}
mkdir -p "$KUT_BUILD" || die "$KUT_BUILD: cannot create it"
KUT_BUILD=$(cd "$KUT_BUILD" && pwd)

if [ -z "${KUT_SRC:-}" ]; then
	for f in "$root"/../shared/third_party/kvm-unit-tests-*.tar.gz; do
		[ -f "$f" ] && KUT_SRC=$f
	done
	[ -n "${KUT_SRC:-}" ] ||
		die "no KUT_SRC given and no ../shared/third_party/kvm-unit-tests-*.tar.gz next to $root"
fi
[ -e "$KUT_SRC" ] || die "KUT_SRC=$KUT_SRC: no such file or directory"
KUT_SRC=$(cd "$(dirname "$KUT_SRC")" && pwd)/$(basename "$KUT_SRC")

# The source tree: a directory is used where it is (read only: the build is
# elsewhere); a tarball is extracted once under KUT_BUILD/src/NAME.
if [ -d "$KUT_SRC" ]; then
	srcdir=$KUT_SRC
	name=dir-$(printf '%s' "$KUT_SRC" | cksum | cut -d' ' -f1)
else
	name=$(basename "$KUT_SRC")
	name=${name%.tar.gz}; name=${name%.tgz}; name=${name%.tar.xz}; name=${name%.tar}
	srcdir=$KUT_BUILD/src/$name
	if [ ! -f "$srcdir/.vx86-extracted" ] || [ "$KUT_SRC" -nt "$srcdir/.vx86-extracted" ]; then
		echo "kvm-unit-tests: extracting $KUT_SRC into $srcdir"
		rm -rf "$srcdir" && mkdir -p "$srcdir" || die "$srcdir: cannot create it"
		tar -xf "$KUT_SRC" -C "$srcdir" --strip-components=1 ||
			die "$KUT_SRC: cannot extract it"
		touch "$srcdir/.vx86-extracted"
	fi
fi
[ -x "$srcdir/configure" ] && [ -f "$srcdir/x86/unittests.cfg" ] ||
	die "$srcdir: not a kvm-unit-tests source tree (no configure or x86/unittests.cfg)"

# The suite's own ./configure && make, in a separate build tree (its configure
# links Makefile, run_tests.sh, scripts and x86/run there). make is incremental.
objdir=$KUT_BUILD/$name-$KUT_ARCH
if [ ! -f "$objdir/config.mak" ]; then
	echo "kvm-unit-tests: configuring $srcdir for $KUT_ARCH in $objdir"
	mkdir -p "$objdir" &&
		(cd "$objdir" && "$srcdir/configure" --arch="$KUT_ARCH") >"$KUT_BUILD/configure-$KUT_ARCH.log" 2>&1 ||
		{ rm -f "$objdir/config.mak"; tail -20 "$KUT_BUILD/configure-$KUT_ARCH.log" >&2
		  die "configure failed (log: $KUT_BUILD/configure-$KUT_ARCH.log)"; }
fi
echo "kvm-unit-tests: building in $objdir (log: $KUT_BUILD/make-$KUT_ARCH.log)"
make -C "$objdir" -j"$(getconf _NPROCESSORS_ONLN)" >"$KUT_BUILD/make-$KUT_ARCH.log" 2>&1 ||
	{ tail -20 "$KUT_BUILD/make-$KUT_ARCH.log" >&2; die "make failed (log: $KUT_BUILD/make-$KUT_ARCH.log)"; }

# Who plays QEMU.
if [ "$REF" = tcg ]; then
	QEMU=${QEMU_REF:-$(command -v qemu-system-x86_64)} ||
		die "REF=tcg: no qemu-system-x86_64 on PATH (set QEMU_REF)"
	accel=tcg
	label=qemu-tcg
	timeout=${TIMEOUT:-}
else
	VX86=${VX86:-$root/build/vx86}
	[ -x "$VX86" ] || die "$VX86: no vx86 binary (run make first)"
	export VX86_BIN VX86_ENGINE
	VX86_BIN=$(cd "$(dirname "$VX86")" && pwd)/$(basename "$VX86")
	VX86_ENGINE=$ENGINE
	QEMU=$here/qemu-vx86
	# The suite passes -machine accel=$ACCEL; emu is vx86's emulator (as TCG is
	# QEMU's), kvm is KVM. The suite also sets ERRATA_FORCE=y for tcg.
	[ "$ENGINE" = emu ] && accel=tcg || accel=kvm
	label=vx86-$ENGINE
	timeout=${TIMEOUT:-15s}
fi

tests=${TESTS:-$default_tests}
logdir=logs-$label
out=$KUT_BUILD/$label-$KUT_ARCH.out
echo "kvm-unit-tests: running $(echo $tests | wc -w) tests on $label ($QEMU)," \
	"timeout ${timeout:-from unittests.cfg}; logs in $objdir/$logdir/"

# The suite's runner; it prints `PASS name (summary)`, `FAIL name (reason)`,
# `SKIP name (reason)` in colour. TIMEOUT in its environment overrides the
# per-test timeouts of unittests.cfg; it wraps QEMU in timeout(1) with it.
(
	cd "$objdir" || exit 2
	export QEMU ACCEL=$accel unittest_log_dir=$logdir
	[ -n "$timeout" ] && export TIMEOUT=$timeout
	# shellcheck disable=SC2086
	./run_tests.sh $tests
) </dev/null >"$out" 2>&1
rc=$?
sed -i 's/\x1b\[[0-9;]*m//g' "$out"

passed=0 failed=0 skipped=0
while read -r verdict test rest; do
	case $verdict in
	PASS) passed=$((passed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	*) continue ;;
	esac
	printf '%-4s %-22s %s\n' "$verdict" "$test" "$rest"
	log=$objdir/$logdir/$test.log
	[ "$verdict" = FAIL ] && [ -f "$log" ] || continue
	# The test's first FAIL line (its first reason); what stopped it (the last
	# message of vx86, qemu-vx86 or QEMU that is not a warning); the guest's
	# last lines (where it got to).
	tr -d '\r' <"$log" | grep -a -v '^[[:space:]]*$' >"$log.txt"
	first=$(grep -a -m1 '^FAIL' "$log.txt" | cut -c1-200)
	[ -n "$first" ] && echo "     first: $first"
	grep -aq '^SUMMARY:' "$log.txt" || echo "     (no SUMMARY line: the test stopped before its end)"
	# An assertion or an unexpected exception in the guest (the suite prints a
	# stack trace after it, so it is not among the last lines).
	grep -a -m1 -E 'assert failed|^Unhandled exception|^Abort' "$log.txt" | cut -c1-200 |
		sed 's/^/     abort: /'
	grep -a -E '^(vx86|qemu-vx86|qemu|qemu-system-[a-z0-9_]*)(: |$)' "$log.txt" |
		grep -a -v -i warning | tail -n 2 | cut -c1-200 | sed 's/^/     stop: /'
	grep -a -v -E '^(vx86|qemu-vx86|qemu|qemu-system-[a-z0-9_]*): |^timeout -k ' "$log.txt" |
		tail -n 2 | cut -c1-200 | sed 's/^/     | /'
	rm -f "$log.txt"
done <"$out"

total=$((passed + failed + skipped))
if [ "$total" -eq 0 ]; then
	cat "$out" >&2
	die "the suite's runner reported no test (status $rc; output in $out)"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
