/**
 * Preloaded (`node --import`) into every server the bench starts, so CPU and
 * memory are read inside that server's own process: on a machine shared with
 * other work, CPU time per request stays comparable where req/s does not.
 * Answers each `usage` message on the IPC channel the bench opened; it adds
 * nothing to the request path.
 */
import { Session } from 'node:inspector/promises';

export interface Usage {
  /** user + system CPU time of this process so far, in ms. */
  cpuMs: number;
  rss: number;
  /** The highest RSS this process has had, in bytes. */
  peakRss: number;
  /** V8's heap and what lives outside it (buffers), for telling where RSS goes. */
  heapUsed: number;
  heapTotal: number;
  external: number;
}

/** A V8 CPU profile, as `node --cpu-prof` writes it. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** For a bench that profiles a window of its own choosing: `profile:start`, then `profile:stop` answers the profile. */
let profiler: Session | undefined;

async function profile(message: 'profile:start' | 'profile:stop'): Promise<void> {
  if (message === 'profile:start') {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 250 });
    await profiler.post('Profiler.start');
    process.send?.('profile:started');
    return;
  }
  const { profile: taken } = (await profiler?.post('Profiler.stop')) as { profile: CpuProfile };
  profiler?.disconnect();
  profiler = undefined;
  process.send?.({ profile: taken });
}

if (process.send) {
  process.on('message', (message) => {
    if (message === 'profile:start' || message === 'profile:stop') {
      void profile(message);
      return;
    }
    if (message !== 'usage') return;
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const usage: Usage = {
      cpuMs: (cpu.user + cpu.system) / 1000,
      rss: memory.rss,
      peakRss: process.resourceUsage().maxRSS * 1024,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
    };
    process.send?.(usage);
  });
  // The channel must not keep a server alive on its own, nor stop it from exiting.
  process.channel?.unref();
}
