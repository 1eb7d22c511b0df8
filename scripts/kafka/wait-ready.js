#!/usr/bin/env node
/**
 * Waits until a Kafka broker accepts TCP connections, answers metadata requests (kafkajs admin
 * `describeCluster` + `listTopics`), has a group coordinator (`describeGroups`) and hands out producer
 * ids (an idempotent producer connects). Prints a dot per attempt on stderr.
 *
 *   node scripts/kafka/wait-ready.js [--brokers 127.0.0.1:19092] [--timeout 90] [--pid 1234]
 *
 * With --pid, gives up as soon as that process is gone (the broker died during start-up).
 * Exit codes: 0 ready, 1 timed out, 2 the watched process exited.
 */
'use strict';

const net = require('node:net');
const { Kafka, logLevel } = require('kafkajs');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const brokers = option('brokers', process.env.KAFKA_BROKERS || '127.0.0.1:19092').split(',');
const timeoutMs = Number(option('timeout', '90')) * 1000;
const pid = option('pid', undefined) === undefined ? undefined : Number(option('pid'));
const deadline = Date.now() + timeoutMs;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(p) {
  try {
    process.kill(p, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function portOpen(address) {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i);
  const port = Number(address.slice(i + 1));
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function metadataOk() {
  const kafka = new Kafka({
    clientId: 'wait-ready',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  let producer;
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0 || cluster.controller === null || cluster.controller < 0) return false;
    await admin.listTopics();
    // FindCoordinator for a group: the first one creates __consumer_offsets; until its partitions have
    // leaders this fails with GROUP_COORDINATOR_NOT_AVAILABLE, which consumers would otherwise hit.
    await admin.describeGroups(['wait-ready']);
    // InitProducerId (an idempotent producer's connect): on a fresh broker this answers
    // COORDINATOR_LOAD_IN_PROGRESS until the broker has a block of producer ids from the controller.
    producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 }, // an idempotent producer needs retries > 0
    });
    await producer.connect();
    return true;
  } catch {
    return false;
  } finally {
    if (producer) await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

async function main() {
  for (;;) {
    if (pid !== undefined && !alive(pid)) {
      process.stderr.write('\n');
      console.error(`wait-ready: process ${pid} exited before the broker became ready`);
      return 2;
    }
    const open = (await Promise.all(brokers.map(portOpen))).every(Boolean);
    if (open && (await metadataOk())) {
      process.stderr.write('\n');
      return 0;
    }
    if (Date.now() >= deadline) {
      process.stderr.write('\n');
      console.error(`wait-ready: ${brokers.join(',')} not ready after ${timeoutMs / 1000}s`);
      return 1;
    }
    process.stderr.write('.');
    await sleep(open ? 250 : 500);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
