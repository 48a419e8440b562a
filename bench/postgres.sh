# bench/postgres.sh: sourced by the benchmarks that run on PostgreSQL.
# start_postgres starts a throwaway server in $work/pg (its binaries from
# /usr/lib/postgresql/*/bin, run as the postgres user when run as root) and
# sets dsn, pg_pid and pg_stop (the command that stops it).
start_postgres() {
  local bin port as=()
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bin/initdb" ] || { echo "bench: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin" >&2; exit 1; }
  mkdir -p "$work/pg"
  if [ "$(id -u)" = 0 ]; then chown postgres "$work/pg"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/initdb" -D "$work/pg/data" -A trust -U newshub -E UTF8 --no-locale >/dev/null
  # A port found free may be taken before the server binds it (other
  # servers start on this machine too): then try another.
  local try
  for try in 1 2 3 4 5; do
    for _ in $(seq 1 50); do
      port=$((20000 + RANDOM % 40000))
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
    done
    "${as[@]}" "$bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
      -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1" start >/dev/null && break
    echo "bench: PostgreSQL did not start on port $port:" >&2
    tail -n 3 "$work/pg/log" >&2
    [ "$try" -lt 5 ] || exit 1
  done
  pg_stop=("${as[@]}" "$bin/pg_ctl" -D "$work/pg/data" -m fast stop)
  pg_pid=$(head -n 1 "$work/pg/data/postmaster.pid")
  dsn="postgres://newshub@127.0.0.1:$port/postgres?sslmode=disable"
}
