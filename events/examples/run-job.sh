#!/usr/bin/env bash
# One image to one model with nothing but bash and curl, as a pipeline would run it with a company
# API key (Integrations page): create the job, upload to its presigned URL, wait for the job's
# job.completed webhook, download the model. Usage:
#   I2M_API=https://api.example.com I2M_API_KEY=i2m_live_... \
#   I2M_WEBHOOK_INBOX=https://bin.example.com/i2m I2M_WEBHOOK_SECRET=whsec_... \
#     events/examples/run-job.sh chair.png [low|medium|high] [glb|obj|stl|usdz|fbx]
# A script runs no server, so the webhook goes to a request bin it can read with curl: an admin
# points a webhook endpoint (job.completed) at I2M_WEBHOOK_INBOX, and the script asks the bin for
# the event about its job, waiting up to 10 minutes (the devstack has one: $I2M_API/_devstack/inbox/<name>,
# read as GET <inbox>?type=job.completed&contains=<job id>&wait=600). With I2M_WEBHOOK_SECRET (the
# endpoint's signing secret) it checks the signature with openssl first. Without an inbox it asks
# the API every 2 seconds instead. A pipeline with its own web server receives the webhook itself
# (README, "Webhooks"); the download step is the same.
set -euo pipefail

api=${I2M_API:?set I2M_API to the API address}
key=${I2M_API_KEY:?set I2M_API_KEY to a company API key}
inbox=${I2M_WEBHOOK_INBOX:-}
secret=${I2M_WEBHOOK_SECRET:-}
image=${1:?give an image file}
quality=${2:-low}
format=${3:-glb}
name=$(basename "$image")
size=$(wc -c < "$image" | tr -d ' ')
case "$name" in
  *.png|*.PNG) type=image/png ;;
  *.jpg|*.jpeg|*.JPG|*.JPEG) type=image/jpeg ;;
  *.webp|*.WEBP) type=image/webp ;;
  *) echo "$name: only PNG, JPEG and WebP images can be made into models" >&2; exit 2 ;;
esac

field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
call() { curl -sS --fail-with-body -H "Authorization: Bearer $key" "$@"; }

# The Idempotency-Key makes a retried POST (after a timeout) answer the same job, never a second one.
job=$(call -H 'Content-Type: application/json' -H "Idempotency-Key: run-job-$$-$(date +%s)" \
  -d "{\"name\":\"$name\",\"quality\":\"$quality\",\"files\":[{\"name\":\"$name\",\"contentType\":\"$type\",\"size\":$size}]}" \
  "$api/jobs")
job_id=$(printf '%s' "$job" | field jobId)
file_id=$(printf '%s' "$job" | field fileId)
upload=$(printf '%s' "$job" | field url)
echo "job $job_id: uploading $name ($size bytes)"
curl -sS --fail-with-body -X PUT -H "Content-Type: $type" -H 'If-None-Match: *' --data-binary "@$image" "$upload" > /dev/null

# Is this delivery Image2Model's? Its Image2Model-Signature is t=<unix>,v1=<hex HMAC-SHA256 of "t.body">
# (two v1 values while a rotated secret's grace lasts), and t must be within 5 minutes of now.
verify() { # verify <headers file> <body file>
  local header t sig expected age
  header=$(grep -i '^image2model-signature:' "$1" | head -1 | tr -d '\r' | cut -d' ' -f2-)
  t=$(printf '%s' "$header" | tr ',' '\n' | grep '^t=' | cut -d= -f2)
  [ -n "$t" ] || { echo "the webhook has no signature: not from Image2Model" >&2; return 1; }
  age=$(( $(date +%s) - t )); age=${age#-}
  [ "$age" -le 300 ] || { echo "the webhook was signed $age s away from now: refused" >&2; return 1; }
  expected=$({ printf '%s.' "$t"; cat "$2"; } | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
  for sig in $(printf '%s' "$header" | tr ',' '\n' | grep '^v1=' | cut -d= -f2); do
    [ "$sig" = "$expected" ] && return 0
  done
  echo "the webhook's signature does not match the secret: not from Image2Model" >&2
  return 1
}

if [ -n "$inbox" ]; then
  echo "job $job_id: waiting for its job.completed webhook"
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  curl -sS --fail-with-body --max-time 620 -D "$tmp/headers" -o "$tmp/event" \
    "$inbox?type=job.completed&contains=$job_id&wait=600" \
    || { echo "no job.completed webhook for job $job_id within 10 minutes" >&2; exit 1; }
  if [ -n "$secret" ]; then
    verify "$tmp/headers" "$tmp/event"
    echo "job $job_id: job.completed webhook, signature verified"
  fi
  state=$(field state < "$tmp/event" | tr '[:lower:]' '[:upper:]')
else
  for _ in $(seq 1 300); do
    state=$(call "$api/jobs/$job_id" | field state)
    case "$state" in
      DONE|FAILED|CANCELLED|PARTIAL) break ;;
    esac
    sleep 2
  done
fi
case "$state" in
  DONE) ;;
  FAILED|CANCELLED|PARTIAL) echo "job $job_id ended $state" >&2; exit 1 ;;
  *) echo "job $job_id is still $state after 10 minutes" >&2; exit 1 ;;
esac

# A converted format may take a moment the first time (202): ask again until its link is there.
for _ in $(seq 1 60); do
  link=$(call "$api/jobs/$job_id/files/$file_id/download?format=$format")
  url=$(printf '%s' "$link" | field url)
  [ -n "$url" ] && break
  sleep 2
done
out="${name%.*}.${format}"
[ "$format" = obj ] && out="${name%.*}.zip"
curl -sS --fail-with-body -o "$out" "$url"
echo "saved $out"
