{{- define "snf.name" -}}{{ if contains "snf" .Release.Name }}{{ .Release.Name }}{{ else }}{{ .Release.Name }}-snf{{ end }}{{- end -}}
{{- define "snf.labels" -}}
app.kubernetes.io/name: snf
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
{{- define "snf.serviceAccount" -}}{{ default (printf "%s-gateway" (include "snf.name" .)) .Values.serviceAccount.name }}{{- end -}}
{{- define "snf.tokenSecret" -}}{{ default (printf "%s-token" (include "snf.name" .)) .Values.clusterToken.existingSecret }}{{- end -}}
{{- define "snf.kafkaBrokers" -}}{{ if .Values.kafka.inCluster }}{{ include "snf.name" . }}-kafka.{{ .Release.Namespace }}:9092{{ else }}{{ .Values.kafka.brokers }}{{ end }}{{- end -}}
{{- define "snf.redisUrl" -}}{{ if .Values.redis.inCluster }}redis://{{ include "snf.name" . }}-redis.{{ .Release.Namespace }}:6379{{ else }}{{ .Values.redis.url }}{{ end }}{{- end -}}
