# slapd.sh: a private, throw-away slapd for the directory tests.  Source it after tap.sh.
#
#   slapd_start [tls]  builds a cn=config (slapadd -n0) that loads back_mdb, the core and
#                      cosine schemas of the slapd package and schema/ipsecpol.schema, an
#                      mdb database for $SLAPD_BASE, and starts Debian's slapd binary
#                      directly (never the system service, never /etc/ldap/slapd.d) on
#                      127.0.0.1 at a free port and on an ldapi:// socket in a temp dir.
#                      With "tls" it also makes a test CA and a server certificate with
#                      openssl and listens for ldaps:// (StartTLS works on ldap:// too).
#   slapd_stop         SIGTERM, waits; slapd_kill: SIGKILL (a dead directory).
#   slapd_pause        SIGSTOP (a hanging directory: connects, never answers);
#   slapd_resume       SIGCONT.
#   slapd_restart      stop and start again with the same config, data and ports.
#   slapd_add FILE     ldapadd FILE as the root DN.  slapd_modify FILE: ldapmodify.
#   slapd_dump         every entry under the base with its user attributes, sorted
#                      (to compare the directory before and after a write).
#   slapd_searches     how many SRCH operations the server has logged so far.
#
# Everything it makes is under $SLAPD_DIR and is removed on exit (tap_cleanup).
# Variables it sets: SLAPD_URI (ldap://127.0.0.1:PORT), SLAPD_LDAPS_URI, SLAPD_LDAPI_URI,
# SLAPD_BASE, SLAPD_ROOTDN, SLAPD_ROOTPW_FILE (no trailing newline), SLAPD_READER_DN and
# SLAPD_READER_PW_FILE (a plain user that may read), SLAPD_CA, SLAPD_WRONG_CA (a second CA
# that signed nothing this server shows), SLAPD_LOG (the stats log), SLAPD_PID.
# The client tools read no system or user LDAP configuration: LDAPCONF and LDAPRC point
# into $SLAPD_DIR.
SLAPD_BIN=${SLAPD_BIN:-/usr/sbin/slapd}
SLAPD_SCHEMADIR=${SLAPD_SCHEMADIR:-/etc/ldap/schema}
SLAPD_MODULEDIR=${SLAPD_MODULEDIR:-/usr/lib/ldap}
SLAPD_BASE=${SLAPD_BASE:-dc=example,dc=test}
SLAPD_ROOTDN="cn=admin,$SLAPD_BASE"
SLAPD_READER_DN="cn=reader,$SLAPD_BASE"

for _s in "$SLAPD_BIN" /usr/sbin/slapadd /usr/bin/ldapsearch /usr/bin/ldapadd; do
	[ -x "$_s" ] || tap_skip_all "$_s is missing (Debian packages slapd, ldap-utils)"
done
[ -r "$SLAPD_SCHEMADIR/core.ldif" ] ||
	tap_skip_all "$SLAPD_SCHEMADIR/core.ldif is missing (Debian package slapd)"
[ -r "$SLAPD_MODULEDIR/back_mdb.so" ] ||
	tap_skip_all "$SLAPD_MODULEDIR/back_mdb.so is missing (Debian package slapd)"

SLAPD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ipsecpol-slapd.XXXXXX") || exit 1
tap_cleanup "slapd_cleanup"
LDAPCONF=$SLAPD_DIR/ldap.conf
LDAPRC=ipsecpol-test-no-ldaprc
export LDAPCONF LDAPRC
: > "$LDAPCONF"
SLAPD_PID=
SLAPD_LOG=$SLAPD_DIR/slapd.log
SLAPD_ROOTPW_FILE=$SLAPD_DIR/rootpw
SLAPD_READER_PW_FILE=$SLAPD_DIR/readerpw
SLAPD_CA=$SLAPD_DIR/ca.pem
SLAPD_WRONG_CA=$SLAPD_DIR/wrong-ca.pem
SLAPD_TLS=

# A port nobody listens on now.  Another process may still take it before slapd does;
# slapd_start then fails to bind and tries another.
slapd_free_port() {
	while :; do
		_p=$(( ($(od -An -N2 -tu2 /dev/urandom) % 30000) + 20000 ))
		ss -Hltn "sport = :$_p" 2>/dev/null | grep -q . || { echo "$_p"; return; }
	done
}

slapd_mkca() {	# DIR NAME: a self-signed CA in DIR/NAME.pem, its key in DIR/NAME.key
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ipsecpol test $2" \
	    -keyout "$1/$2.key" -out "$1/$2.pem" >/dev/null 2>&1
}

slapd_mkcerts() {
	_d=$SLAPD_DIR/tls
	mkdir -p "$_d" && slapd_mkca "$_d" ca && slapd_mkca "$_d" wrong-ca || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
	    -keyout "$_d/server.key" -out "$_d/server.csr" >/dev/null 2>&1 || return 1
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' \
	    > "$_d/ext"
	openssl x509 -req -in "$_d/server.csr" -CA "$_d/ca.pem" -CAkey "$_d/ca.key" \
	    -CAcreateserial -days 2 -extfile "$_d/ext" -out "$_d/server.pem" >/dev/null 2>&1 ||
		return 1
	cp "$_d/ca.pem" "$SLAPD_CA" && cp "$_d/wrong-ca.pem" "$SLAPD_WRONG_CA"
}

slapd_config_ldif() {
	_peer="gidNumber=$(id -g)+uidNumber=$(id -u),cn=peercred,cn=external,cn=auth"
	cat <<EOF
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $SLAPD_DIR/slapd.pid
olcArgsFile: $SLAPD_DIR/slapd.args
olcLogLevel: stats
EOF
	if [ -n "$SLAPD_TLS" ]; then
		cat <<EOF
olcTLSCACertificateFile: $SLAPD_DIR/tls/ca.pem
olcTLSCertificateFile: $SLAPD_DIR/tls/server.pem
olcTLSCertificateKeyFile: $SLAPD_DIR/tls/server.key
EOF
	fi
	cat <<EOF

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: $SLAPD_MODULEDIR
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

EOF
	for _s in core cosine; do
		grep -v '^#' "$SLAPD_SCHEMADIR/$_s.ldif"; echo
	done
	awk -v name=ipsecpol -f "$top_srcdir/schema/schema2ldif.awk" \
	    "$top_srcdir/schema/ipsecpol.schema"
	cat <<EOF

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: unlimited

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcRootDN: $_peer

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: $SLAPD_BASE
olcDbDirectory: $SLAPD_DIR/db
olcDbMaxSize: 1073741824
olcRootDN: $SLAPD_ROOTDN
olcRootPW: $(cat "$SLAPD_ROOTPW_FILE")
olcLimits: * size=unlimited time=unlimited
olcDbIndex: objectClass eq
olcDbIndex: cn eq
olcDbIndex: ipsecpolID eq
olcDbIndex: ipsecpolName eq
olcDbIndex: ipsecpolOwner eq
olcDbIndex: ipsecpolAssignedPolicy eq
olcAccess: to attrs=userPassword by anonymous auth by * none
olcAccess: to * by dn.exact="$_peer" manage by users read by anonymous read
EOF
}

slapd_base_ldif() {
	_dc=${SLAPD_BASE%%,*}; _dc=${_dc#dc=}
	cat <<EOF
dn: $SLAPD_BASE
objectClass: dcObject
objectClass: organization
dc: $_dc
o: ipsecpol test directory

dn: $SLAPD_READER_DN
objectClass: applicationProcess
objectClass: simpleSecurityObject
cn: reader
userPassword: $(cat "$SLAPD_READER_PW_FILE")
EOF
}

slapd_build() {
	mkdir -p "$SLAPD_DIR/slapd.d" "$SLAPD_DIR/db" || return 1
	printf 'secret-%s' "$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')" > "$SLAPD_ROOTPW_FILE"
	printf 'reader-%s' "$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')" > "$SLAPD_READER_PW_FILE"
	chmod 600 "$SLAPD_ROOTPW_FILE" "$SLAPD_READER_PW_FILE"
	if [ -n "$SLAPD_TLS" ]; then
		slapd_mkcerts || { tap_diag "openssl could not make the test certificates"; return 1; }
		printf 'TLS_CACERT %s\nTLS_REQCERT demand\n' "$SLAPD_CA" > "$LDAPCONF"
	fi
	slapd_config_ldif > "$SLAPD_DIR/config.ldif"
	slapd_base_ldif > "$SLAPD_DIR/base.ldif"
	/usr/sbin/slapadd -F "$SLAPD_DIR/slapd.d" -n0 -l "$SLAPD_DIR/config.ldif" \
	    > "$SLAPD_DIR/slapadd.log" 2>&1 &&
	/usr/sbin/slapadd -F "$SLAPD_DIR/slapd.d" -n1 -l "$SLAPD_DIR/base.ldif" \
	    >> "$SLAPD_DIR/slapadd.log" 2>&1 ||
		{ tap_diag "slapadd failed:" "$(cat "$SLAPD_DIR/slapadd.log")"; return 1; }
}

slapd_ping() {	# true once the server answers a root DSE search
	ldapsearch -x -H "$SLAPD_URI" -o nettimeout=1 -l 1 -b "" -s base \
	    "(objectClass=*)" namingContexts >/dev/null 2>&1
}

slapd_run() {	# starts slapd on the ports already chosen; waits up to 10 s for it
	_urls="$SLAPD_URI/ $SLAPD_LDAPI_URI/"
	[ -n "$SLAPD_TLS" ] && _urls="$_urls $SLAPD_LDAPS_URI/"
	"$SLAPD_BIN" -F "$SLAPD_DIR/slapd.d" -h "$_urls" -d stats >> "$SLAPD_LOG" 2>&1 &
	SLAPD_PID=$!
	_deadline=$(( $(date +%s) + 10 ))
	while [ "$(date +%s)" -lt "$_deadline" ]; do
		slapd_ping && return 0
		kill -0 "$SLAPD_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$SLAPD_PID" 2>/dev/null; wait "$SLAPD_PID" 2>/dev/null
	SLAPD_PID=
	return 1
}

slapd_start() {
	[ "$1" = tls ] && SLAPD_TLS=1
	slapd_build || return 1
	SLAPD_LDAPI_URI="ldapi://$(printf '%s' "$SLAPD_DIR/ldapi" | sed 's,/,%2F,g')"
	for _try in 1 2 3 4 5; do
		SLAPD_PORT=$(slapd_free_port)
		SLAPD_URI="ldap://127.0.0.1:$SLAPD_PORT"
		SLAPD_TLS_PORT=$(slapd_free_port)
		SLAPD_LDAPS_URI="ldaps://127.0.0.1:$SLAPD_TLS_PORT"
		slapd_run && return 0
	done
	tap_diag "slapd did not start:" "$(tail -20 "$SLAPD_LOG")"
	return 1
}

slapd_stop() {
	[ -n "$SLAPD_PID" ] || return 0
	kill -CONT "$SLAPD_PID" 2>/dev/null
	kill -TERM "$SLAPD_PID" 2>/dev/null
	for _i in $(seq 100); do
		kill -0 "$SLAPD_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$SLAPD_PID" 2>/dev/null
	wait "$SLAPD_PID" 2>/dev/null
	SLAPD_PID=
}

slapd_kill() {
	[ -n "$SLAPD_PID" ] || return 0
	kill -9 "$SLAPD_PID" 2>/dev/null
	wait "$SLAPD_PID" 2>/dev/null
	SLAPD_PID=
}

slapd_pause() { kill -STOP "$SLAPD_PID"; }
slapd_resume() { kill -CONT "$SLAPD_PID"; }
slapd_restart() { slapd_stop; slapd_run; }

slapd_cleanup() {
	slapd_stop
	rm -rf "$SLAPD_DIR"
}

slapd_add() {
	ldapadd -x -H "$SLAPD_URI" -D "$SLAPD_ROOTDN" -y "$SLAPD_ROOTPW_FILE" -f "$1"
}

slapd_modify() {
	ldapmodify -x -H "$SLAPD_URI" -D "$SLAPD_ROOTDN" -y "$SLAPD_ROOTPW_FILE" -f "$1"
}

# One line per attribute value, "DN<tab>attr: value", sorted: equal dumps mean equal
# content whatever order the server returns entries in.
slapd_dump() {
	ldapsearch -x -LLL -o ldif-wrap=no -H "$SLAPD_URI" -D "$SLAPD_ROOTDN" \
	    -y "$SLAPD_ROOTPW_FILE" -b "$SLAPD_BASE" "(objectClass=*)" '*' |
	awk '/^dn:/ { dn = $0; next } /^$/ { next } { print dn "\t" $0 }' | LC_ALL=C sort
}

slapd_searches() { grep -c ' SRCH base=' "$SLAPD_LOG"; }

# Replication (syncrepl).  The server above is the provider; a second slapd replicates it.
#
#   slapd_provider_enable   loads syncprov into the running server and puts the overlay
#                           on its database (cn=config over ldapi://, SASL EXTERNAL).
#   slapd_consumer_start    builds and starts the consumer: the same schemas and ACLs, an
#                           mdb database of its own that replicates $SLAPD_BASE from
#                           $SLAPD_URI (refreshAndPersist, bound as the provider's root DN)
#                           and refers writes to the provider (olcUpdateRef).  Its root DN
#                           has no password: no client can write there.
#   slapd_consumer_synced   true when the consumer's contextCSN equals the provider's.
#   slapd_consumer_stop     SIGTERM, waits.
# Variables: SLAPD_CONSUMER_URI, SLAPD_CONSUMER_DIR, SLAPD_CONSUMER_LOG, SLAPD_CONSUMER_PID.
# The consumer lives under $SLAPD_DIR; it is stopped and removed on exit like the provider.
SLAPD_CONSUMER_DIR=$SLAPD_DIR/consumer
SLAPD_CONSUMER_LOG=$SLAPD_CONSUMER_DIR/slapd.log
SLAPD_CONSUMER_PID=

slapd_provider_enable() {
	cat >"$SLAPD_DIR/syncprov.ldif" <<EOS
dn: cn=module{0},cn=config
changetype: modify
add: olcModuleLoad
olcModuleLoad: syncprov

dn: olcOverlay=syncprov,olcDatabase={1}mdb,cn=config
changetype: add
objectClass: olcOverlayConfig
objectClass: olcSyncProvConfig
olcOverlay: syncprov
EOS
	ldapmodify -Q -Y EXTERNAL -H "$SLAPD_LDAPI_URI" -f "$SLAPD_DIR/syncprov.ldif" \
	    >"$SLAPD_DIR/syncprov.out" 2>&1 ||
		{ tap_diag "cannot enable syncprov:" "$(cat "$SLAPD_DIR/syncprov.out")"; return 1; }
}

# The provider's configuration with the consumer's paths, a root DN without password, and
# the syncrepl settings.  It holds the provider's root password: written 0600.
slapd_consumer_ldif() {
	_save_dir=$SLAPD_DIR _save_tls=$SLAPD_TLS
	SLAPD_DIR=$SLAPD_CONSUMER_DIR SLAPD_TLS=
	slapd_config_ldif | sed -e '/^olcRootPW:/d' \
	    -e "s|^olcRootDN: $SLAPD_ROOTDN\$|olcRootDN: cn=replica,$SLAPD_BASE|"
	SLAPD_DIR=$_save_dir SLAPD_TLS=$_save_tls
	cat <<EOS
olcSyncrepl: rid=001 provider=$SLAPD_URI bindmethod=simple binddn="$SLAPD_ROOTDN"
  credentials="$(cat "$SLAPD_ROOTPW_FILE")" searchbase="$SLAPD_BASE"
  type=refreshAndPersist retry="1 +" timeout=3 network-timeout=3
olcUpdateRef: $SLAPD_URI
EOS
}

slapd_consumer_ping() {
	ldapsearch -x -H "$SLAPD_CONSUMER_URI" -o nettimeout=1 -l 1 -b "" -s base \
	    "(objectClass=*)" namingContexts >/dev/null 2>&1
}

slapd_consumer_run() {	# as slapd_run, for the consumer
	"$SLAPD_BIN" -F "$SLAPD_CONSUMER_DIR/slapd.d" -h "$SLAPD_CONSUMER_URI/" -d stats \
	    >> "$SLAPD_CONSUMER_LOG" 2>&1 &
	SLAPD_CONSUMER_PID=$!
	_deadline=$(( $(date +%s) + 10 ))
	while [ "$(date +%s)" -lt "$_deadline" ]; do
		slapd_consumer_ping && return 0
		kill -0 "$SLAPD_CONSUMER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$SLAPD_CONSUMER_PID" 2>/dev/null; wait "$SLAPD_CONSUMER_PID" 2>/dev/null
	SLAPD_CONSUMER_PID=
	return 1
}

slapd_consumer_start() {
	mkdir -p "$SLAPD_CONSUMER_DIR/slapd.d" "$SLAPD_CONSUMER_DIR/db" || return 1
	chmod 700 "$SLAPD_CONSUMER_DIR"
	(umask 077; slapd_consumer_ldif > "$SLAPD_CONSUMER_DIR/config.ldif")
	/usr/sbin/slapadd -F "$SLAPD_CONSUMER_DIR/slapd.d" -n0 \
	    -l "$SLAPD_CONSUMER_DIR/config.ldif" > "$SLAPD_CONSUMER_DIR/slapadd.log" 2>&1 ||
		{ tap_diag "slapadd (consumer) failed:" \
		    "$(cat "$SLAPD_CONSUMER_DIR/slapadd.log")"; return 1; }
	tap_cleanup "slapd_consumer_stop"
	for _try in 1 2 3 4 5; do
		SLAPD_CONSUMER_URI="ldap://127.0.0.1:$(slapd_free_port)"
		slapd_consumer_run && return 0
	done
	tap_diag "the consumer slapd did not start:" "$(tail -20 "$SLAPD_CONSUMER_LOG")"
	return 1
}

slapd_consumer_stop() {
	[ -n "$SLAPD_CONSUMER_PID" ] || return 0
	kill -TERM "$SLAPD_CONSUMER_PID" 2>/dev/null
	for _i in $(seq 100); do
		kill -0 "$SLAPD_CONSUMER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$SLAPD_CONSUMER_PID" 2>/dev/null
	wait "$SLAPD_CONSUMER_PID" 2>/dev/null
	SLAPD_CONSUMER_PID=
}

slapd_context_csn() {	# URI: the contextCSN values of the base entry, sorted (anonymous)
	ldapsearch -x -LLL -o ldif-wrap=no -H "$1" -b "$SLAPD_BASE" -s base \
	    "(objectClass=*)" contextCSN |
	sed -n 's/^contextCSN: //p' | LC_ALL=C sort
}

slapd_consumer_synced() {
	_p=$(slapd_context_csn "$SLAPD_URI") && [ -n "$_p" ] &&
	[ "$_p" = "$(slapd_context_csn "$SLAPD_CONSUMER_URI")" ]
}
