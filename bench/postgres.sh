# Sourced by the benchmarks that run against PostgreSQL.
# start_postgres DIR: start a throwaway server with its data in DIR (its
# binaries from /usr/lib/postgresql/*/bin, run as the postgres user when
# run as root) on a free loopback port, with the server options in PG_OPTS
# (e.g. "-c shared_preload_libraries=pg_stat_statements"); sets dsn,
# pg_stop (the command that stops it), pg_psql (psql on it) and pg_pid (the
# postmaster's id).
start_postgres() {
  local dir=$1 bin port try as=()
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bin/initdb" ] || { echo "bench: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin" >&2; exit 1; }
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U newshub -E UTF8 --no-locale >/dev/null
  # A port found free may be taken before the server binds it (other
  # servers start on this machine too): then try another.
  for try in 1 2 3 4 5; do
    for _ in $(seq 1 50); do
      port=$((20000 + RANDOM % 40000))
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
    done
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 ${PG_OPTS:-}" start >/dev/null && break
    echo "bench: PostgreSQL did not start on port $port:" >&2
    tail -n 3 "$dir/log" >&2
    [ "$try" -lt 5 ] || exit 1
  done
  pg_stop=("${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop)
  pg_psql=("${as[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U newshub -X -q)
  pg_pid=$(head -n 1 "$dir/data/postmaster.pid")
  dsn="postgres://newshub@127.0.0.1:$port/postgres?sslmode=disable"
}

# pg_cpu prints the CPU seconds the PostgreSQL server's processes have
# used: the postmaster reaps its backends, so their time is its children's.
pg_cpu() {
  if [ -n "${pg_pid:-}" ] && [ -r "/proc/$pg_pid/stat" ]; then
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15 + $16 + $17) / hz }' "/proc/$pg_pid/stat"
  else
    echo 0
  fi
}
