{{/* Names, labels and the operator's RBAC rules, shared by the templates. */}}

{{- define "occi-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: <release>-<chart> unless the release name holds the chart's. */}}
{{- define "occi-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "occi-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "occi-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "occi-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "occi-operator.labels" -}}
helm.sh/chart: {{ include "occi-operator.chart" . }}
{{ include "occi-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: occi-operator
{{- end }}

{{- define "occi-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "occi-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "occi-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Every namespace is watched: cluster-wide RBAC, a ClusterKopfPeering. */}}
{{- define "occi-operator.clusterwide" -}}
{{- if not .Values.watch.namespaces }}true{{ end }}
{{- end }}

{{/*
The rules the operator needs in every namespace it watches (derived from the code:
reconciler/kube.py and kopf's watchers; tests/chart/test_rbac_from_code.py compares).
  - its namespaced kinds: kopf lists/watches them and patches annotations and finalizers;
    the reconciler gets/lists them and writes their status;
  - Secrets: read for credentials, patched for the guard finalizer; connection Secrets
    created, replaced (update), released (patch) and deleted;
  - Events: created by the reconciler (kopf's own event posting is off).
*/}}
{{- define "occi-operator.namespacedRules" -}}
- apiGroups: ["occi.occi-operator.dev"]
  resources: ["computes", "networks", "storages", "networkinterfaces", "storagelinks", "applications", "components", "componentlinks", "occiresources", "occiendpoints"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["occi.occi-operator.dev"]
  resources: ["computes/status", "networks/status", "storages/status", "networkinterfaces/status", "storagelinks/status", "applications/status", "components/status", "componentlinks/status", "occiresources/status", "occiendpoints/status"]
  verbs: ["patch"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "patch", "create", "update", "delete"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}

{{/* kopf peering, in a watched namespace (KopfPeering) or cluster-wide (ClusterKopfPeering). */}}
{{- define "occi-operator.peeringRules" -}}
- apiGroups: ["kopf.dev"]
  resources: [{{ if .clusterwide }}"clusterkopfpeerings"{{ else }}"kopfpeerings"{{ end }}]
  verbs: ["list", "watch", "patch"]
{{- end }}
