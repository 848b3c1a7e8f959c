#!/bin/sh
# lab.sh: the VM tier of make check.  One VM boot (tests/vm/run-vm) runs every in-VM test
# in tests/vm/guest/ through tests/vm/batch; their TAP points come back renumbered,
# each prefixed with its script's name, plus one point per script for a clean exit.
# It also runs the tests of other tiers that need ESP in the kernel ($vm_host_tier below:
# they skip on the host).  Skips only when qemu or a Debian kernel is missing.
#   IPPVM_TESTS="path/to/one.sh ..."   run only these in-VM tests
#   IPPVM_XFRM=iproute2                install with ip xfrm instead of xfrmtool
#   IPPVM_SET=kernel      only the kernel tests (not the IKE interop group, ike-*.sh):
#                         tools/test runs the whole lab once, in the plain build, and this
#                         shorter set again in distcheck, to prove the tarball's lab works
#   IPPVM_TIMEOUT=SECS, IPPVM_LANES=N  hard timeout (default 1500), parallel lanes (3)
. "$top_srcdir/tests/lib/tap.sh"

vm=$top_srcdir/tests/vm
have_kernel() {
	for k in /boot/vmlinuz-*; do
		[ -r "$k" ] && [ -f "/lib/modules/${k#/boot/vmlinuz-}/modules.dep" ] && return 0
	done
	return 1
}
command -v qemu-system-x86_64 >/dev/null 2>&1 && have_kernel ||
	tap_skip_all "no qemu/kernel (install qemu-system-x86 linux-image-amd64)"

# Tests of other directories that need a kernel with ESP/AH skip on the host and run here.
vm_host_tier="$top_srcdir/tests/xfrm/states.sh"
tests=${IPPVM_TESTS:-}
if [ -z "$tests" ]; then
	tests=$(ls "$vm"/guest/*.sh)
	[ "${IPPVM_SET:-all}" = kernel ] && tests=$(ls "$vm"/guest/*.sh | grep -v '/ike-[^/]*$')
	for t in $vm_host_tier; do
		[ -f "$t" ] && tests="$tests $t"
	done
fi

work=$(mktemp -d) || exit 1
tap_cleanup "rm -rf $work"
t0=$(date +%s)
# The timeout is for a hung guest: a loaded 2-core host makes the emulated CPU several
# times slower than an idle one.
# shellcheck disable=SC2086
run_batch() {
	rm -rf "$work/res" "$work/log"
	"$vm/run-vm" -t "${IPPVM_TIMEOUT:-1500}" -l "$work/log" -r "$work/res" \
		"$vm/batch" $tests 2>"$work/err"
}
run_batch
rc=$?
# 125: the guest never ran the batch (qemu itself failed, e.g. a crash of the emulator
# under memory pressure).  That is the lab's failure, not a test's: boot once more, and
# say so; a second failure is reported like any other.
if [ "$rc" -eq 125 ]; then
	tap_diag "the VM did not start the batch; booting again:" "$(cat "$work/err")"
	run_batch
	rc=$?
fi
[ -s "$work/log" ] && tap_diag "$(cat "$work/log")"

# Renumber: inner "ok N - d" becomes "ok M - script: d"; a script must end with its plan
# matching its points and exit 0.
cat "$work"/res/*.tap 2>/dev/null | awk -v n="$tap_n" -v cf="$work/n" '
function close_script() {
	if (name == "") return
	if (!exited) { printf "not ok %d - %s: did not finish (VM timeout or crash)\n", ++n, name; f++ }
	else if (plan != pts) { printf "not ok %d - %s: plan 1..%s but %d points\n", ++n, name, plan, pts; f++ }
	else if (status != 0 && !failed) { printf "not ok %d - %s: exit status %s\n", ++n, name, status; f++ }
	else printf "ok %d - %s: complete (%d points, %s s)\n", ++n, name, pts, secs
	name = ""
}
/^# vm-test: / { close_script(); name = $3; pts = 0; plan = ""; failed = 0; exited = 0; next }
/^# vm-exit: / { status = $3; secs = $4; exited = 1; close_script(); next }
/^ok [0-9]+/ { sub(/^ok [0-9]+ *-? */, ""); printf "ok %d - %s: %s\n", ++n, name, $0; pts++; next }
/^not ok [0-9]+/ { sub(/^not ok [0-9]+ *-? */, "");
	printf "not ok %d - %s: %s\n", ++n, name, $0; pts++; failed = 1; f++; next }
/^1\.\.[0-9]+/ { plan = substr($0, 4); next }
/^#/ { print; next }
{ print "# " $0 }
END { close_script(); print n, f + 0 > cf }
'
read -r n f <"$work/n"
tap_n=$n tap_failed=$((tap_failed + f))
# shellcheck disable=SC2086
set -- $tests
ran=$(cat "$work"/res/*.tap 2>/dev/null | grep -c '^# vm-test: ')
if [ "$ran" -eq $# ]; then tap_ok "all $# in-VM test scripts ran"
else tap_fail "$ran of $# in-VM test scripts ran"; fi
case $rc in
0) tap_ok "VM batch exited 0 ($(($(date +%s) - t0)) s wall time, boot included)" ;;
*) tap_fail "VM batch exit status $rc"; tap_diag "$(cat "$work/err")" ;;
esac
tap_done
