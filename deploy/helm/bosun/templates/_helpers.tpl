{{/*
Labels on every object the chart makes, beside the object's own app.kubernetes.io/name. Pod
templates and selectors never get them: a new chart version must not roll the pods.
*/}}
{{- define "bosun.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* An image reference pinned by digest: repository@sha256:... (the schema checks both). */}}
{{- define "bosun.image" -}}
{{ .image.repository }}@{{ required (printf "images.%s.digest is required (sha256:...)" .name) .image.digest }}
{{- end }}
