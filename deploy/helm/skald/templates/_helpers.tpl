{{/*
Helpers of Skald's chart.

Helpers that values can call through `tpl` keep the names Loki's chart gives them (loki.name,
loki.fullname, loki.compactorAddress, loki.querySchedulerAddress, loki.querierAddress,
loki.indexGatewayAddress, loki.nginxFile, loki.memberlist, loki.host, ...): values written for
Loki's chart contain strings such as '{{ include "loki.compactorAddress" . }}' and render
unchanged here. Object names and labels follow Loki's chart too, so that an installation can move
from Loki's chart to this one with `helm upgrade` (StatefulSet selectors and volume claim
templates cannot change).
*/}}

{{/* ----------------------------------------------------------------------------------------- */}}
{{/* Names                                                                                      */}}
{{/* ----------------------------------------------------------------------------------------- */}}

{{/* The base name of every object: "loki" unless nameOverride says otherwise (as in Loki's chart). */}}
{{- define "loki.name" -}}
{{- coalesce .Values.nameOverride "loki" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name: the release name alone when it already contains the base name. */}}
{{- define "loki.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "loki.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "loki.singleBinaryFullname" -}}{{ include "loki.fullname" . }}{{- end }}
{{- define "loki.writeFullname" -}}{{ include "loki.fullname" . }}-write{{- end }}
{{- define "loki.readFullname" -}}{{ include "loki.fullname" . }}-read{{- end }}
{{- define "loki.backendFullname" -}}{{ include "loki.fullname" . }}-backend{{- end }}
{{- define "loki.gatewayFullname" -}}{{ include "loki.fullname" . }}-gateway{{- end }}
{{- define "loki.canaryFullname" -}}{{ include "loki.fullname" . }}-canary{{- end }}
{{- define "loki.querierFullname" -}}{{ include "loki.fullname" . }}-querier{{- end }}
{{- define "loki.querySchedulerFullname" -}}{{ include "loki.fullname" . }}-query-scheduler{{- end }}

{{/* The namespace objects are created in. */}}
{{- define "loki.namespace" -}}
{{- .Values.namespaceOverride | default .Release.Namespace }}
{{- end }}

{{/* The memberlist Service every ring member joins through. */}}
{{- define "loki.memberlist" -}}
{{ include "loki.name" . }}-memberlist
{{- end }}

{{- define "loki.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{ default (include "loki.name" .) .Values.serviceAccount.name }}
{{- else -}}
{{ default "default" .Values.serviceAccount.name }}
{{- end -}}
{{- end }}

{{/* ----------------------------------------------------------------------------------------- */}}
{{/* Labels                                                                                     */}}
{{/* ----------------------------------------------------------------------------------------- */}}

{{/* helm.sh/chart: this chart's name and version. */}}
{{- define "loki.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select the pods of a release (without a component). */}}
{{- define "loki.selectorLabels" -}}
app.kubernetes.io/name: {{ include "loki.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of every object the chart manages. */}}
{{- define "loki.labels" -}}
helm.sh/chart: {{ include "loki.chart" . }}
{{ include "loki.selectorLabels" . }}
app.kubernetes.io/version: {{ regexReplaceAllLiteral "[^a-zA-Z0-9._-]" (.Values.loki.image.tag | default .Chart.AppVersion | toString) "-" | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels of one component.
Params: ctx = root context, component = component name (read, write, backend, gateway, ...)
*/}}
{{- define "loki.componentSelectorLabels" -}}
{{ include "loki.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Labels of one component's objects. Params as loki.componentSelectorLabels. */}}
{{- define "loki.componentLabels" -}}
{{ include "loki.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* ----------------------------------------------------------------------------------------- */}}
{{/* Deployment mode                                                                            */}}
{{/* ----------------------------------------------------------------------------------------- */}}

{{/* "true" when chunks live in an object store (what SimpleScalable needs). */}}
{{- define "loki.isUsingObjectStorage" -}}
{{- or .Values.minio.enabled (eq .Values.loki.storage.type "s3") -}}
{{- end }}

{{- define "loki.deployment.isScalable" -}}
{{- and (eq (include "loki.isUsingObjectStorage" .) "true") (eq .Values.deploymentMode "SimpleScalable") -}}
{{- end }}

{{- define "loki.deployment.isSingleBinary" -}}
{{- eq .Values.deploymentMode "SingleBinary" -}}
{{- end }}

{{/* Replicas of the single binary: at least one in SingleBinary mode. */}}
{{- define "loki.singleBinaryReplicas" -}}
{{- max 1 (int .Values.singleBinary.replicas) -}}
{{- end }}

{{/* ----------------------------------------------------------------------------------------- */}}
{{/* Addresses used in the Loki configuration and the gateway                                  */}}
{{/* ----------------------------------------------------------------------------------------- */}}

{{/* common.compactor_address: the backend (SimpleScalable) or the single binary. */}}
{{- define "loki.compactorAddress" -}}
{{- $host := include "loki.backendFullname" . -}}
{{- if eq (include "loki.deployment.isSingleBinary" .) "true" -}}
{{- $host = include "loki.singleBinaryFullname" . -}}
{{- end -}}
{{- printf "http://%s:%s" $host (.Values.loki.server.http_listen_port | toString) }}
{{- end }}

{{/* frontend.scheduler_address / frontend_worker.scheduler_address: no query scheduler outside Distributed mode. */}}
{{- define "loki.querySchedulerAddress" -}}
{{- end }}

{{/*
frontend.tail_proxy_url: only Distributed mode has a separate querier to proxy tails to; the read
target (and the single binary) serves tails itself.
*/}}
{{- define "loki.querierAddress" -}}
{{- end }}

{{/* index_gateway_client.server_address: the backend's headless Service in SimpleScalable mode. */}}
{{- define "loki.indexGatewayAddress" -}}
{{- if eq (include "loki.deployment.isScalable" .) "true" -}}
{{- printf "dns+%s-headless.%s.svc.%s:%s" (include "loki.backendFullname" .) (include "loki.namespace" .) .Values.global.clusterDomain (.Values.loki.server.grpc_listen_port | toString) -}}
{{- end -}}
{{- end }}

{{/* The gateway's host:port inside the cluster (what the canary pushes to and queries). */}}
{{- define "loki.host" -}}
{{- if .Values.gateway.enabled -}}
{{- printf "%s.%s.svc.%s.:%s" (include "loki.gatewayFullname" .) (include "loki.namespace" .) .Values.global.clusterDomain (.Values.gateway.service.port | toString) -}}
{{- else if eq (include "loki.deployment.isSingleBinary" .) "true" -}}
{{- printf "%s.%s.svc.%s.:%s" (include "loki.singleBinaryFullname" .) (include "loki.namespace" .) .Values.global.clusterDomain (.Values.loki.server.http_listen_port | toString) -}}
{{- else -}}
{{- printf "%s.%s.svc.%s.:%s" (include "loki.readFullname" .) (include "loki.namespace" .) .Values.global.clusterDomain (.Values.loki.server.http_listen_port | toString) -}}
{{- end -}}
{{- end }}

{{- define "loki.address" -}}
{{- printf "http://%s" (include "loki.host" .) -}}
{{- end }}

{{/* Test schema's object store (loki.useTestSchema). */}}
{{- define "loki.testSchemaObjectStore" -}}
{{- if .Values.minio.enabled -}}s3{{- else -}}filesystem{{- end -}}
{{- end }}

{{/* ----------------------------------------------------------------------------------------- */}}
{{/* Images                                                                                     */}}
{{/* ----------------------------------------------------------------------------------------- */}}

{{/*
registry/repository:tag (or @digest).
Params: service = image values, global = global.image values, defaultVersion = tag when unset
*/}}
{{- define "loki.baseImage" -}}
{{- $registry := .global.registry | default .service.registry | default "" -}}
{{- $repository := .service.repository | default "" -}}
{{- $ref := ternary (printf ":%s" (.service.tag | default .defaultVersion | toString)) (printf "@%s" .service.digest) (empty .service.digest) -}}
{{- if and $registry $repository -}}
{{- printf "%s/%s%s" $registry $repository $ref -}}
{{- else -}}
{{- printf "%s%s%s" $registry $repository $ref -}}
{{- end -}}
{{- end }}

{{/* Skald's image, for the read, write, backend and single-binary pods. */}}
{{- define "loki.image" -}}
{{- include "loki.baseImage" (dict "service" .Values.loki.image "global" .Values.global.image "defaultVersion" .Chart.AppVersion) -}}
{{- end }}

{{/*
A component's image: its own image values where set, Skald's otherwise.
Params: ctx = root context, image = the component's image values
*/}}
{{- define "loki.componentImage" -}}
{{- $own := .image | default dict -}}
{{- $base := .ctx.Values.loki.image -}}
{{- $img := dict
  "registry" ($own.registry | default $base.registry)
  "repository" ($own.repository | default $base.repository)
  "tag" ($own.tag | default $base.tag)
  "digest" (ternary $base.digest "" (empty $own.tag))
-}}
{{- include "loki.baseImage" (dict "service" $img "global" .ctx.Values.global.image "defaultVersion" .ctx.Chart.AppVersion) -}}
{{- end }}

{{- define "loki.gatewayImage" -}}
{{- include "loki.baseImage" (dict "service" .Values.gateway.image "global" .Values.global.image "defaultVersion" "latest") -}}
{{- end }}

{{- define "loki.memcachedImage" -}}
{{- include "loki.baseImage" (dict "service" .Values.memcached.image "global" .Values.global.image "defaultVersion" "latest") -}}
{{- end }}

{{- define "loki.memcachedExporterImage" -}}
{{- include "loki.baseImage" (dict "service" .Values.memcachedExporter.image "global" .Values.global.image "defaultVersion" "latest") -}}
{{- end }}

{{- define "loki.sidecarImage" -}}
{{- $img := .Values.sidecar.image -}}
{{- if $img.sha -}}
{{- printf "%s:%s@sha256:%s" $img.repository $img.tag $img.sha -}}
{{- else -}}
{{- printf "%s:%s" $img.repository $img.tag -}}
{{- end -}}
{{- end }}

{{/* ----------------------------------------------------------------------------------------- */}}
{{/* Loki configuration                                                                         */}}
{{/* ----------------------------------------------------------------------------------------- */}}

{{/* common.storage, from loki.storage (as Loki's chart writes it). */}}
{{- define "loki.commonStorageConfig" -}}
{{- if eq .Values.loki.storage.type "s3" -}}
{{- include "loki.s3StorageConfig" (dict "s3" .Values.loki.storage.s3 "bucket" .Values.loki.storage.bucketNames.chunks) }}
{{- else -}}
{{- with .Values.loki.storage.filesystem }}
filesystem:
  chunks_directory: {{ .chunks_directory }}
  rules_directory: {{ .rules_directory }}
{{- end -}}
{{- end -}}
{{- end }}

{{/*
The s3 block of common.storage and ruler.storage.
Params: s3 = loki.storage.s3 values, bucket = bucket name
*/}}
{{- define "loki.s3StorageConfig" -}}
{{- with .s3 }}
s3:
  {{- with .s3 }}
  s3: {{ . }}
  {{- end }}
  {{- with .endpoint }}
  endpoint: {{ . }}
  {{- end }}
  {{- with .region }}
  region: {{ . }}
  {{- end }}
  bucketnames: {{ $.bucket }}
  {{- with .secretAccessKey }}
  secret_access_key: {{ . }}
  {{- end }}
  {{- with .accessKeyId }}
  access_key_id: {{ . }}
  {{- end }}
  {{- with .signatureVersion }}
  signature_version: {{ . }}
  {{- end }}
  s3forcepathstyle: {{ .s3ForcePathStyle }}
  insecure: {{ .insecure }}
  {{- with .http_config }}
  http_config:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .backoff_config }}
  backoff_config:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{/* ruler.storage, from loki.storage. */}}
{{- define "loki.rulerStorageConfig" -}}
{{- if eq .Values.loki.storage.type "s3" -}}
type: "s3"
{{- include "loki.s3StorageConfig" (dict "s3" .Values.loki.storage.s3 "bucket" .Values.loki.storage.bucketNames.ruler) }}
{{- else -}}
type: "local"
{{- end -}}
{{- end }}

{{/*
The Loki configuration generated from the loki.* values (and chunksCache, resultsCache, ruler),
as YAML: one dict, so that each block is written once and the chart's own settings (join_members,
common.storage, ruler.storage, the cache clients) win over a value naming the same key. Values
holding templates, such as '{{ include "loki.compactorAddress" . }}', stay as they are here and
are rendered by loki.calculatedConfig.
*/}}
{{- define "loki.generatedConfig" -}}
{{- $loki := .Values.loki -}}
{{- $config := dict "auth_enabled" $loki.auth_enabled -}}
{{- with $loki.server }}{{ $_ := set $config "server" . }}{{ end -}}
{{- $_ := set $config "pattern_ingester" (dict "enabled" $loki.pattern_ingester.enabled) -}}
{{- $memberlist := $loki.memberlistConfig -}}
{{- if not $memberlist -}}
{{- $memberlist = merge (dict "join_members" (list (include "loki.memberlist" .))) (deepCopy ($loki.extraMemberlistConfig | default dict)) -}}
{{- end -}}
{{- $_ = set $config "memberlist" $memberlist -}}
{{- with $loki.commonConfig -}}
{{- $_ = set $config "common" (merge (dict "storage" (include "loki.commonStorageConfig" $ | fromYaml)) (deepCopy .)) -}}
{{- end -}}
{{- with $loki.schemaConfig }}{{ $_ = set $config "schema_config" . }}{{ end -}}
{{- if $loki.useTestSchema }}{{ $_ = set $config "schema_config" $loki.testSchemaConfig }}{{ end -}}
{{- $_ = set $config "runtime_config" (dict "file" "/etc/loki/runtime-config/runtime-config.yaml") -}}
{{- with .Values.chunksCache -}}
{{- if .enabled -}}
{{- $client := dict "addresses" (include "loki.memcachedAddress" (dict "ctx" $ "suffix" "chunks-cache")) "consistent_hash" true "timeout" .timeout "max_idle_conns" 72 -}}
{{- $cache := dict "default_validity" .defaultValidity "background" (include "loki.cacheWriteback" . | fromYaml) "memcached" (dict "batch_size" .batchSize "parallelism" .parallelism) "memcached_client" $client -}}
{{- $_ = set $config "chunk_store_config" (dict "chunk_cache_config" $cache) -}}
{{- end -}}
{{- end -}}
{{- $queryRange := merge (dict "align_queries_with_step" true) (deepCopy ($loki.query_range | default dict)) -}}
{{- with .Values.resultsCache -}}
{{- if .enabled -}}
{{- $client := dict "addresses" (include "loki.memcachedAddress" (dict "ctx" $ "suffix" "results-cache")) "consistent_hash" true "timeout" .timeout "update_interval" "1m" -}}
{{- $cache := dict "default_validity" .defaultValidity "background" (include "loki.cacheWriteback" . | fromYaml) "memcached_client" $client -}}
{{- $queryRange = merge (dict "cache_results" true "results_cache" (dict "cache" $cache)) $queryRange -}}
{{- end -}}
{{- end -}}
{{- $_ = set $config "query_range" $queryRange -}}
{{- if .Values.ruler.enabled -}}
{{- $_ = set $config "ruler" (merge (dict "storage" (include "loki.rulerStorageConfig" . | fromYaml)) (deepCopy ($loki.rulerConfig | default dict))) -}}
{{- end -}}
{{- /* Blocks passed through as given. */ -}}
{{- range $block := list "ingester" "limits_config" "storage_config" "query_scheduler" "compactor" "analytics" "querier" "index_gateway" "frontend" "frontend_worker" "distributor" -}}
{{- with index $loki $block }}{{ $_ = set $config $block . }}{{ end -}}
{{- end -}}
{{- $_ = set $config "tracing" (dict "enabled" $loki.tracing.enabled) -}}
{{- toYaml $config -}}
{{- end }}

{{/* Write-back settings of a memcached cache (chunksCache or resultsCache values). */}}
{{- define "loki.cacheWriteback" -}}
writeback_goroutines: {{ .writebackParallelism }}
writeback_buffer: {{ .writebackBuffer }}
writeback_size_limit: {{ .writebackSizeLimit }}
{{- end }}

{{/*
Where Skald finds a cache's memcached pods: the SRV records of the headless Service's
memcached-client port. Params: ctx = root context, suffix = chunks-cache|results-cache
*/}}
{{- define "loki.memcachedAddress" -}}
{{- printf "dnssrvnoa+_memcached-client._tcp.%s-%s.%s.svc" (include "loki.fullname" .ctx) .suffix (include "loki.namespace" .ctx) -}}
{{- end }}

{{/*
The configuration file: loki.config (a whole-file template) when set, else the generated one;
loki.structuredConfig merged over it; then templates in the values rendered.
*/}}
{{- define "loki.calculatedConfig" -}}
{{- $base := include "loki.generatedConfig" . -}}
{{- with .Values.loki.config }}{{ $base = tpl . $ }}{{ end -}}
{{ tpl (mergeOverwrite ($base | fromYaml) .Values.loki.structuredConfig | toYaml) . }}
{{- end }}

{{/* The volume holding config.yaml: the ConfigMap or Secret named by loki.configObjectName. */}}
{{- define "loki.configVolume" -}}
{{- if eq .Values.loki.configStorageType "Secret" -}}
secret:
  secretName: {{ tpl .Values.loki.configObjectName . }}
{{- else -}}
configMap:
  name: {{ tpl .Values.loki.configObjectName . }}
  items:
    - key: "config.yaml"
      path: "config.yaml"
{{- end -}}
{{- end }}

{{/* Pod annotation that rolls the pods when the configuration changes. */}}
{{- define "loki.configChecksum" -}}
checksum/config: {{ include "loki.calculatedConfig" . | sha256sum }}
{{- end }}

{{/* ----------------------------------------------------------------------------------------- */}}
{{/* Pods of the read, write, backend and single-binary targets                                */}}
{{/* ----------------------------------------------------------------------------------------- */}}

{{/*
The Skald container of a target's pod.
Params:
  ctx = root context
  section = the component's values (.Values.read, .Values.write, ...)
  target = -target value
  args = extra arguments after -target (list)
  mounts = extra volume mounts (list of dicts)
*/}}
{{- define "loki.targetContainer" -}}
{{- $ctx := .ctx -}}
- name: loki
  image: {{ include "loki.componentImage" (dict "ctx" $ctx "image" .section.image) }}
  imagePullPolicy: {{ $ctx.Values.loki.image.pullPolicy }}
  args:
    - -config.file=/etc/loki/config/config.yaml
    - -target={{ .target }}
    {{- range .args }}
    - {{ . }}
    {{- end }}
    {{- with .section.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  ports:
    - name: http-metrics
      containerPort: {{ $ctx.Values.loki.server.http_listen_port }}
      protocol: TCP
    - name: grpc
      containerPort: {{ $ctx.Values.loki.server.grpc_listen_port }}
      protocol: TCP
    - name: http-memberlist
      containerPort: 7946
      protocol: TCP
  {{- with .section.extraEnv }}
  env:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .section.extraEnvFrom }}
  envFrom:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $ctx.Values.loki.containerSecurityContext | nindent 4 }}
  {{- with $ctx.Values.loki.readinessProbe }}
  readinessProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .section.lifecycle }}
  lifecycle:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  volumeMounts:
    - name: config
      mountPath: /etc/loki/config
    - name: runtime-config
      mountPath: /etc/loki/runtime-config
    - name: tmp
      mountPath: /tmp
    - name: data
      mountPath: /var/loki
    {{- with .mounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with .section.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  resources:
    {{- toYaml (.section.resources | default dict) | nindent 4 }}
{{- end }}

{{/* The rules sidecar (kiwigrid/k8s-sidecar) that copies labelled ConfigMaps/Secrets into sidecar.rules.folder. */}}
{{- define "loki.rulesSidecar" -}}
{{- with .Values.sidecar }}
- name: loki-sc-rules
  image: {{ include "loki.sidecarImage" $ | quote }}
  imagePullPolicy: {{ .image.pullPolicy }}
  env:
    - name: METHOD
      value: {{ .rules.watchMethod }}
    - name: LABEL
      value: {{ .rules.label | quote }}
    {{- with .rules.labelValue }}
    - name: LABEL_VALUE
      value: {{ quote . }}
    {{- end }}
    - name: FOLDER
      value: {{ .rules.folder | quote }}
    - name: RESOURCE
      value: {{ .rules.resource | quote }}
    {{- if .enableUniqueFilenames }}
    - name: UNIQUE_FILENAMES
      value: "{{ .enableUniqueFilenames }}"
    {{- end }}
    {{- with .rules.searchNamespace }}
    - name: NAMESPACE
      value: {{ . | join "," | quote }}
    {{- end }}
    {{- if .skipTlsVerify }}
    - name: SKIP_TLS_VERIFY
      value: "{{ .skipTlsVerify }}"
    {{- end }}
    {{- with .rules.script }}
    - name: SCRIPT
      value: {{ . | quote }}
    {{- end }}
    {{- with .rules.watchServerTimeout }}
    - name: WATCH_SERVER_TIMEOUT
      value: "{{ . }}"
    {{- end }}
    {{- with .rules.watchClientTimeout }}
    - name: WATCH_CLIENT_TIMEOUT
      value: "{{ . }}"
    {{- end }}
    {{- with .rules.logLevel }}
    - name: LOG_LEVEL
      value: {{ . | quote }}
    {{- end }}
  {{- with .livenessProbe }}
  livenessProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .readinessProbe }}
  readinessProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  volumeMounts:
    - name: sc-rules-volume
      mountPath: {{ .rules.folder | quote }}
{{- end }}
{{- end }}

{{/*
Pod-level settings shared by the read, write, backend and single-binary pods.
Params: ctx = root context, section = the component's values
*/}}
{{- define "loki.targetPodSettings" -}}
{{- $ctx := .ctx -}}
serviceAccountName: {{ include "loki.serviceAccountName" $ctx }}
automountServiceAccountToken: {{ $ctx.Values.serviceAccount.automountServiceAccountToken }}
enableServiceLinks: {{ $ctx.Values.loki.enableServiceLinks }}
{{- with $ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with (.section.priorityClassName | default $ctx.Values.global.priorityClassName) }}
priorityClassName: {{ . }}
{{- end }}
securityContext:
  {{- toYaml $ctx.Values.loki.podSecurityContext | nindent 2 }}
terminationGracePeriodSeconds: {{ .section.terminationGracePeriodSeconds }}
{{- with .section.initContainers }}
initContainers:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .section.affinity }}
affinity:
  {{- tpl (toYaml .) $ctx | nindent 2 }}
{{- end }}
{{- with .section.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- tpl (toYaml .) $ctx | nindent 2 }}
{{- end }}
{{- with .section.dnsConfig }}
dnsConfig:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .section.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .section.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Volumes every target pod has: config, runtime config, /tmp. */}}
{{- define "loki.targetVolumes" -}}
- name: config
  {{- include "loki.configVolume" . | nindent 2 }}
- name: runtime-config
  configMap:
    name: {{ include "loki.name" . }}-runtime
- name: tmp
  emptyDir: {}
{{- end }}

{{/*
The `data` volume claim template of a StatefulSet.
Params: persistence = the component's persistence values
*/}}
{{- define "loki.dataVolumeClaimTemplate" -}}
- apiVersion: v1
  kind: PersistentVolumeClaim
  metadata:
    name: {{ .name | default "data" }}
    {{- with .persistence.annotations }}
    annotations:
      {{- toYaml . | nindent 6 }}
    {{- end }}
  spec:
    accessModes:
      - ReadWriteOnce
    {{- with .persistence.storageClass }}
    storageClassName: {{ if (eq "-" .) }}""{{ else }}{{ . }}{{ end }}
    {{- end }}
    resources:
      requests:
        storage: {{ .persistence.size | quote }}
    {{- with .persistence.selector }}
    selector:
      {{- toYaml . | nindent 6 }}
    {{- end }}
{{- end }}

{{/*
A HorizontalPodAutoscaler for a target.
Params: ctx = root context, section = component values, component = name, kind = Deployment|StatefulSet
*/}}
{{- define "loki.hpa" -}}
{{- $ctx := .ctx -}}
{{- with .section.autoscaling }}
{{- if .enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "loki.fullname" $ctx }}-{{ $.component }}
  namespace: {{ include "loki.namespace" $ctx }}
  labels:
    {{- include "loki.componentLabels" (dict "ctx" $ctx "component" $.component) | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: {{ $.kind }}
    name: {{ include "loki.fullname" $ctx }}-{{ $.component }}
  minReplicas: {{ .minReplicas }}
  maxReplicas: {{ .maxReplicas }}
  {{- with .behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  metrics:
  {{- with .targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
  {{- end }}
  {{- with .targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
  {{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
A PodDisruptionBudget.
Params: ctx = root context, name = object name, labels = metadata labels (YAML), selector = selector labels (YAML), maxUnavailable
*/}}
{{- define "loki.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .name }}
  namespace: {{ include "loki.namespace" .ctx }}
  labels:
    {{- .labels | nindent 4 }}
spec:
  selector:
    matchLabels:
      {{- .selector | nindent 6 }}
  maxUnavailable: {{ .maxUnavailable }}
{{- end }}

{{/*
The http-metrics and grpc Service of a target (normal or headless).
Params: ctx, component, name, labels (YAML), headless (bool), section (component values)
*/}}
{{- define "loki.targetService" -}}
{{- $ctx := .ctx -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
  namespace: {{ include "loki.namespace" $ctx }}
  labels:
    {{- .labels | nindent 4 }}
    {{- with $ctx.Values.loki.serviceLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with .section.service.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- $annotations := merge (dict) (.section.service.annotations | default dict) ($ctx.Values.loki.serviceAnnotations | default dict) }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: ClusterIP
  {{- if .headless }}
  clusterIP: None
  {{- end }}
  ports:
    - name: http-metrics
      port: {{ $ctx.Values.loki.server.http_listen_port }}
      targetPort: http-metrics
      protocol: TCP
    - name: grpc
      port: {{ $ctx.Values.loki.server.grpc_listen_port }}
      targetPort: grpc
      protocol: TCP
      {{- if and .headless (ne .component "backend") }}
      appProtocol: tcp
      {{- end }}
  selector:
    {{- include "loki.componentSelectorLabels" (dict "ctx" $ctx "component" .component) | nindent 4 }}
{{- end }}

{{/* ----------------------------------------------------------------------------------------- */}}
{{/* Gateway                                                                                    */}}
{{/* ----------------------------------------------------------------------------------------- */}}

{{/*
Upstream URLs of the gateway: http://<service>.<namespace>.svc.<clusterDomain>:<port>, or
gateway.nginxConfig.customReadUrl / customWriteUrl / customBackendUrl when set.
Param: ctx = root context, role = read|write|backend
*/}}
{{- define "loki.gatewayUpstream" -}}
{{- $ctx := .ctx -}}
{{- $cfg := $ctx.Values.gateway.nginxConfig -}}
{{- $port := $ctx.Values.loki.server.http_listen_port | toString -}}
{{- $ns := include "loki.namespace" $ctx -}}
{{- $domain := $ctx.Values.global.clusterDomain -}}
{{- $host := "" -}}
{{- $custom := "" -}}
{{- if eq (include "loki.deployment.isSingleBinary" $ctx) "true" -}}
{{- $host = include "loki.singleBinaryFullname" $ctx -}}
{{- else if eq .role "read" -}}
{{- $host = include "loki.readFullname" $ctx -}}
{{- else if eq .role "write" -}}
{{- $host = include "loki.writeFullname" $ctx -}}
{{- else -}}
{{- $host = include "loki.backendFullname" $ctx -}}
{{- end -}}
{{- if eq .role "read" }}{{ $custom = $cfg.customReadUrl }}{{ end -}}
{{- if eq .role "write" }}{{ $custom = $cfg.customWriteUrl }}{{ end -}}
{{- if eq .role "backend" }}{{ $custom = $cfg.customBackendUrl }}{{ end -}}
{{- $custom | default (printf "%s://%s.%s.svc.%s:%s" $cfg.schema $host $ns $domain $port) -}}
{{- end }}

{{/*
The gateway's routes: [match, path, target]. The match is nginx's: "=" a path exactly, "^~" every
path below it. Targets: write (distributor, ingester, ring pages), backend (ruler, compactor, index
gateway, scheduler), read (queries; "read-ws" also passes the WebSocket upgrade of live tails) and
"none" (answered by nginx itself with a 404, so that e.g. "/loki/api/v1" is not redirected).
*/}}
{{- define "loki.gatewayRoutes" -}}
- ["=", "/api/prom/push", "write"]
- ["=", "/loki/api/v1/push", "write"]
- ["=", "/distributor/ring", "write"]
- ["=", "/otlp/v1/logs", "write"]
- ["=", "/flush", "write"]
- ["^~", "/ingester/", "write"]
- ["=", "/ingester", "none"]
- ["=", "/ring", "write"]
- ["=", "/memberlist", "write"]
- ["=", "/config", "write"]
- ["=", "/ruler/ring", "backend"]
- ["=", "/api/prom/rules", "backend"]
- ["^~", "/api/prom/rules/", "backend"]
- ["=", "/loki/api/v1/rules", "backend"]
- ["^~", "/loki/api/v1/rules/", "backend"]
- ["=", "/prometheus/api/v1/alerts", "backend"]
- ["=", "/prometheus/api/v1/rules", "backend"]
- ["=", "/compactor/ring", "backend"]
- ["=", "/loki/api/v1/delete", "backend"]
- ["=", "/loki/api/v1/cache/generation_numbers", "backend"]
- ["=", "/indexgateway/ring", "backend"]
- ["=", "/scheduler/ring", "backend"]
- ["=", "/api/prom/tail", "read-ws"]
- ["=", "/loki/api/v1/tail", "read-ws"]
- ["^~", "/api/prom/", "read"]
- ["=", "/api/prom", "none"]
- ["^~", "/loki/api/v1/", "read"]
- ["=", "/loki/api/v1", "none"]
{{- end }}

{{/* The gateway's nginx.conf: every route of loki.gatewayRoutes proxied to its target's Service. */}}
{{- define "loki.nginxFile" -}}
{{- $upstream := dict
  "write" (include "loki.gatewayUpstream" (dict "ctx" . "role" "write"))
  "read" (include "loki.gatewayUpstream" (dict "ctx" . "role" "read"))
  "backend" (include "loki.gatewayUpstream" (dict "ctx" . "role" "backend")) -}}
{{- $cfg := .Values.gateway.nginxConfig -}}
{{- $port := .Values.gateway.containerPort -}}
{{- $tls := ternary " ssl" "" (eq (toString $cfg.ssl) "true") -}}
# nginx.conf of Skald's gateway: one address for every client, each request passed on to the
# target (write, read or backend) that answers it.
# The container runs unprivileged with a read-only root: pid file and buffers live under /tmp.
pid /tmp/nginx.pid;
worker_processes 5;
worker_rlimit_nofile 8192;
error_log /dev/stderr;

events {
  worker_connections 4096;
}

http {
  client_body_temp_path /tmp/client_temp;
  proxy_temp_path /tmp/proxy_temp_path;
  fastcgi_temp_path /tmp/fastcgi_temp;
  uwsgi_temp_path /tmp/uwsgi_temp;
  scgi_temp_path /tmp/scgi_temp;

  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  client_max_body_size {{ $cfg.clientMaxBodySize }};

  # Long queries and live tails stay open for up to ten minutes.
  proxy_http_version 1.1;
  proxy_connect_timeout 600;
  proxy_send_timeout 600;
  proxy_read_timeout 600;

  log_format {{ $cfg.logFormat }}
  {{- if .Values.gateway.verboseLogging }}
  access_log /dev/stderr main;
  {{- else }}
  # Only failed requests (status other than 2xx and 3xx) are logged.
  map $status $loggable {
    ~^[23] 0;
    default 1;
  }
  access_log /dev/stderr main if=$loggable;
  {{- end }}

  resolver {{ $cfg.resolver | default (printf "%s.%s.svc.%s." .Values.global.dnsService .Values.global.dnsNamespace .Values.global.clusterDomain) }};
  {{- with $cfg.httpSnippet }}
  {{- tpl . $ | nindent 2 }}
  {{- end }}

  server {
    listen {{ $port }}{{ $tls }};
    {{- if $cfg.enableIPv6 }}
    listen [::]:{{ $port }}{{ $tls }};
    {{- end }}

    # Liveness and readiness of the gateway itself.
    location = / {
      auth_basic off;
      return 200 'OK';
    }
    {{- range $route := include "loki.gatewayRoutes" . | fromYamlArray }}
    {{- $target := index $route 2 }}

    location {{ index $route 0 }} {{ index $route 1 }} {
      {{- if eq $target "none" }}
      internal;
      {{- else }}
      proxy_pass {{ get $upstream (trimSuffix "-ws" $target) }}$request_uri;
      {{- if hasSuffix "-ws" $target }}
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      {{- end }}
      {{- end }}
    }
    {{- end }}
    {{- with $cfg.serverSnippet }}
    {{- . | nindent 4 }}
    {{- end }}
  }
}
{{- end }}

{{/* ----------------------------------------------------------------------------------------- */}}
{{/* Memcached caches                                                                           */}}
{{/* ----------------------------------------------------------------------------------------- */}}

{{/*
The memcached StatefulSet, headless Service and PodDisruptionBudget of a cache.
Params: ctx = root context, cache = chunksCache or resultsCache values, suffix = chunks-cache|results-cache
*/}}
{{- define "loki.memcached" -}}
{{- $ctx := .ctx -}}
{{- $cache := .cache -}}
{{- $name := printf "%s-%s" (include "loki.fullname" $ctx) .suffix -}}
{{- $component := printf "memcached-%s" .suffix -}}
{{- if $cache.enabled }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    {{- include "loki.labels" $ctx | nindent 4 }}
    app.kubernetes.io/component: {{ $component | quote }}
    {{- with $cache.service.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    {{- toYaml ($cache.service.annotations | default dict) | nindent 4 }}
  namespace: {{ include "loki.namespace" $ctx | quote }}
spec:
  type: ClusterIP
  clusterIP: None
  ports:
    - name: memcached-client
      port: {{ $cache.port }}
      targetPort: {{ $cache.port }}
    {{- if $ctx.Values.memcachedExporter.enabled }}
    - name: http-metrics
      port: 9150
      targetPort: 9150
    {{- end }}
  selector:
    {{- include "loki.selectorLabels" $ctx | nindent 4 }}
    app.kubernetes.io/component: {{ $component | quote }}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ $name }}
  labels:
    {{- include "loki.labels" $ctx | nindent 4 }}
    app.kubernetes.io/component: {{ $component | quote }}
    name: {{ $component | quote }}
  annotations:
    {{- toYaml ($cache.annotations | default dict) | nindent 4 }}
  namespace: {{ include "loki.namespace" $ctx | quote }}
spec:
  podManagementPolicy: {{ $cache.podManagementPolicy }}
  replicas: {{ $cache.replicas }}
  selector:
    matchLabels:
      {{- include "loki.selectorLabels" $ctx | nindent 6 }}
      app.kubernetes.io/component: {{ $component | quote }}
      name: {{ $component | quote }}
  updateStrategy:
    {{- toYaml $cache.statefulStrategy | nindent 4 }}
  serviceName: {{ $name }}
  template:
    metadata:
      labels:
        {{- include "loki.selectorLabels" $ctx | nindent 8 }}
        app.kubernetes.io/component: {{ $component | quote }}
        name: {{ $component | quote }}
        {{- with $cache.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $cache.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "loki.serviceAccountName" $ctx }}
      {{- with $ctx.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with ($cache.priorityClassName | default $ctx.Values.global.priorityClassName) }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        {{- toYaml $ctx.Values.memcached.podSecurityContext | nindent 8 }}
      initContainers:
        {{- toYaml $cache.initContainers | nindent 8 }}
      nodeSelector:
        {{- toYaml $cache.nodeSelector | nindent 8 }}
      affinity:
        {{- toYaml $cache.affinity | nindent 8 }}
      topologySpreadConstraints:
        {{- toYaml $cache.topologySpreadConstraints | nindent 8 }}
      tolerations:
        {{- toYaml $cache.tolerations | nindent 8 }}
      terminationGracePeriodSeconds: {{ $cache.terminationGracePeriodSeconds }}
      containers:
        - name: memcached
          image: {{ include "loki.memcachedImage" $ctx }}
          imagePullPolicy: {{ $ctx.Values.memcached.image.pullPolicy }}
          resources:
          {{- if $cache.resources }}
            {{- toYaml $cache.resources | nindent 12 }}
          {{- else }}
          {{- /* Memory 20% above memcached's own limit (-m), rounded, as Loki's chart sets it. */}}
          {{- $memory := printf "%dMi" (int (round (mulf $cache.allocatedMemory 1.2) 0)) }}
            limits:
              memory: {{ $memory }}
            requests:
              cpu: 500m
              memory: {{ $memory }}
          {{- end }}
          ports:
            - containerPort: {{ $cache.port }}
              name: client
          args:
            - -m {{ $cache.allocatedMemory }}
            - --extended=modern,track_sizes{{ with $cache.extraExtendedOptions }},{{ . }}{{ end }}
            - -I {{ $cache.maxItemMemory }}m
            - -c {{ $cache.connectionLimit }}
            - -v
            - -u {{ $cache.port }}
            {{- range $key, $value := $cache.extraArgs }}
            - "-{{ $key }}{{ if $value }} {{ $value }}{{ end }}"
            {{- end }}
          securityContext:
            {{- toYaml $ctx.Values.memcached.containerSecurityContext | nindent 12 }}
        {{- if $ctx.Values.memcachedExporter.enabled }}
        - name: exporter
          image: {{ include "loki.memcachedExporterImage" $ctx }}
          imagePullPolicy: {{ $ctx.Values.memcachedExporter.image.pullPolicy }}
          ports:
            - containerPort: 9150
              name: http-metrics
          args:
            - "--memcached.address=localhost:{{ $cache.port }}"
            - "--web.listen-address=0.0.0.0:9150"
            {{- range $key, $value := $ctx.Values.memcachedExporter.extraArgs }}
            - "--{{ $key }}{{ if $value }}={{ $value }}{{ end }}"
            {{- end }}
          resources:
            {{- toYaml $ctx.Values.memcachedExporter.resources | nindent 12 }}
          securityContext:
            {{- toYaml $ctx.Values.memcachedExporter.containerSecurityContext | nindent 12 }}
        {{- end }}
        {{- with $cache.extraContainers }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- if $cache.podDisruptionBudget }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "loki.fullname" $ctx }}-{{ $component }}
  namespace: {{ include "loki.namespace" $ctx }}
  labels:
    {{- include "loki.selectorLabels" $ctx | nindent 4 }}
    app.kubernetes.io/component: {{ $component }}
spec:
  selector:
    matchLabels:
      {{- include "loki.selectorLabels" $ctx | nindent 6 }}
      app.kubernetes.io/component: {{ $component }}
  {{- toYaml $cache.podDisruptionBudget | nindent 2 }}
{{- end }}
{{- end }}
{{- end }}
