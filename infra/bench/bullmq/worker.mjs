// The worker process bench.mjs spawns: drains queue argv[2] until argv[3] jobs completed, then prints when the first
// started and the last completed (epoch ms) and the CPU it spent (µs), and exits.
import { Worker } from 'bullmq';
import IORedis from 'ioredis';

const [name, expected] = [process.argv[2], Number(process.argv[3])];
const redis = new URL(process.env.REDIS_URI ?? 'redis://127.0.0.1:6379');
// BullMQ 6 takes a client, not connection options, in an ES module.
const connection = new IORedis(redis.href, { maxRetriesPerRequest: null });
let firstStart = 0;
let completed = 0;
const worker = new Worker(name, async () => {
  firstStart ||= Date.now();
  return null;
}, { connection, concurrency: 50 });
worker.on('completed', async () => {
  if (++completed === expected) {
    const lastFinish = Date.now();
    const cpu = process.cpuUsage();
    process.stdout.write(JSON.stringify({ firstStart, lastFinish, cpuMicros: cpu.user + cpu.system }));
    await worker.close();
    process.exit(0);
  }
});
