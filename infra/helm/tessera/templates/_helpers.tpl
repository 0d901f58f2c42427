{{/* Name prefix of every object: the release name, unless it already says "tessera". */}}
{{- define "tessera.fullname" -}}
{{- if contains "tessera" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-tessera" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's objects: <fullname>-<component>. Call with (list $ "router"). */}}
{{- define "tessera.name" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" (include "tessera.fullname" $root) (index . 1) -}}
{{- end -}}

{{- define "tessera.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: tessera
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "tessera.labels" -}}
{{- $root := index . 0 -}}
{{ include "tessera.selectorLabels" . }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: tessera
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version }}
{{- end -}}

{{/* Image reference of a component: (list $ .Values.router.image "router"). */}}
{{- define "tessera.image" -}}
{{- $root := index . 0 -}}
{{- $img := index . 1 -}}
{{- $tag := $img.tag | default $root.Values.global.imageTag | default $root.Chart.AppVersion -}}
{{- printf "%s/%s:%s" $root.Values.global.imageRegistry $img.repository $tag -}}
{{- end -}}

{{/* Pod-level security: non-root (the image's `node` user, uid 1000), default seccomp. */}}
{{- define "tessera.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level security: read-only root filesystem, no privilege escalation, no capabilities. */}}
{{- define "tessera.containerSecurityContext" -}}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Scheduling of a component: (list $ .Values.router "router"). */}}
{{- define "tessera.scheduling" -}}
{{- $root := index . 0 -}}
{{- $c := index . 1 -}}
{{- $nodeSelector := merge (deepCopy ($c.nodeSelector | default dict)) ($root.Values.global.nodeSelector | default dict) -}}
{{- with $nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- $tolerations := concat ($root.Values.global.tolerations | default list) ($c.tolerations | default list) -}}
{{- with $tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $c.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if $root.Values.global.topologySpread.enabled }}
topologySpreadConstraints:
  {{- range $key := list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
  - maxSkew: 1
    topologyKey: {{ $key }}
    whenUnsatisfiable: {{ $root.Values.global.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "tessera.selectorLabels" (list $root (index $ 2)) | nindent 8 }}
  {{- end }}
{{- end }}
{{- with $root.Values.global.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* Redis URL env var (TESSERA_REDIS_URL) when Redis is configured. */}}
{{- define "tessera.redisEnv" -}}
{{- $r := .Values.redis -}}
{{- if eq $r.mode "internal" }}
- name: TESSERA_REDIS_URL
  value: {{ printf "redis://%s:6379/0" (include "tessera.name" (list . "redis")) | quote }}
{{- else if eq $r.mode "external" }}
{{- if $r.existingSecret }}
- name: TESSERA_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $r.existingSecret }}
      key: {{ $r.existingSecretKey }}
{{- else }}
- name: TESSERA_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "tessera.name" (list . "redis") }}
      key: url
{{- end }}
{{- end }}
{{- end -}}

{{/* PodDisruptionBudget of a component: (list $ .Values.router "router"). */}}
{{- define "tessera.pdb" -}}
{{- $root := index . 0 -}}
{{- $c := index . 1 -}}
{{- $name := index . 2 -}}
{{- if and $c.podDisruptionBudget.enabled (gt (int $c.replicaCount) 1) }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "tessera.name" (list $root $name) }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "tessera.labels" (list $root $name) | nindent 4 }}
spec:
  minAvailable: {{ $c.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      {{- include "tessera.selectorLabels" (list $root $name) | nindent 6 }}
{{- end }}
{{- end -}}

{{/* ServiceMonitor of a component: (list $ "router" "metrics"). */}}
{{- define "tessera.serviceMonitor" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- if $root.Values.metrics.serviceMonitor.enabled }}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "tessera.name" (list $root $name) }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "tessera.labels" (list $root $name) | nindent 4 }}
    {{- with $root.Values.metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "tessera.selectorLabels" (list $root $name) | nindent 6 }}
  endpoints:
    - port: {{ index . 2 }}
      path: /metrics
      interval: {{ $root.Values.metrics.serviceMonitor.interval }}
{{- end }}
{{- end -}}
