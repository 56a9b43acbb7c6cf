# tests/regress/lib.sh - shared by tests/regress/run and tests/regress/valgrind.
#
# Sets up databases, configs and the web servers (nginx -> kiln serve,
# Apache with mod_fcgid and with plain CGI), all on loopback, all under
# one temporary directory, and stops exactly the processes it started.
# Sourced, not run: the caller sets `set -euo pipefail`.

KILN_PREFIX=${KILN_PREFIX:-/opt/kiln}
KILN=${KILN:-$KILN_PREFIX/bin/kiln}
NGINX_PORT=${NGINX_PORT:-18180}
APACHE_PORT=${APACHE_PORT:-18181}
KILN_PORT=${KILN_PORT:-18190}
REGRESS_USER=${REGRESS_USER:-li.wei}
REGRESS_PASSWORD=password123
APACHE_USER=${APACHE_USER:-www-data}
APACHE_MODULES=${APACHE_MODULES:-/usr/lib/apache2/modules}
REGRESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ -x /usr/bin/python3 ]; then
	PY=${PYTHON:-/usr/bin/python3}	# Debian's, standard library only
else
	PY=${PYTHON:-python3}
fi

T=
SUP_PID=
NGINX_PID=
APACHE_PID=

say() { printf '# %s\n' "$*"; }
die() { printf 'Bail out! %s\n' "$*"; exit 2; }

# Install what the suite drives, only when it is missing.
need_packages() {
	local missing=() c p
	for c in nginx:nginx apache2:apache2 curl:curl xmllint:libxml2-utils \
	    tidy:tidy "$@"; do
		p=${c#*:}; c=${c%%:*}
		command -v "$c" >/dev/null 2>&1 || missing+=("$p")
	done
	[ -e "$APACHE_MODULES/mod_fcgid.so" ] ||
	    missing+=(libapache2-mod-fcgid)
	[ -x /usr/bin/python3 ] || command -v python3 >/dev/null ||
	    missing+=(python3)
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	timeout 600 apt-get install -y --no-install-recommends \
	    "${missing[@]}" >/dev/null 2>&1 ||
	    { timeout 300 apt-get update >/dev/null 2>&1 &&
	      timeout 600 apt-get install -y --no-install-recommends \
	      "${missing[@]}" >/dev/null 2>&1; } ||
	    die "could not install ${missing[*]}"
}

port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Wait (bounded) until PORT accepts; fail early if PID died.
wait_port() {
	local port=$1 pid=$2 what=$3 secs=${4:-15} i
	for ((i = 0; i < secs * 10; i++)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null ||
		    { say "$what exited before listening on $port"; return 1; }
		sleep 0.1
	done
	say "$what is not listening on $port after $secs s"
	return 1
}

# TERM, wait up to SECS, then KILL.  Only ever one pid we started.
stop_pid() {
	local pid=$1 secs=${2:-10} i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

children_of() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(awk '{ sub(/.*\) /, ""); print $2 }' "$p/stat" 2>/dev/null)" = "$1" ] &&
		    echo "${p#/proc/}"
	done
	return 0
}

make_tmp() {
	T=$(mktemp -d /tmp/kiln-regress.XXXXXX)
	chmod 755 "$T"		# Apache's and nginx's users pass through
}

# db_for DIR: the database of the installation in DIR: DIR/kiln.db, or
# with KILN_TEST_PG (a cluster of tests/regress/pgcluster) a PostgreSQL
# database of its own there, made at its first mention.
db_for() {
	local dir=$1 name
	if [ -z "${KILN_TEST_PG:-}" ]; then
		echo "$dir/kiln.db"
		return
	fi
	name=k$(printf '%s' "$dir" | md5sum | cut -c1-12)
	if [ ! -e "$dir/.pgdb" ]; then
		mkdir -p "$dir"
		"$REGRESS_DIR/pgcluster" db "$KILN_TEST_PG" "$name" >/dev/null ||
		    die "no PostgreSQL database $name in $KILN_TEST_PG"
		: >"$dir/.pgdb"
	fi
	echo "host=$KILN_TEST_PG user=kiln dbname=$name"
}

# dbq DB [SQL]: SQL (or stdin) on a suite's database, either engine,
# rows printed as the sqlite3 shell prints them (fields split by "|").
dbq() {
	local db=$1
	shift
	case $db in
	postgres://* | postgresql://* | *=*)
		if [ $# -gt 0 ]; then
			psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" -c "$*"
		else
			psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" -f -
		fi ;;
	*)
		sqlite3 "$db" "$@" ;;
	esac
}
export -f dbq

# setup_db DIR: a database with an admin and a sales user; prints the
# sales user's API token into DIR/token, the admin's into DIR/admin_token.
setup_db() {
	local dir=$1 db
	mkdir -p "$dir"
	db=$(db_for "$dir")
	"$KILN" init --db "$db" >"$dir/init.log" 2>&1 ||
	    { cat "$dir/init.log"; die "kiln init --db $db failed"; }
	"$KILN" init --db "$db" >>"$dir/init.log" 2>&1 ||
	    { cat "$dir/init.log"; die "second kiln init (idempotent) failed"; }
	echo "$REGRESS_PASSWORD" | "$KILN" --db "$db" user add admin \
	    --role admin --name "Administrator" >>"$dir/init.log" 2>&1 ||
	    { cat "$dir/init.log"; die "user add admin failed"; }
	echo "$REGRESS_PASSWORD" | "$KILN" --db "$db" user add "$REGRESS_USER" \
	    --role sales --name "Li Wei" --team east >>"$dir/init.log" 2>&1 ||
	    { cat "$dir/init.log"; die "user add $REGRESS_USER failed"; }
	"$KILN" --db "$db" user token "$REGRESS_USER" >"$dir/token" \
	    2>>"$dir/init.log" ||
	    { cat "$dir/init.log"; die "user token failed"; }
	[ "$(wc -l <"$dir/token")" -eq 1 ] && [ -s "$dir/token" ] ||
	    die "kiln user token did not print one line: $(cat "$dir/token")"
	# The ERP's: an administrator reads every order and the feed.
	"$KILN" --db "$db" user token admin >"$dir/admin_token" \
	    2>>"$dir/init.log" ||
	    { cat "$dir/init.log"; die "user token admin failed"; }
}

# write_conf FILE DB [RULES]
write_conf() {
	local file=$1 db=$2 rules=${3:-}
	{
		echo "# written by tests/regress"
		echo "db = $db"
		echo "plugins = $KILN_PREFIX/lib/kiln/plugins"
		[ -n "$rules" ] && echo "rules = $rules"
		echo "www = $KILN_PREFIX/share/kiln/www"
		echo "static_url = /kiln-static"
		echo "currency = CNY"
		echo "listen = 127.0.0.1:$KILN_PORT"
		echo "workers = 2"
		echo "max_requests = 10000"
		echo "max_body = 1048576"
		echo "session_idle = 1800"
		echo "session_max = 43200"
		echo "trust_remote_user = no"
		echo "company_name = Regress <Test> & Co."
		echo "company_address = 1 Test Road | Ningbo"
		echo "company_logo = /kiln-static/favicon.svg"
		echo "web_requests = yes"
	} >"$file"
}

# start_kiln_serve [WRAPPER...]: kiln serve for the nginx target.
start_kiln_serve() {
	local dir=$T/nginx-target
	mkdir -p "$dir"
	setup_db "$dir"
	cp -r "$KILN_PREFIX/share/kiln/lua" "$dir/rules"
	write_conf "$dir/kiln.conf" "$(db_for "$dir")" "$dir/rules"
	port_free "$KILN_PORT" || die "port $KILN_PORT is in use"
	"$@" "$KILN" --config "$dir/kiln.conf" --db "$(db_for "$dir")" serve \
	    --listen "127.0.0.1:$KILN_PORT" --workers 2 \
	    >"$T/kiln-serve.log" 2>&1 &
	SUP_PID=$!
}

# start_nginx: nginx in front of kiln serve under /crm (KILN_PASS, the
# fastcgi_pass address, 127.0.0.1:$KILN_PORT by default).  NGINX_EXTRA,
# when set, is more configuration for the same server block (another
# location, say); NGINX_HTTP_EXTRA for the http block (an upstream, a
# log format); empty by default.
start_nginx() {
	local n=$T/nginx
	mkdir -p "$n/tmp"
	port_free "$NGINX_PORT" || die "port $NGINX_PORT is in use"
	cat >"$n/nginx.conf" <<EOF
# tests/regress: nginx in front of kiln serve, Kiln under /crm.
daemon off;
worker_processes 1;
user www-data;
pid $n/nginx.pid;
error_log $n/error.log info;
events { worker_connections 256; }
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log $n/access.log;
${NGINX_HTTP_EXTRA:-}
	client_body_temp_path $n/tmp/body;
	fastcgi_temp_path $n/tmp/fastcgi;
	proxy_temp_path $n/tmp/proxy;
	uwsgi_temp_path $n/tmp/uwsgi;
	scgi_temp_path $n/tmp/scgi;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		server_name localhost;
		location /kiln-static/ {
			alias $KILN_PREFIX/share/kiln/www/;
		}
		location = /crm { return 301 /crm/; }
		location /crm/ {
			# Kiln, not nginx, must answer 413 for its max_body.
			client_max_body_size 32m;
			fastcgi_split_path_info ^(/crm)(/.*)\$;
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_NAME \$fastcgi_script_name;
			fastcgi_param PATH_INFO \$fastcgi_path_info;
			fastcgi_param KILN_CONFIG $T/nginx-target/kiln.conf;
			fastcgi_pass ${KILN_PASS:-127.0.0.1:$KILN_PORT};
			fastcgi_read_timeout ${NGINX_READ_TIMEOUT:-60}s;
		}
${NGINX_EXTRA:-}
	}
}
EOF
	nginx -t -p "$n" -c "$n/nginx.conf" -e "$n/error.log" >"$n/t.log" 2>&1 ||
	    { cat "$n/t.log"; die "nginx -t failed"; }
	nginx -p "$n" -c "$n/nginx.conf" -e "$n/error.log" >>"$n/t.log" 2>&1 &
	NGINX_PID=$!
}

start_apache() {
	local a=$T/apache m=$APACHE_MODULES mod
	mkdir -p "$a/conf" "$a/logs" "$a/run" "$a/htdocs/acme" "$a/data"
	port_free "$APACHE_PORT" || die "port $APACHE_PORT is in use"
	setup_db "$a/data"
	# Shared hosting: the binary copied (not linked: /proc/self/exe
	# would lead back to the installed one) beside its kiln.conf.
	cp "$KILN" "$a/htdocs/acme/kiln.fcgi"
	cp "$KILN" "$a/htdocs/acme/kiln.cgi"
	chmod 755 "$a/htdocs/acme/kiln.fcgi" "$a/htdocs/acme/kiln.cgi"
	# An administrator's own rules directory, as api.md allows: the
	# rule tests drop files into it.
	cp -r "$KILN_PREFIX/share/kiln/lua" "$a/data/rules"
	write_conf "$a/htdocs/acme/kiln.conf" "$(db_for "$a/data")" "$a/data/rules"
	chown -R "$APACHE_USER:" "$a/data"
	# LoadModule lines for what is not compiled in (Debian builds
	# log_config and unixd into the binary).
	local builtin loads=
	builtin=$(apache2 -l 2>/dev/null || true)
	for mod in mpm_event authz_core mime fcgid cgid env setenvif alias \
	    dir log_config unixd; do
		case "$builtin" in *"mod_$mod.c"*) continue;; esac
		[ -e "$m/mod_$mod.so" ] || die "no $m/mod_$mod.so"
		loads+="LoadModule ${mod}_module $m/mod_$mod.so"$'\n'
	done
	cat >"$a/conf/httpd.conf" <<EOF
# tests/regress: Apache with Kiln as mod_fcgid and as plain CGI,
# shared-hosting style under /~acme/.
ServerRoot "$a"
ServerName 127.0.0.1
Listen 127.0.0.1:$APACHE_PORT
PidFile "$a/run/httpd.pid"
DefaultRuntimeDir "$a/run"
Mutex file:$a/run default
ErrorLog "$a/logs/error.log"
LogLevel info
$loads
User $APACHE_USER
Group #$(id -g "$APACHE_USER")
StartServers 1
ServerLimit 2
ThreadsPerChild 25
MinSpareThreads 25
MaxSpareThreads 50
MaxRequestWorkers 50
Timeout ${APACHE_TIMEOUT:-60}
TypesConfig /etc/mime.types
LogFormat "%h %l %u %t \"%r\" %>s %b %D" timed
CustomLog "$a/logs/access.log" timed
LimitRequestBody 33554432
DocumentRoot "$a/htdocs"
<Directory />
	AllowOverride None
	Require all denied
</Directory>
<Directory "$a/htdocs">
	Require all granted
</Directory>
Alias /kiln-static/ "$KILN_PREFIX/share/kiln/www/"
<Directory "$KILN_PREFIX/share/kiln/www">
	Require all granted
</Directory>

ScriptSock "$a/run/cgid.sock"
CGIDScriptTimeout ${APACHE_TIMEOUT:-60}
FcgidIPCDir "$a/fcgid"
FcgidProcessTableFile "$a/run/fcgid_shm"
FcgidMaxProcessesPerClass 2
FcgidMinProcessesPerClass 0
FcgidMaxRequestLen 33554432
FcgidIOTimeout ${APACHE_TIMEOUT:-60}
FcgidConnectTimeout 10

Alias /~acme/ "$a/htdocs/acme/"
<Directory "$a/htdocs/acme">
	Options +ExecCGI
	AllowOverride None
	Require all granted
	# Let Kiln see "Authorization: Bearer ..." (Apache >= 2.4.13).
	CGIPassAuth On
	<Files "kiln.fcgi">
		SetHandler fcgid-script
	</Files>
	<Files "kiln.cgi">
		SetHandler cgi-script
	</Files>
	<FilesMatch "\.(db|db-wal|db-shm|conf)$">
		Require all denied
	</FilesMatch>
</Directory>
EOF
	apache2 -t -f "$a/conf/httpd.conf" >"$a/logs/t.log" 2>&1 ||
	    { cat "$a/logs/t.log"; die "apache2 -t failed"; }
	apache2 -f "$a/conf/httpd.conf" -DFOREGROUND >>"$a/logs/t.log" 2>&1 &
	APACHE_PID=$!
}

# Processes running a file of ours (the kiln.fcgi copies), by /proc.
pids_running() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
	done
	return 0
}

stop_all() {
	local kids p
	if [ -n "$NGINX_PID" ]; then
		stop_pid "$NGINX_PID" 10
		NGINX_PID=
	fi
	if [ -n "$SUP_PID" ]; then
		kids=$(children_of "$SUP_PID")
		stop_pid "$SUP_PID" "${KILN_STOP_SECS:-15}"
		for p in $kids; do	# workers of ours the supervisor left
			kill -KILL "$p" 2>/dev/null || true
		done
		SUP_PID=
	fi
	if [ -n "$APACHE_PID" ]; then
		stop_pid "$APACHE_PID" 15
		APACHE_PID=
		for p in $(pids_running "$T/apache/htdocs/acme/kiln.fcgi") \
		    $(pids_running "$T/apache/htdocs/acme/kiln.cgi"); do
			kill -KILL "$p" 2>/dev/null || true
		done
	fi
	return 0
}

show_logs() {
	local f
	for f in "$T/kiln-serve.log" "$T/nginx/error.log" \
	    "$T/apache/logs/error.log"; do
		[ -s "$f" ] || continue
		say "---- last lines of $f"
		tail -n "${LOG_LINES:-40}" "$f" | sed 's/^/#   /'
	done
}
