// pocketsphinx-testdata's LibriVox clips (Debian package `pocketsphinx-testdata`): five 16 kHz
// mono utterances read from "Sense and Sensibility", listed in `fileids`, with the reference text
// in `transcription` as `<s> words </s> (id)`. Used by the real-speech tests and the benchmark.
import fs from 'node:fs/promises';
import path from 'node:path';
import { decodeWavPcm16 } from './pcm-wav.js';

export const LIBRIVOX_DIR = '/usr/share/pocketsphinx/test/data/librivox';

export interface ReferenceClip {
  readonly id: string;
  readonly file: string;
  /** The reference words as the package gives them (lowercase, no punctuation). */
  readonly reference: string;
  readonly sampleRate: number;
  readonly pcm: Int16Array;
}

/** `<s> words </s> (id)` lines → id → words. */
export function parseSphinxTranscription(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(.*)\(([^()\s]+)\)\s*$/.exec(line.trim());
    if (!match) continue;
    const words = (match[1] ?? '')
      .replace(/<\/?s>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    out.set(match[2] ?? '', words);
  }
  return out;
}

export async function isLibrivoxDataInstalled(dir = LIBRIVOX_DIR): Promise<boolean> {
  return fs.access(path.join(dir, 'fileids')).then(
    () => true,
    () => false,
  );
}

export async function loadLibrivoxClips(dir = LIBRIVOX_DIR): Promise<ReferenceClip[]> {
  const ids = (await fs.readFile(path.join(dir, 'fileids'), 'utf8'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const references = parseSphinxTranscription(
    await fs.readFile(path.join(dir, 'transcription'), 'utf8'),
  );
  const clips: ReferenceClip[] = [];
  for (const id of ids) {
    const reference = references.get(id);
    if (reference === undefined) throw new Error(`${id}: no reference in transcription`);
    const file = path.join(dir, `${id}.wav`);
    const wav = decodeWavPcm16(await fs.readFile(file));
    if (wav.channels !== 1) throw new Error(`${file}: expected mono`);
    clips.push({ id, file, reference, sampleRate: wav.sampleRate, pcm: wav.pcm });
  }
  return clips;
}
