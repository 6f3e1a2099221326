#!/usr/bin/env bash
# Makes sure the real PostgreSQL, Redis and NATS (JetStream) the integration tests use are up on
# this machine, starting a stopped one with the same command the machine starts it with.
# Best effort: a service that cannot be started is reported; with CI set, its tests then fail.
set -u

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  for _ in $(seq 1 50); do up "$1" && return 0; sleep 0.2; done
  return 1
}

if ! up 5432 && command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "ensure-services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  wait_for 5432 || echo "ensure-services: PostgreSQL did not come up"
fi
if ! up 6379 && command -v redis-server >/dev/null 2>&1; then
  echo "ensure-services: starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  wait_for 6379 || echo "ensure-services: Redis did not come up"
fi
if ! up 4222 && [ -x /usr/sbin/nats-server ]; then
  echo "ensure-services: starting NATS"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
  wait_for 4222 || echo "ensure-services: NATS did not come up"
fi
for s in "PostgreSQL 5432" "Redis 6379" "NATS 4222"; do
  set -- $s
  if up "$2"; then echo "ensure-services: $1 is up on 127.0.0.1:$2"; else echo "ensure-services: $1 is NOT reachable on 127.0.0.1:$2"; fi
done
exit 0
