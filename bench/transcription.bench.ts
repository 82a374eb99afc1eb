// Transcription benchmark: speed as × real time per core and word error rate on
// pocketsphinx-testdata's LibriVox clips, for Callvault's pocketsphinx engine (resampling, WAV
// writing, one child process per channel, output parsing) against the bare Debian programs on the
// same clips in the same run: `pocketsphinx_batch` over all clips in one process (the baseline)
// and `pocketsphinx_continuous` once per clip. Our engine is also run on the clips narrowed to
// telephone 8 kHz, the rate most calls arrive at.
//
// CPU time is what the process and its waited-for children used (/proc/self/stat utime, stime,
// cutime, cstime); pocketsphinx decodes on one thread, so audio seconds / CPU seconds is × real
// time per core. Writes bench/results/transcription.json.
//
//   tsx bench/transcription.bench.ts [--runs N]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LIBRIVOX_DIR,
  loadLibrivoxClips,
  parseSphinxTranscription,
  type ReferenceClip,
} from '../packages/server/src/transcription/librivox-test-data.js';
import { resamplePcm } from '../packages/server/src/transcription/pcm-resampler.js';
import {
  buildPocketsphinxArgs,
  PocketsphinxTranscriber,
  resolvePocketsphinxModel,
} from '../packages/server/src/transcription/pocketsphinx-transcriber.js';
import { parsePocketsphinxOutput } from '../packages/server/src/transcription/pocketsphinx-output.js';
import {
  countWordErrors,
  normaliseWords,
  sumWordErrors,
  wordErrorRate,
  type WordErrors,
} from '../packages/server/src/transcription/word-error-rate.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1] ?? 1)) : 1;
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU seconds used so far by this process and its finished children. */
function cpuSeconds(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / TICKS;
}

interface Measured {
  readonly name: string;
  readonly description: string;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly hypotheses: Record<string, string>;
}

interface BenchResult {
  readonly name: string;
  readonly description: string;
  readonly runs: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly xRealTimePerCore: number;
  readonly xRealTimeWall: number;
  readonly wer: number;
  readonly counts: WordErrors;
  readonly hypotheses: Record<string, string>;
}

async function measure(
  name: string,
  description: string,
  work: () => Promise<Record<string, string>>,
): Promise<Measured> {
  const cpu0 = cpuSeconds();
  const wall0 = performance.now();
  const hypotheses = await work();
  return {
    name,
    description,
    wallSeconds: (performance.now() - wall0) / 1000,
    cpuSeconds: cpuSeconds() - cpu0,
    hypotheses,
  };
}

function scoreOf(clips: readonly ReferenceClip[], hypotheses: Record<string, string>): WordErrors {
  return sumWordErrors(
    clips.map((c) =>
      countWordErrors(normaliseWords(c.reference), normaliseWords(hypotheses[c.id] ?? '')),
    ),
  );
}

async function main(): Promise<void> {
  const clips = await loadLibrivoxClips();
  const audioSeconds = clips.reduce((s, c) => s + c.pcm.length / c.sampleRate, 0);
  const model = resolvePocketsphinxModel();
  const transcriber = new PocketsphinxTranscriber();
  await transcriber.check();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-bench-'));

  const ours = (rate: number | null) => async () => {
    const out: Record<string, string> = {};
    for (const c of clips) {
      const pcm = rate === null ? c.pcm : resamplePcm(c.pcm, c.sampleRate, rate);
      const result = await transcriber.transcribe(pcm, rate ?? c.sampleRate, {
        language: 'en_us',
      });
      out[c.id] = result.words.map((w) => w.word).join(' ');
    }
    return out;
  };
  const bareBatch = () => {
    const hyp = path.join(tmp, 'batch.hyp');
    execFileSync(
      'pocketsphinx_batch',
      [
        '-adcin',
        'yes',
        '-cepdir',
        LIBRIVOX_DIR,
        '-cepext',
        '.wav',
        '-ctl',
        path.join(LIBRIVOX_DIR, 'fileids'),
        '-hyp',
        hyp,
        '-hmm',
        model.hmm,
        '-lm',
        model.lm,
        '-dict',
        model.dict,
        '-logfn',
        '/dev/null',
      ],
      { stdio: 'ignore' },
    );
    // The hyp file's lines end in "(id score)"; keep the id only.
    const text = fs.readFileSync(hyp, 'utf8').replace(/\((\S+) -?\d+\)/g, '($1)');
    return Promise.resolve(Object.fromEntries(parseSphinxTranscription(text)));
  };
  const bareContinuous = () => {
    const out: Record<string, string> = {};
    for (const c of clips) {
      const stdout = execFileSync('pocketsphinx_continuous', buildPocketsphinxArgs(c.file, model), {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      out[c.id] = parsePocketsphinxOutput(stdout)
        .words.map((w) => w.word)
        .join(' ');
    }
    return Promise.resolve(out);
  };

  const variants: Array<[string, string, () => Promise<Record<string, string>>]> = [
    [
      'baseline: pocketsphinx_batch',
      'bare pocketsphinx_batch, all clips in one process',
      bareBatch,
    ],
    [
      'bare pocketsphinx_continuous',
      'bare pocketsphinx_continuous, one process per clip (our engine’s exact arguments)',
      bareContinuous,
    ],
    ['callvault pocketsphinx', 'PocketsphinxTranscriber on the 16 kHz clips', ours(null)],
    [
      'callvault pocketsphinx (8 kHz)',
      'PocketsphinxTranscriber on the clips narrowed to telephone 8 kHz',
      ours(8000),
    ],
  ];
  const results: BenchResult[] = [];
  for (const [name, description, work] of variants) {
    const runs: Measured[] = [];
    for (let r = 0; r < RUNS; r++) runs.push(await measure(name, description, work));
    // The fastest run is the one least disturbed by other work on the machine.
    const best = runs.reduce((a, b) => (b.cpuSeconds < a.cpuSeconds ? b : a));
    const counts = scoreOf(clips, best.hypotheses);
    results.push({
      name,
      description,
      runs: RUNS,
      wallSeconds: round(best.wallSeconds),
      cpuSeconds: round(best.cpuSeconds),
      xRealTimePerCore: round(audioSeconds / best.cpuSeconds),
      xRealTimeWall: round(audioSeconds / best.wallSeconds),
      wer: round(wordErrorRate(counts)),
      counts,
      hypotheses: best.hypotheses,
    });
  }
  fs.rmSync(tmp, { recursive: true, force: true });

  const baseline = results[0];
  const ourResult = results[2];
  if (!baseline || !ourResult) throw new Error('missing results');
  const report = {
    benchmark: 'transcription',
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      loadAverage: os.loadavg().map(round),
      node: process.version,
    },
    data: {
      source: `pocketsphinx-testdata ${LIBRIVOX_DIR}`,
      clips: clips.length,
      audioSeconds: round(audioSeconds),
      referenceWords: ourResult.counts.referenceWords,
    },
    results,
    ratio: {
      speedOursOverBaseline: round(ourResult.xRealTimePerCore / baseline.xRealTimePerCore),
      werOursMinusBaseline: round(ourResult.wer - baseline.wer),
    },
  };
  const outDir = path.join(here, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'transcription.json'), `${JSON.stringify(report, null, 2)}\n`);

  const line = (r: BenchResult): string =>
    `${r.name.padEnd(32)} ${r.xRealTimePerCore.toFixed(2).padStart(6)} × real time per core` +
    `  (${r.cpuSeconds.toFixed(1)} s CPU, ${r.wallSeconds.toFixed(1)} s wall)` +
    `  WER ${(r.wer * 100).toFixed(1)} %`;
  process.stdout.write(
    `transcription: ${clips.length} clips, ${audioSeconds.toFixed(1)} s of speech, ${report.data.referenceWords} words\n` +
      results.map(line).join('\n') +
      `\nratio (callvault / baseline pocketsphinx_batch): speed ${report.ratio.speedOursOverBaseline.toFixed(2)}×, ` +
      `WER ${report.ratio.werOursMinusBaseline >= 0 ? '+' : ''}${(report.ratio.werOursMinusBaseline * 100).toFixed(1)} points\n` +
      `results: ${path.relative(process.cwd(), path.join(outDir, 'transcription.json'))}\n`,
  );
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

await main();
