# Shared by scripts/pg/start and stop: where the cluster of one run directory lives.
# The server runs as the postgres user when we are root, and that user must reach its
# data and socket directories. A run directory below a folder postgres cannot enter
# (a clone in `mktemp -d`, mode 0700) gets its cluster in /tmp instead, in a directory
# named after the run directory; the run directory keeps the URL either way.

# Sets `home`, where the data, the socket and the server log go, for run directory $run.
pg_home() {
  home=$run
  if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -w "$run" 2>/dev/null; then
    home=/tmp/hotline-pg-$(printf %s "$run" | sha1sum | cut -c1-16)
    mkdir -p "$home"
    chown postgres: "$home"
    chmod 700 "$home"
  fi
}
