#!/usr/bin/env bash
# Starts the shaded jar (target/mpp.jar) in Kubernetes service mode against WireMock playing the API server, with
# one real Prometheus behind the service, and checks that a query is proxied to it. Everything on loopback ports;
# every process started here is stopped on exit. Build first: mvn -q -B -o package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
wait_for() { # url, what
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done
  echo "FAIL: $2 did not come up ($1); the end of the logs:"
  find "$work" -name '*.log' -exec tail -n 20 {} +
  exit 1
}

prom_port=$(free_port); kube_port=$(free_port); mpp_port=$(free_port); admin_port=$(free_port)
wiremock=$(ls ~/.m2/repository/org/wiremock/wiremock-standalone/*/wiremock-standalone-*.jar | tail -1)

cat > "$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s}
scrape_configs: [{job_name: prometheus, static_configs: [{targets: ['127.0.0.1:$prom_port']}]}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)

mkdir -p "$work/wiremock/mappings"
cat > "$work/wiremock/mappings/slices.json" <<JSON
{"request": {"method": "GET", "urlPath": "/apis/discovery.k8s.io/v1/namespaces/monitoring/endpointslices",
  "queryParameters": {"labelSelector": {"equalTo": "kubernetes.io/service-name=prometheus"}, "watch": {"absent": true}},
  "headers": {"Authorization": {"equalTo": "Bearer smoke-token"}}},
 "response": {"status": 200, "headers": {"Content-Type": "application/json"},
  "jsonBody": {"kind": "EndpointSliceList", "apiVersion": "discovery.k8s.io/v1", "metadata": {"resourceVersion": "7"},
   "items": [{"kind": "EndpointSlice", "apiVersion": "discovery.k8s.io/v1",
     "metadata": {"name": "prometheus-abcde", "namespace": "monitoring", "resourceVersion": "7",
       "labels": {"kubernetes.io/service-name": "prometheus"}},
     "addressType": "IPv4",
     "endpoints": [{"addresses": ["127.0.0.1"], "conditions": {"ready": true, "serving": true, "terminating": false}}],
     "ports": [{"name": "web", "port": $prom_port, "protocol": "TCP"}]}]}}}
JSON
cat > "$work/wiremock/mappings/watch.json" <<JSON
{"request": {"method": "GET", "urlPath": "/apis/discovery.k8s.io/v1/namespaces/monitoring/endpointslices",
  "queryParameters": {"watch": {"equalTo": "true"}}},
 "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": "", "fixedDelayMilliseconds": 2000}}
JSON
java -jar "$wiremock" --bind-address 127.0.0.1 --port "$kube_port" --root-dir "$work/wiremock" --disable-banner \
  >"$work/wiremock.log" 2>&1 &
pids+=($!)

cat > "$work/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters: [{name: smoke, cluster: {server: "http://127.0.0.1:$kube_port"}}]
users: [{name: mpp, user: {token: smoke-token}}]
contexts: [{name: smoke, context: {cluster: smoke, user: mpp}}]
current-context: smoke
YAML

wait_for "http://127.0.0.1:$prom_port/-/ready" "Prometheus"
wait_for "http://127.0.0.1:$kube_port/__admin/mappings" "WireMock"

# shellcheck disable=SC2046
env $(without_mpp_settings) \
MPP_PORT=$mpp_port MPP_ADMIN_PORT=$admin_port MPP_BIND_HOST=127.0.0.1 MPP_KUBECONFIG="$work/kubeconfig" \
  MPP_KUBE_NAMESPACE=monitoring MPP_KUBE_SERVICE_NAME=prometheus MPP_KUBE_PORT=web \
  java -jar target/mpp.jar server config.yml >"$work/mpp.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$mpp_port/mpp/health" "mpp"

served=""
for _ in $(seq 1 60); do
  served=$(curl -sS -D - -o "$work/answer" "http://127.0.0.1:$mpp_port/api/v1/query?query=up" | tr -d '\r' \
    | awk -F': ' 'tolower($1)=="mpp.servedby" {print $2}')
  [ "$served" = "http://127.0.0.1:$prom_port" ] && grep -q '"status":"success"' "$work/answer" && break
  sleep 0.5
done
grep -E 'kubernetes|Selector|ERROR|Exception' "$work/mpp.log" | head -20
if [ "$served" != "http://127.0.0.1:$prom_port" ]; then
  echo "FAIL: query not served by the Prometheus behind the service (MPP.ServedBy: '$served')"; tail -50 "$work/mpp.log"; exit 1
fi
watches=$(curl -fsS "http://127.0.0.1:$kube_port/__admin/requests" | python3 -c \
  'import json,sys; print(sum("watch=true" in r["request"]["url"] for r in json.load(sys.stdin)["requests"]))')
echo "OK: target/mpp.jar found http://127.0.0.1:$prom_port through the Kubernetes API and proxied to it" \
  "(watch requests seen by the API server: $watches)"
