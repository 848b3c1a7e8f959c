#!/bin/sh
# How the seeds in this directory were made (a developer tool, not run by make check):
# two strongSwan charon-systemd instances in two network namespaces joined by a veth pair
# negotiate IKEv1 (PSK) in several scenarios; charon logs every received datagram and every
# decrypted body (net/enc level 4); isakmp-extract.py cuts them out as binary files.
# The host kernel has no ESP, so CHILD_SA installation fails after Quick Mode: every IKE
# message has been exchanged by then, and the failure adds Informational DELETEs.
# Usage (root): capture.sh OUTDIR
set -eu
out=${1:?usage: capture.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/isakmp-capture.XXXXXX)
A=iskcapA.$$
B=iskcapB.$$

cleanup() {
	for s in A B; do
		[ -f "$W/$s.pid" ] && kill "$(cat "$W/$s.pid")" 2>/dev/null || :
	done
	ip netns del "$A" 2>/dev/null || :
	ip netns del "$B" 2>/dev/null || :
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

ip netns add "$A"
ip netns add "$B"
ip link add iskcva$$ type veth peer name iskcvb$$
ip link set iskcva$$ netns "$A"
ip link set iskcvb$$ netns "$B"
ip -n "$A" addr add 10.99.0.1/24 dev iskcva$$
ip -n "$B" addr add 10.99.0.2/24 dev iskcvb$$
ip -n "$A" addr add fd99::1/64 dev iskcva$$ nodad
ip -n "$B" addr add fd99::2/64 dev iskcvb$$ nodad
for n in "$A" "$B"; do
	ip -n "$n" link set lo up
done
ip -n "$A" link set iskcva$$ up
ip -n "$B" link set iskcvb$$ up

conf() {	# side
	cat <<EOC
charon-systemd {
  load_modular = no
  load = random nonce openssl aes sha1 sha2 hmac kdf gmp pem pkcs1 x509 kernel-netlink socket-default vici
  plugins { vici { socket = unix://$W/$1.vici } }
  install_routes = no
  retransmit_tries = 1
  retransmit_timeout = 1
  journal { default = -1 }
  filelog {
    log {
      path = $W/$1.log
      default = 1
      net = 4
      enc = 4
      time = no
      flush_line = yes
    }
  }
}
swanctl { socket = unix://$W/$1.vici }
EOC
}

# scenario NAME IKE-PROPOSALS(A[:B]) ESP-PROPOSALS(A) ESP-PROPOSALS(B) MODE IDA IDB TSA TSB ADDRA ADDRB [extra]
scenario() {
	name=$1 ike=$2 espa=$3 espb=$4 mode=$5 ida=$6 idb=$7 tsa=$8 tsb=$9 adda=${10} addb=${11}
	extra=${12:-}
	for s in A B; do
		if [ $s = A ]; then me=$adda peer=$addb lid=$ida rid=$idb lts=$tsa rts=$tsb \
		    esp=$espa prop=${ike%%:*}
		else me=$addb peer=$adda lid=$idb rid=$ida lts=$tsb rts=$tsa esp=$espb \
		    prop=${ike#*:}; fi
		conf $s > "$W/$s.conf"
		cat > "$W/$s.swanctl" <<EOC
connections {
  c {
    version = 1
    local_addrs = $me
    remote_addrs = $peer
    proposals = $prop
    $extra
    local {
      auth = psk
      id = $lid
    }
    remote {
      auth = psk
      id = $rid
    }
    children {
      t {
        mode = $mode
        local_ts = $lts
        remote_ts = $rts
        esp_proposals = $esp
      }
    }
  }
}
secrets {
  ike-1 {
    secret = "seed-capture-psk"
  }
}
EOC
		ns=$A; [ $s = B ] && ns=$B
		STRONGSWAN_CONF=$W/$s.conf ip netns exec "$ns" setsid charon-systemd \
		    >/dev/null 2>&1 </dev/null &
		echo $! > "$W/$s.pid"
	done
	for s in A B; do
		i=0
		while [ ! -S "$W/$s.vici" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		ns=$A; [ $s = B ] && ns=$B
		STRONGSWAN_CONF=$W/$s.conf ip netns exec "$ns" swanctl --load-all \
		    --file "$W/$s.swanctl" >/dev/null 2>&1
	done
	STRONGSWAN_CONF=$W/A.conf ip netns exec "$A" timeout 20 swanctl --initiate \
	    --child t >/dev/null 2>&1 || :
	sleep 3
	STRONGSWAN_CONF=$W/A.conf ip netns exec "$A" timeout 10 swanctl --terminate \
	    --ike c >/dev/null 2>&1 || :
	sleep 1
	for s in A B; do
		kill "$(cat "$W/$s.pid")"
		rm -f "$W/$s.pid"
	done
	sleep 0.5
	for s in A B; do
		python3 "$here/isakmp-extract.py" "$W/$s.log" "$out" "$name-$s"
		rm -f "$W/$s.log" "$W/$s.vici"
	done
}

mkdir -p "$out"
# PSK, AES-CBC/SHA2-256, MODP 2048, PFS, transport, address IDs
scenario mm-aes-pfs aes128-sha256-modp2048 aes128-sha256-modp2048 aes128-sha256-modp2048 \
    transport 10.99.0.1 10.99.0.2 dynamic dynamic 10.99.0.1 10.99.0.2
# 3DES/SHA1, MODP 1024, no PFS, tunnel between subnets, several IKE proposals
scenario mm-3des-tunnel aes256-sha512-modp4096,3des-sha1-modp1024 3des-sha1 3des-sha1 \
    tunnel 10.99.0.1 10.99.0.2 10.1.0.0/16 10.2.0.0/24 10.99.0.1 10.99.0.2
# AES-GCM ESP, ECP 256, FQDN and USER_FQDN identities, port/protocol selectors
scenario mm-gcm-fqdn aes256-sha384-ecp256 aes128gcm16-ecp256 aes128gcm16-ecp256 \
    transport a.example.org user@b.example.org 10.99.0.1[tcp/80] 10.99.0.2[tcp] 10.99.0.1 10.99.0.2
# IPv6 addresses and subnets, AH-less ESP null with SHA2-512
scenario mm-v6 aes128-sha1-modp2048 null-sha512 null-sha512 \
    tunnel fd99::1 fd99::2 fd01::/64 fd02::/48 fd99::1 fd99::2
# range selectors, DPD (R-U-THERE) with a short delay, kilobyte lifetimes
scenario mm-range-dpd aes128-sha256-modp2048 aes256-sha256 aes256-sha256 \
    tunnel 10.99.0.1 10.99.0.2 10.3.0.1-10.3.0.9 10.4.0.0/16 10.99.0.1 10.99.0.2 "dpd_delay = 1s"
# proposal mismatch: NO-PROPOSAL-CHOSEN in the clear
scenario qm-mismatch aes128-sha256-modp2048 aes128-sha256 3des-md5 \
    transport 10.99.0.1 10.99.0.2 dynamic dynamic 10.99.0.1 10.99.0.2
scenario mm-mismatch aes128-sha256-modp2048:3des-md5-modp1024 aes128-sha256 aes128-sha256 \
    transport 10.99.0.1 10.99.0.2 dynamic dynamic 10.99.0.1 10.99.0.2
