#!/bin/sh
# Captures one IKEv1 exchange between two strongSwan charon instances (Main Mode with a PSK,
# then Quick Mode) with key logging, for the known-answer data of tests/ike/check_v1_keys.
# A development step, not run by `make check`: the committed data is what the test reads.
#
# usage: capture.sh OUTDIR IKE-PROPOSAL ESP-PROPOSAL
#   e.g. capture.sh /tmp/kat-a aes128-sha1-modp2048 aes128-sha1
# Needs root, ip netns, charon-systemd and swanctl (Debian: charon-systemd,
# strongswan-swanctl).  Leaves OUTDIR/init.log and OUTDIR/resp.log (charon's filelog with
# ike=4, chd=4, knl=2, enc=4, net=4).  The kernel need not have ESP: charon logs the Quick
# Mode keys before it installs the SAs.
set -eu
out=$1 ike=$2 esp=$3
psk='kat-preshared-key-0123456789'
a=katA$$ b=katB$$
pids=
# The vici sockets live apart from OUTDIR, which may be a share that cannot hold sockets.
sock=$(mktemp -d /tmp/katsock.XXXXXX)
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	sleep 1
	ip netns del "$a" 2>/dev/null || true
	ip netns del "$b" 2>/dev/null || true
	rm -rf "$sock"
}
trap cleanup EXIT INT TERM
mkdir -p "$out"
rm -f "$out"/*.log
ip netns add "$a"
ip netns add "$b"
ip link add kat0 netns "$a" type veth peer name kat1 netns "$b"
ip -n "$a" addr add 10.231.0.1/24 dev kat0
ip -n "$b" addr add 10.231.0.2/24 dev kat1
ip -n "$a" link set kat0 up; ip -n "$a" link set lo up
ip -n "$b" link set kat1 up; ip -n "$b" link set lo up

conf() {	# name me peer
	cat >"$out/$1.conf" <<EOC
charon-systemd {
	load = random nonce openssl kernel-netlink socket-default vici
	install_routes = no
	plugins {
		vici { socket = unix://$sock/$1.vici }
	}
	journal { default = -1 }
	filelog {
		kat {
			path = $out/$1.log
			default = 1
			ike = 4
			chd = 4
			knl = 2
			enc = 4
			net = 4
			cfg = 2
			flush_line = yes
		}
	}
}
EOC
	cat >"$out/$1.swanctl.conf" <<EOC
connections {
	kat {
		version = 1
		local_addrs = $2
		remote_addrs = $3
		proposals = $ike
		local {
			auth = psk
			id = $2
		}
		remote {
			auth = psk
			id = $3
		}
		children {
			kat {
				mode = transport
				esp_proposals = $esp
			}
		}
	}
}
secrets {
	ike-kat {
		secret = "$psk"
		id-a = 10.231.0.1
		id-b = 10.231.0.2
	}
}
EOC
}
conf init 10.231.0.1 10.231.0.2
conf resp 10.231.0.2 10.231.0.1
STRONGSWAN_CONF=$out/init.conf ip netns exec "$a" /usr/sbin/charon-systemd &
pids="$pids $!"
STRONGSWAN_CONF=$out/resp.conf ip netns exec "$b" /usr/sbin/charon-systemd &
pids="$pids $!"
for s in init resp; do
	i=0
	while [ ! -S "$sock/$s.vici" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
done
swanctl --load-all --file "$out/resp.swanctl.conf" --uri "unix://$sock/resp.vici" 2>/dev/null >/dev/null
swanctl --load-all --file "$out/init.swanctl.conf" --uri "unix://$sock/init.vici" 2>/dev/null >/dev/null
swanctl --initiate --child kat --timeout 150 --uri "unix://$sock/init.vici" >"$out/initiate.out" 2>&1 || true
# Under emulation charon is slow: wait until the responder has taken Quick Mode's third
# message (or, on a kernel without ESP, until the initiator gave up installing its SAs).
i=0
while [ $i -lt 150 ] && ! grep -q 'parsed QUICK_MODE request [0-9]* \[ HASH \]' "$out/resp.log" &&
    ! grep -q 'unable to install' "$out/init.log"; do
	sleep 1
	i=$((i + 1))
done
sleep 2
echo "$psk" >"$out/psk"
echo "$ike $esp" >"$out/proposals"
