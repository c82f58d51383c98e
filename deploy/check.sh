#!/usr/bin/env bash
# Prove the deployment files without a Docker engine: lint the Dockerfile with
# hadolint and validate the compose files with docker-compose config.
set -euo pipefail
cd "$(dirname "$0")"
BIN=${BIN:-../.venv/bin}

if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's docker-compose (for 'docker-compose config')"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
  else
    echo "docker-compose is missing: install it (Debian: apt-get install docker-compose)" >&2
    exit 1
  fi
fi

"$BIN/hadolint" --failure-threshold info Dockerfile
echo "hadolint: Dockerfile OK"

# Compose needs the env file to exist; check with the documented example.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp Dockerfile Caddyfile Caddyfile.scale docker-compose.yml docker-compose.webhook.yml \
  docker-compose.scale.yml "$work/"
cp .env.example "$work/.env"
(cd "$work" && docker-compose -f docker-compose.yml config -q \
  && DOMAIN=bot.example.org docker-compose -f docker-compose.webhook.yml config -q \
  && DOMAIN=bot.example.org POSTGRES_PASSWORD=example \
     docker-compose -f docker-compose.scale.yml config -q)
echo "docker-compose config: all three compose files OK"

# Every setting the bot reads is documented in .env.example.
missing=$("$BIN/python" - <<'PY'
import re
from bot.config import Settings
documented = set(re.findall(r"^([A-Z_]+)=", open(".env.example").read(), re.M))
print(" ".join(sorted(n.upper() for n in Settings.model_fields if n.upper() not in documented)))
PY
)
if [ -n "$missing" ]; then
  echo ".env.example does not list: $missing" >&2
  exit 1
fi
echo ".env.example lists every setting"
