#!/bin/sh
# The admin image's health check: GET /health on this container's admin-api answers 200 when it is ready.
# Uses curl or wget when the base image has one, else bash's /dev/tcp (a minimal Debian has bash only).
port="${CHARD_HTTP_PORT:-8080}"
url="http://127.0.0.1:$port/health"
if command -v curl >/dev/null 2>&1; then
  exec curl -fsS -o /dev/null --max-time 3 "$url"
elif command -v wget >/dev/null 2>&1; then
  exec wget -q -O /dev/null -T 3 "$url"
else
  exec bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 \
    && IFS= read -r status <&3 && case "$status" in *" 200"*) exit 0 ;; *) exit 1 ;; esac' health "$port"
fi
