#!/bin/sh
# Runs capture.sh for every known-answer case, inside the VM lab so that the kernel installs
# the ESP SAs and Quick Mode completes (HASH(3) is only sent after the initiator installed
# its SAs).  A development step; the results are turned into tests/ike/kat/*.kat by
# extract.py.
#
# usage (from a configured build directory):
#   $top_srcdir/tests/vm/run-vm -t 600 -r RESULTDIR \
#       sh $top_srcdir/tests/ike/kat/capture-all.sh
#   for d in RESULTDIR/*/; do python3 extract.py "$d" > NAME.kat; done
# With arguments, only the cases of those names run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${IPPVM_OUT:-/tmp/kat-capture}
for m in xfrm_user esp4 veth authenc echainiv seqiv gcm ctr ghash-generic crypto_null \
    des_generic des3_ede sha512_generic md5 cbc aes_generic; do
	modprobe "$m" 2>/dev/null || true
done
# name  IKE proposal  ESP proposal
while read -r name ike esp; do
	if [ $# -gt 0 ]; then
		case " $* " in *" $name "*) ;; *) continue ;; esac
	fi
	sh "$here/capture.sh" "$out/$name" "$ike" "$esp" 2>"$out/$name.err"
	echo "$name: $(tail -1 "$out/$name/initiate.out")"
done <<EOT
mm-aes128-sha1-modp2048-qm-aes128-sha1 aes128-sha1-modp2048 aes128-sha1
mm-aes256-sha1-modp2048-qm-aes256-sha256-pfs aes256-sha1-modp2048 aes256-sha256-modp2048
mm-aes256-sha256-ecp256-qm-aes128gcm16-pfs aes256-sha256-ecp256 aes128gcm16-ecp256
mm-aes192-sha384-ecp384-qm-3des-sha512 aes192-sha384-ecp384 3des-sha512
mm-3des-md5-modp1024-qm-null-sha1 3des-md5-modp1024 null-sha1
mm-aes128-sha512-modp3072-qm-aes256gcm16-pfs aes128-sha512-modp3072 aes256gcm16-modp3072
EOT
