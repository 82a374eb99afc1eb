import { NoneTranscriber } from './none-transcriber.js';
import { describeTranscriberContract } from './transcriber.contract.js';

describeTranscriberContract('none', () => new NoneTranscriber(), { recognises: false });
