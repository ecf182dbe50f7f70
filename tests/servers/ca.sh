#!/bin/sh
# Generate the test PKI used by the IMAP/OAuth2 test servers.
#
# Usage: tests/servers/ca.sh DIR
#
# Creates in DIR (skipped entirely when DIR/ca.pem already exists):
#   ca.pem, ca.key               test CA (trust this one in the tests)
#   server.pem, server.key       "localhost" (SAN DNS:localhost, IP:127.0.0.1), signed by ca
#   server-chain.pem             server.pem followed by ca.pem
#   expired.pem, expired.key     "localhost", signed by ca, validity 2020-01-01..2021-01-01
#   wrong.pem, wrong.key         "wrong.example" (no localhost / 127.0.0.1 SAN), signed by ca
#   other-ca.pem, other-ca.key   a second CA that the tests must NOT trust
#   untrusted.pem, untrusted.key "localhost" (same SANs as server), signed by other-ca
# All keys are EC P-256.
set -eu

dir=${1:?usage: $0 DIR}
mkdir -p "$dir"
[ -f "$dir/ca.pem" ] && exit 0

# Parallel callers sharing DIR: one generates, the others wait for it.
n=0
until mkdir "$dir/.lock" 2>/dev/null; do
	n=$((n + 1))
	[ $n -lt 300 ] || { echo "ca.sh: stale lock $dir/.lock" >&2; exit 1; }
	sleep 0.1
done
work=
trap 'rm -rf "$work" "$dir/.lock"' EXIT
trap 'exit 1' HUP INT TERM
[ -f "$dir/ca.pem" ] && exit 0

work=$(mktemp -d "$dir/.ca-work.XXXXXX")
umask 077
# Everything is built in $out and moved into DIR at the end, ca.pem last,
# so an interrupted run never leaves a half-made DIR that looks complete.
out=$work/out
mkdir "$out"

cat > "$work/ext.cnf" <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[localhost]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost, IP:127.0.0.1

[wrong]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:wrong.example
CNF

# Minimal "openssl ca" setup, only needed for the expired certificate:
# "openssl x509 -req" in OpenSSL 3.0 cannot set a start date in the past.
mkdir "$work/db"
: > "$work/db/index.txt"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test_ca

[test_ca]
dir = $work/db
database = \$dir/index.txt
new_certs_dir = \$dir
rand_serial = yes
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none

[policy_any]
organizationName = optional
commonName = supplied
CNF

key() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out "$out/$1.key" 2>/dev/null
}

# new_ca NAME CN
new_ca() {
	key "$1"
	openssl req -new -x509 -key "$out/$1.key" -out "$out/$1.pem" \
		-subj "/O=aanmeld tests/CN=$2" -days 3650 -sha256 \
		-config "$work/ext.cnf" -extensions ca 2>/dev/null
}

# new_cert NAME CN SECTION CA
new_cert() {
	key "$1"
	openssl req -new -key "$out/$1.key" -subj "/O=aanmeld tests/CN=$2" \
		-out "$work/$1.csr" 2>/dev/null
	openssl x509 -req -in "$work/$1.csr" -CA "$out/$4.pem" \
		-CAkey "$out/$4.key" -CAcreateserial -CAserial "$work/$4.srl" \
		-days 3650 -sha256 -extfile "$work/ext.cnf" -extensions "$3" \
		-out "$out/$1.pem" 2>/dev/null
}

new_ca ca "aanmeld test CA"
new_ca other-ca "aanmeld untrusted test CA"
new_cert server localhost localhost ca
new_cert wrong wrong.example wrong ca
new_cert untrusted localhost localhost other-ca

key expired
openssl req -new -key "$out/expired.key" -subj "/O=aanmeld tests/CN=localhost" \
	-out "$work/expired.csr" 2>/dev/null
openssl ca -batch -notext -config "$work/ca.cnf" -cert "$out/ca.pem" \
	-keyfile "$out/ca.key" -in "$work/expired.csr" -out "$out/expired.pem" \
	-startdate 20200101000000Z -enddate 20210101000000Z \
	-extfile "$work/ext.cnf" -extensions localhost 2>/dev/null

cat "$out/server.pem" "$out/ca.pem" > "$out/server-chain.pem"
chmod 644 "$out"/*.pem
for f in "$out"/*; do
	[ "$f" = "$out/ca.pem" ] || mv -f "$f" "$dir/"
done
mv -f "$out/ca.pem" "$dir/ca.pem"
