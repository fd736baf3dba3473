// BullMQ beside Chard, on the same Redis and machine: the comparison, measured the way Chard's
// `./chard bench --processing` measures itself. N no-op jobs are pre-filled (completed jobs kept, as BullMQ keeps
// them by default), then a worker process with concurrency 50 is spawned and drains them.
//
//   cd infra/bench/bullmq && npm ci && node bench.mjs [--jobs N] [--rounds N]     (REDIS_URI, default 127.0.0.1:6379)
//
// Prints, per round: steady rate (first job started to last job completed, as the worker's own clock saw them),
// the rate from the worker's spawn, spawn to first job, and the CPU the worker process and Redis spent per job from
// the spawn on (Chard's processing rows print the same).
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';

const option = (name, otherwise) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : otherwise;
};
const jobs = option('--jobs', 50000);
const rounds = option('--rounds', 3);
const redis = new URL(process.env.REDIS_URI ?? 'redis://127.0.0.1:6379');
// BullMQ 6 takes a client, not connection options, in an ES module.
const connection = new IORedis(redis.href, { maxRetriesPerRequest: null });

/** Redis' own CPU time (user and system), from INFO cpu. */
async function redisCpuSeconds() {
  const info = await connection.info('cpu');
  return ['used_cpu_user', 'used_cpu_sys']
    .map((field) => Number(info.match(new RegExp(`^${field}:([0-9.]+)`, 'm'))[1]))
    .reduce((a, b) => a + b);
}

for (let round = 1; round <= rounds; round++) {
  const name = `chard-compare-${randomUUID().slice(0, 8)}`;
  const queue = new Queue(name, { connection });
  for (let i = 0; i < jobs; i += 1000) {
    const chunk = Math.min(1000, jobs - i);
    await queue.addBulk(Array.from({ length: chunk }, () => ({ name: 'noop', data: {} })));
  }
  const redisBefore = await redisCpuSeconds();
  const spawned = Date.now();
  const worker = spawn(process.execPath, ['worker.mjs', name, String(jobs)], {
    cwd: import.meta.dirname, env: process.env, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  worker.stdout.on('data', (chunk) => { out += chunk; });
  const code = await new Promise((resolve) => worker.on('exit', resolve));
  if (code !== 0) {
    throw new Error(`the worker exited with ${code}`);
  }
  const redisSeconds = await redisCpuSeconds() - redisBefore;
  const { firstStart, lastFinish, cpuMicros } = JSON.parse(out);
  const perJob = (micros) => Math.round(micros / jobs);
  const perSecond = (ms) => Math.round(jobs / (ms / 1000)).toLocaleString('en-US');
  console.log(`BullMQ, ${jobs} pre-filled no-ops, concurrency 50, completed jobs kept: `
    + `${perSecond(lastFinish - firstStart)}/s first start to last finish, `
    + `${perSecond(lastFinish - spawned)}/s from worker spawn, spawn to first job ${firstStart - spawned} ms; `
    + `CPU per job from spawn: worker ${perJob(cpuMicros)}, Redis ${perJob(redisSeconds * 1e6)} µs`);
  await queue.obliterate({ force: true });
  await queue.close();
}
await connection.quit();
