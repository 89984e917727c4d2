// The worker side of off-loop.ts: runs one exported function per message and posts back its value or its error.
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', async (m: { module: string; fn: string; args: unknown[] }) => {
  try {
    const mod = await import(m.module);
    parentPort!.postMessage({ value: await mod[m.fn](...m.args) });
  } catch (err) {
    const e = err as { message?: string; statusCode?: number; code?: string; details?: unknown };
    parentPort!.postMessage({ error: { message: String(e.message ?? err), statusCode: e.statusCode, code: e.code, details: e.details } });
  }
});
