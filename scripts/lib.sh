# scripts/lib.sh - shared by scripts/demo and scripts/test: install the
# Debian packages Kiln needs, then build and install it with autotools.
# Sourced, not run.

KILN_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Build and runtime dependencies, the web servers the tests drive, and
# the tools the tests use.  apt-get only when something is missing, so
# a second run is quick.
KILN_PACKAGES="build-essential autoconf automake libtool pkg-config
	libfcgi-dev liblua5.4-dev libsqlite3-dev libxml2-dev libsodium-dev
	libgmime-3.0-dev
	libcmocka-dev libxml2-utils sqlite3 nginx apache2
	libapache2-mod-fcgid curl python3 valgrind tidy chromium
	fonts-wqy-zenhei clang libclang-rt-14-dev libpq-dev postgresql"

kiln_deps() {
	local missing=""
	local p
	for p in $KILN_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "kiln: run as root (sudo) to install:$missing" >&2
		return 1
	fi
	echo "kiln: installing Debian packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# The packages' own init scripts must not grab ports 80/443.
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	apt-get install -y -q --no-install-recommends $missing >/dev/null
	rm -f /usr/sbin/policy-rc.d
}

# configure's exit trap tries "rm -f core" and complains that our core/
# is a directory: harmless, and not worth alarming anyone with.
kiln_quiet_configure() {
	"$@" 2> >(grep -v "cannot remove 'core'" >&2)
}

# kiln_build BUILDDIR PREFIX [configure flags...]: out-of-tree build
# and install.
kiln_build() {
	local build=$1 prefix=$2
	shift 2
	(cd "$KILN_TOP" && autoreconf -fi >/dev/null 2>&1) || {
		echo "kiln: autoreconf failed" >&2; return 1; }
	mkdir -p "$build"
	(cd "$build" &&
		kiln_quiet_configure "$KILN_TOP/configure" \
		    --prefix="$prefix" "$@" >/dev/null &&
		make -j"$(nproc)" >/dev/null &&
		make install >/dev/null) || {
		echo "kiln: build failed in $build" >&2; return 1; }
}
