{{/* Object names: the release name, suffixed by component. */}}
{{- define "scanfleet.name" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "scanfleet.controller" -}}{{ include "scanfleet.name" . }}-controller{{- end -}}
{{- define "scanfleet.scanner" -}}{{ include "scanfleet.name" . }}-scanner{{- end -}}
{{- define "scanfleet.dbUpdater" -}}{{ include "scanfleet.name" . }}-db-updater{{- end -}}
{{- define "scanfleet.db" -}}{{ include "scanfleet.name" . }}-db{{- end -}}

{{- define "scanfleet.labels" -}}
app.kubernetes.io/part-of: scanfleet
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "scanfleet.image" -}}{{ .Values.image.repository }}:{{ .Values.image.tag }}{{- end -}}

{{/* The restricted pod security settings every pod uses. */}}
{{- define "scanfleet.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* The controller's replica count: 3 on PostgreSQL, 1 on SQLite, which
serves one controller only. */}}
{{- define "scanfleet.controllerReplicas" -}}
{{- $store := .Values.controller.store -}}
{{- if eq $store "postgres" -}}
{{- .Values.controller.replicas | default 3 -}}
{{- else if eq $store "sqlite" -}}
{{- if and .Values.controller.replicas (ne (int .Values.controller.replicas) 1) -}}
{{- fail (printf "controller.replicas=%v with controller.store=sqlite: SQLite serves one controller; use controller.store=postgres for more" .Values.controller.replicas) -}}
{{- end -}}
1
{{- else -}}
{{- fail (printf "controller.store=%q: want postgres or sqlite" $store) -}}
{{- end -}}
{{- end -}}
