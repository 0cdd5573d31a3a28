#!/usr/bin/env bash
# One image to one model with nothing but bash and curl, as a pipeline would run it with a company
# API key (Integrations page): create the job, upload to its presigned URL, wait until it ends,
# download the model. Usage:
#   I2M_API=https://api.example.com I2M_API_KEY=i2m_live_... events/examples/run-job.sh chair.png [low|medium|high] [glb|obj|stl|usdz|fbx]
# A pipeline that also runs a web server would wait for the job.completed webhook instead of asking
# every few seconds (README, "Webhooks"); the download step is the same.
set -euo pipefail

api=${I2M_API:?set I2M_API to the API address}
key=${I2M_API_KEY:?set I2M_API_KEY to a company API key}
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

for _ in $(seq 1 300); do
  state=$(call "$api/jobs/$job_id" | field state)
  case "$state" in
    DONE) break ;;
    FAILED|CANCELLED|PARTIAL) echo "job $job_id ended $state" >&2; exit 1 ;;
  esac
  sleep 2
done
[ "$state" = DONE ] || { echo "job $job_id is still $state after 10 minutes" >&2; exit 1; }

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
