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
