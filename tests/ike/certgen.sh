#!/bin/sh
# certgen.sh DIR [ADDR_A ADDR_B]: a test PKI made with the openssl CLI, for the certificate
# tests (no key is committed).  In DIR:
#   ca.pem ca.key          "C=CH, O=ipsecpol test, CN=Test Root CA" (RSA 2048)
#   other-ca.pem           "C=CH, O=ipsecpol test, CN=Other Root CA"
#   rsa-a, rsa-b           RSA 2048 hosts, SAN IP ADDR_A / ADDR_B and DNS a.test / b.test
#   ec-a, ec-b             ECDSA P-256 hosts, the same names
#   ec384-a                ECDSA P-384 host A
#   expired                valid 2020-01-01 .. 2021-01-01
#   revoked                listed on crl.pem
#   other-a                host A issued by the other CA
#   noku                   key usage keyEncipherment only
# (.pem certificate, .key private key, mode 0600), crl.pem (Test Root CA's CRL, revoked
# listed), other-crl.pem (the other CA's, empty), cas.pem (both CAs).
set -eu
dir=$1
a=${2:-10.0.0.1}
b=${3:-10.0.0.2}
mkdir -p "$dir"
cd "$dir"
umask 077

cnf() {	# cnf NAME: an openssl ca configuration for CA NAME
	mkdir -p "db-$1"
	: > "db-$1/index.txt"
	echo 1000 > "db-$1/serial"
	echo 1000 > "db-$1/crlnumber"
	cat > "$1.cnf" <<CNF
[ ca ]
default_ca = this
[ this ]
dir = db-$1
database = \$dir/index.txt
serial = \$dir/serial
crlnumber = \$dir/crlnumber
new_certs_dir = \$dir
certificate = $1.pem
private_key = $1.key
default_md = sha256
default_days = 365
default_crl_days = 30
policy = any
unique_subject = no
copy_extensions = none
[ any ]
countryName = optional
organizationName = optional
commonName = supplied
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ host ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = \${ENV::SAN}
[ noku ]
basicConstraints = CA:false
keyUsage = critical, keyEncipherment
subjectAltName = \${ENV::SAN}
CNF
}

mkca() {	# mkca NAME CN
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null
	cnf "$1"
	SAN=IP:127.0.0.1 openssl req -new -x509 -key "$1.key" -days 3650 -sha256 \
	    -subj "/C=CH/O=ipsecpol test/CN=$2" -config "$1.cnf" -extensions v3_ca \
	    -out "$1.pem" 2>/dev/null
}

# mkhost NAME CA KEYALG SAN EXT [STARTDATE ENDDATE]
mkhost() {
	case $3 in
	rsa)	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" ;;
	p256)	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
	p384)	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" ;;
	esac 2>/dev/null
	openssl req -new -key "$1.key" -subj "/C=CH/O=ipsecpol test/CN=$1" -out "$1.csr" \
	    2>/dev/null
	if [ $# -ge 7 ]; then
		SAN=$4 openssl ca -batch -notext -config "$2.cnf" -extensions "$5" \
		    -startdate "$6" -enddate "$7" -in "$1.csr" -out "$1.pem" 2>/dev/null
	else
		SAN=$4 openssl ca -batch -notext -config "$2.cnf" -extensions "$5" \
		    -in "$1.csr" -out "$1.pem" 2>/dev/null
	fi
	rm -f "$1.csr"
}

mkca ca "Test Root CA"
mkca other-ca "Other Root CA"
mkhost rsa-a ca rsa "IP:$a,DNS:a.test" host
mkhost rsa-b ca rsa "IP:$b,DNS:b.test" host
mkhost ec-a ca p256 "IP:$a,DNS:a.test" host
mkhost ec-b ca p256 "IP:$b,DNS:b.test" host
mkhost ec384-a ca p384 "IP:$a,DNS:a.test" host
mkhost expired ca rsa "IP:$a,DNS:a.test" host 20200101000000Z 20210101000000Z
mkhost revoked ca rsa "IP:$a,DNS:a.test" host
mkhost other-a other-ca rsa "IP:$a,DNS:a.test" host
mkhost noku ca rsa "IP:$a,DNS:a.test" noku
SAN=IP:127.0.0.1 openssl ca -config ca.cnf -revoke revoked.pem 2>/dev/null
SAN=IP:127.0.0.1 openssl ca -config ca.cnf -gencrl -out crl.pem 2>/dev/null
SAN=IP:127.0.0.1 openssl ca -config other-ca.cnf -gencrl -out other-crl.pem 2>/dev/null
cat ca.pem other-ca.pem > cas.pem
chmod 600 ./*.key
chmod 644 ./*.pem
