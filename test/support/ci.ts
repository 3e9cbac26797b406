/** CI=true (or 1), as CI services and `.ci/run` set it. Apart from optional-tool.ts, which needs Jest, so that the bench can use it too (through redis-server.ts). */
export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(true|1)$/i.test(env.CI ?? '');
}
