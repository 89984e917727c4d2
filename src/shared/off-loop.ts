// Work that would hold the request loop (decoding images, parsing PDFs) runs in a worker thread: an exported function
// of a module, called with structured-clonable arguments. One worker, started on first use and ended after a while
// without work (its TypeScript loader keeps a child process that would otherwise hold the process open); jobs queue.
// A job that runs too long or exhausts the worker's memory ends the worker (a new one starts for the next job).
import { Worker } from 'node:worker_threads';
import { AppError } from './errors.ts';

interface Job {
  module: string;
  fn: string;
  args: unknown[];
  resolve: (v: any) => void;
  reject: (e: Error) => void;
}

const JOB_TIMEOUT_MS = 60_000;
const MEMORY_MB = 768;
const IDLE_MS = 10_000;
const queue: Job[] = [];
let worker: Worker | null = null;
let idle: NodeJS.Timeout | undefined;
let current: { job: Job; timer: NodeJS.Timeout } | null = null;

const tooHeavy = () =>
  new AppError(422, 'FILE_TOO_COMPLEX', 'Tệp quá phức tạp để xử lý (vượt giới hạn thời gian hoặc bộ nhớ); hãy quét lại với độ phân giải thấp hơn.');

function settle(outcome: { value?: unknown; error?: Error }) {
  if (!current) return;
  const { job, timer } = current;
  clearTimeout(timer);
  current = null;
  if (outcome.error) job.reject(outcome.error);
  else job.resolve(outcome.value);
  next();
}

/** Running the compiled server (dist/, npm run build:server): modules named `x.ts` by their callers are `x.js` here. */
const compiled = import.meta.url.endsWith('.js');
const sibling = (module: URL) => (compiled ? module.href.replace(/\.ts$/, '.js') : module.href);

function spawn(): Worker {
  // Under tsx the worker runs TypeScript modules too: it registers tsx's loader before loading its entry.
  const entry = JSON.stringify(sibling(new URL('./off-loop-worker.ts', import.meta.url)));
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const w = new Worker(compiled ? `import(${entry})` : `import(${tsx}).then((api) => { api.register(); return import(${entry}); })`, {
    eval: true,
    resourceLimits: { maxOldGenerationSizeMb: MEMORY_MB },
  });
  w.on('message', (m: { value?: unknown; error?: { message: string; statusCode?: number; code?: string; details?: unknown } }) => {
    const e = m.error;
    settle(e ? { error: e.statusCode && e.code ? new AppError(e.statusCode, e.code, e.message, e.details) : new Error(e.message) } : { value: m.value });
  });
  const gone = (err?: Error) => {
    if (worker !== w) return;
    worker = null;
    settle({ error: err && (err as { code?: string }).code !== 'ERR_WORKER_OUT_OF_MEMORY' ? err : tooHeavy() });
  };
  w.on('error', gone);
  w.on('exit', () => gone());
  return w;
}

function next() {
  if (current) return;
  if (!queue.length) {
    const w = worker;
    if (w)
      idle = setTimeout(() => {
        if (worker === w) {
          worker = null;
          void w.terminate();
        }
      }, IDLE_MS);
    return;
  }
  clearTimeout(idle);
  const job = queue.shift()!;
  worker ??= spawn();
  const w = worker;
  current = {
    job,
    timer: setTimeout(() => {
      void w.terminate();
    }, JOB_TIMEOUT_MS),
  };
  w.postMessage({ module: job.module, fn: job.fn, args: job.args });
}

/** Calls `fn(...args)` exported by `module` (a file URL) in the worker; Buffers arrive there as Uint8Arrays. */
export function offLoop<T>(module: URL, fn: string, args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    queue.push({ module: sibling(module), fn, args, resolve, reject });
    next();
  });
}
