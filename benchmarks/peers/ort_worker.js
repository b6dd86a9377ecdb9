#!/usr/bin/env node
// onnxruntime side of frost_compare_bench: one model, batch and thread count, in its own
// process. The same protocol as benchmarks/frost_worker.cpp: read the input .npy, time
// "open the model to first result ready", warm up, time the runs, write the last output as
// .npy, print one JSON line (the driver computes median/min and reads the peak RSS).
//
// onnxruntime-node's CPU execution provider with every graph optimisation
// (graphOptimizationLevel 'all'), intra-op threads as asked, one inter-op thread
// (sequential execution: these graphs are chains, nothing runs in parallel across ops).
//
// Install once: (cd benchmarks/peers && npm install --ignore-scripts)
// Usage: node ort_worker.js --model M.onnx --input X.npy --output Y.npy --threads N
//            [--warmup 2] [--runs 20] [--min-runs 5] [--max-seconds 30]
'use strict';

const fs = require('node:fs');
const path = require('node:path');

function fail(message) {
  process.stderr.write(`ort_worker: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = {warmup: 2, runs: 20, 'min-runs': 5, 'max-seconds': 30, threads: 1};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) fail(`bad argument '${argv[i]}'`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  for (const key of ['model', 'input', 'output']) {
    if (!args[key]) fail(`--${key} is required`);
  }
  for (const key of ['warmup', 'runs', 'min-runs', 'max-seconds', 'threads']) {
    args[key] = Number(args[key]);
    if (!Number.isFinite(args[key])) fail(`--${key} must be a number`);
  }
  return args;
}

// float32, little-endian, C-order .npy (what the driver writes), versions 1 to 3.
function readNpy(file) {
  const bytes = fs.readFileSync(file);
  if (bytes.toString('latin1', 0, 6) !== '\x93NUMPY') fail(`${file}: not a .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  if (!/'descr':\s*'<f4'/.test(header)) fail(`${file}: dtype is not '<f4' (${header.trim()})`);
  if (/'fortran_order':\s*True/.test(header)) fail(`${file}: Fortran order is not supported`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!shapeText) fail(`${file}: no shape in the header`);
  const shape = shapeText[1].split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const start = headerStart + headerLength;
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - start !== count * 4) fail(`${file}: ${bytes.length - start} data bytes, expected ${count * 4}`);
  // Copy: the Buffer's offset need not be 4-byte aligned.
  const data = new Float32Array(count);
  Buffer.from(data.buffer).set(bytes.subarray(start));
  return {shape, data};
}

function writeNpy(file, shape, data) {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';  // total a multiple of 64
  const prefix = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(prefix);
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const tmp = `${file}.tmp${process.pid}`;
  fs.writeFileSync(tmp, Buffer.concat([prefix, Buffer.from(header, 'latin1'),
                                       Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
  fs.renameSync(tmp, file);  // atomically: a reader sees the old file or the whole new one
}

// "VmRSS" (resident now) or "VmHWM" (peak resident set of this program since exec; unlike
// wait4's ru_maxrss it does not count the pages of the process that forked us), in MiB.
function statusMib(field) {
  const status = fs.readFileSync('/proc/self/status', 'latin1');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) / 1024 : 0;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    fail(`onnxruntime-node is not installed (cd ${path.dirname(__filename)} && npm install --ignore-scripts): ${e.message}`);
  }
  const input = readNpy(args.input);
  const batch = input.shape[0];
  const rssBeforeLoad = statusMib('VmRSS');

  // Load time: open the model to first result ready (parse, optimise, first run).
  const loadStart = performance.now();
  const session = await ort.InferenceSession.create(args.model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', input.data, input.shape)};
  const outputName = session.outputNames[0];
  let result = await session.run(feeds);
  const loadMs = performance.now() - loadStart;

  for (let i = 0; i < args.warmup; ++i) result = await session.run(feeds);
  const times = [];
  const timingStart = performance.now();
  while (times.length < args.runs &&
         (times.length < args['min-runs'] || performance.now() - timingStart < args['max-seconds'] * 1000)) {
    const start = performance.now();
    result = await session.run(feeds);
    times.push(performance.now() - start);
  }

  const output = result[outputName];
  writeNpy(args.output, output.dims, output.data);
  process.stdout.write(JSON.stringify({
    runtime: 'onnxruntime',
    version: ort.env.versions.node,
    batch,
    threads: args.threads,
    load_ms: loadMs,
    warmup: args.warmup,
    times_ms: times,
    rss_before_load_mib: rssBeforeLoad,
    peak_rss_mib: statusMib('VmHWM'),
    output_shape: output.dims,
  }) + '\n');
}

main().catch((e) => fail(e.stack || String(e)));
