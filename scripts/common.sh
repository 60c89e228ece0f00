# Shared by the scripts that run mpp and Prometheus on this machine; sourced from the repository's root.
# Only loopback addresses are used.

# Debian keeps nginx and other daemons in /usr/sbin, which a user's PATH lacks.
PATH="$PATH:/usr/sbin:/sbin"

say() { printf '%s\n' "$(basename "$0"): $*" >&2; }

# Installs the Debian packages of the commands that are not there. Arguments: command, or command:package.
install_missing() {
  local need=() spec
  for spec in "$@"; do command -v "${spec%%:*}" >/dev/null 2>&1 || need+=("${spec#*:}"); done
  [ ${#need[@]} -eq 0 ] && return 0
  say "installing the Debian packages: ${need[*]}"
  local sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# Builds target/mpp.jar when it is missing or older than a source.
build_jar() {
  if [ ! -f target/mpp.jar ] || [ -n "$(find src pom.xml config.yml -newer target/mpp.jar -print -quit)" ]; then
    say "building target/mpp.jar"
    mvn -q -B package -DskipTests
  fi
}

# A free loopback port: bind to port 0 and read what the kernel gave (then release it).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
picked=" "
# Sets the variable named $1 to the first loopback port from $2 on that is free and not picked for another role.
pick_port() {
  local p=$2
  while ! port_free "$p" || [[ "$picked" == *" $p "* ]]; do p=$((p + 1)); done
  picked+="$p "
  printf -v "$1" '%s' "$p"
}

# Runs the script's own function 'cleanup' when the script ends, and ends the script after it on Ctrl-C or SIGTERM:
# a trap that only ran it would let the script go on with its next command.
cleanup_at_exit() {
  trap 'cleanup; exit 130' INT
  trap 'cleanup; exit 143' TERM
  trap cleanup EXIT
}

# Arguments for env(1) that drop the caller's variables which would point mpp at other hosts (Marathon, DC/OS,
# Kubernetes); the ones that tune it stay.
without_discovery() {
  compgen -e | grep -E '^(MPP_MARATHON_|MPP_KUBE|DCOS_SERVICE_ACCOUNT_CREDENTIAL$)' | sed 's/^/-u /' || true
}

# The same for every mpp setting: a measurement runs on config.yml's defaults, whatever the caller's shell holds.
without_mpp_settings() {
  compgen -e | grep -E '^(MPP_|DCOS_SERVICE_ACCOUNT_CREDENTIAL$)' | sed 's/^/-u /' || true
}
