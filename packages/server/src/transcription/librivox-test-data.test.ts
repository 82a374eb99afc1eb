import { describe, expect, it } from 'vitest';
import { parseSphinxTranscription } from './librivox-test-data.js';

describe('parseSphinxTranscription', () => {
  it('reads `<s> words </s> (id)` lines', () => {
    const parsed = parseSphinxTranscription(
      '<s> he was not an ill disposed young man </s> (sense_and_sensibility_01_austen_64kb-0880)\n' +
        'no id here\n' +
        'hello world (x-1)\n',
    );
    expect([...parsed]).toEqual([
      ['sense_and_sensibility_01_austen_64kb-0880', 'he was not an ill disposed young man'],
      ['x-1', 'hello world'],
    ]);
  });
});
