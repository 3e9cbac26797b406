{{/*
Chart name, truncated to the 63 characters a DNS label allows.
*/}}
{{- define "claude-code-proxy.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name. A release already named after the chart is not
repeated ("claude-code-proxy", not "claude-code-proxy-claude-code-proxy"), so
the RockBot URL http://claude-code-proxy.rockbot.svc.cluster.local/v1 works
with `helm install claude-code-proxy`.
*/}}
{{- define "claude-code-proxy.fullname" -}}
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

{{- define "claude-code-proxy.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "claude-code-proxy.labels" -}}
helm.sh/chart: {{ include "claude-code-proxy.chart" . }}
{{ include "claude-code-proxy.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Selector labels are immutable on a Deployment: keep them to name + instance.
*/}}
{{- define "claude-code-proxy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "claude-code-proxy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "claude-code-proxy.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "claude-code-proxy.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "claude-code-proxy.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag | toString) }}
{{- end }}
{{- end }}

{{/*
Secret holding the API key or the OAuth token.
*/}}
{{- define "claude-code-proxy.secretName" -}}
{{- default (include "claude-code-proxy.fullname" .) .Values.auth.existingSecret }}
{{- end }}

{{- define "claude-code-proxy.createSecret" -}}
{{- if and (has .Values.auth.mode (list "apiKey" "accessToken")) (not .Values.auth.existingSecret) }}true{{ end }}
{{- end }}

{{- define "claude-code-proxy.claimName" -}}
{{- default (printf "%s-credentials" (include "claude-code-proxy.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/*
"true" unless the claim can be mounted read-write by pods on several nodes
(ReadWriteMany): the login file is written by whichever replica renews it.
*/}}
{{- define "claude-code-proxy.singleWriterClaim" -}}
{{- if not (has "ReadWriteMany" .Values.persistence.accessModes) }}true{{ end }}
{{- end }}

{{/*
Redis (state shared by replicas): "true" when configured.
*/}}
{{- define "claude-code-proxy.redis" -}}
{{- if or .Values.redis.url .Values.redis.existingSecret }}true{{ end }}
{{- end }}

{{- define "claude-code-proxy.redisSecretName" -}}
{{- default (printf "%s-redis" (include "claude-code-proxy.fullname" .)) .Values.redis.existingSecret }}
{{- end }}

{{- define "claude-code-proxy.createRedisSecret" -}}
{{- if and .Values.redis.url (not .Values.redis.existingSecret) }}true{{ end }}
{{- end }}

{{/*
"true" when more than one pod may serve at once (several replicas, or an HPA).
*/}}
{{- define "claude-code-proxy.scalesOut" -}}
{{- if or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) }}true{{ end }}
{{- end }}

{{/*
Refuses value combinations that would render a broken release. Included by
the Deployment so every install, upgrade and template run checks them.
*/}}
{{- define "claude-code-proxy.validate" -}}
{{- $mode := .Values.auth.mode }}
{{- if eq $mode "apiKey" }}
{{- if not (or .Values.auth.apiKey .Values.auth.existingSecret) }}
{{- fail "auth.mode=apiKey needs a key: set auth.apiKey or auth.existingSecret (a Secret with the key auth.secretKeys.apiKey)" }}
{{- end }}
{{- else if eq $mode "accessToken" }}
{{- if not (or .Values.auth.accessToken .Values.auth.existingSecret) }}
{{- fail "auth.mode=accessToken needs a token: set auth.accessToken (from `claude setup-token`) or auth.existingSecret (a Secret with the key auth.secretKeys.accessToken)" }}
{{- end }}
{{- else if eq $mode "credentialsFile" }}
{{- if include "claude-code-proxy.singleWriterClaim" . }}
{{- if .Values.autoscaling.enabled }}
{{- fail "auth.mode=credentialsFile uses a ReadWriteOnce claim that only one pod can mount: set autoscaling.enabled=false, or share the login on a ReadWriteMany claim (persistence.accessModes) with redis.url (or use auth.mode=accessToken to scale out)" }}
{{- end }}
{{- if gt (int .Values.replicaCount) 1 }}
{{- fail (printf "auth.mode=credentialsFile uses a ReadWriteOnce claim that only one pod can mount: replicaCount must be 0 or 1, got %d; replicas sharing the login need a ReadWriteMany claim (persistence.accessModes) and redis.url (or use auth.mode=accessToken to scale out)" (int .Values.replicaCount)) }}
{{- end }}
{{- end }}
{{- else if eq $mode "workloadIdentity" }}
{{- if not (and .Values.auth.workloadIdentity.federationRuleId .Values.auth.workloadIdentity.organizationId) }}
{{- fail "auth.mode=workloadIdentity needs the federation rule: set auth.workloadIdentity.federationRuleId (fdrl_...) and auth.workloadIdentity.organizationId (see docs/deployment.md, \"Workload identity\")" }}
{{- end }}
{{- else if eq $mode "pool" }}
{{- if not .Values.credentialPool.existingSecret }}
{{- fail "auth.mode=pool needs credentialPool.existingSecret: a Secret holding the pool file (key credentialPool.fileKey) and the secrets its entries name (credentialPool.secretEnv)" }}
{{- end }}
{{- else }}
{{- fail (printf "auth.mode must be apiKey, accessToken, credentialsFile, workloadIdentity or pool, got %q" (toString $mode)) }}
{{- end }}
{{- if and .Values.redis.url .Values.redis.existingSecret }}
{{- fail "redis.url and redis.existingSecret are exclusive: put the URL in the existing Secret (key redis.secretKeys.url)" }}
{{- end }}
{{- end }}

{{/*
The container port /metrics is served on: the metrics-only port when set, else the main one.
*/}}
{{- define "claude-code-proxy.metricsPort" -}}
{{- if kindIs "invalid" .Values.metrics.port -}}
{{- .Values.containerPort -}}
{{- else -}}
{{- .Values.metrics.port -}}
{{- end -}}
{{- end }}
