/**
 * The validation pieces of src/common/fast/ measured in this one process
 * (part of `npm run bench:fenced`): Nest's ValidationPipe.transform on the
 * bench's chat body, with each piece and with it switched off, in
 * alternating batches (CPU time of each batch, the median of the pairs).
 * What a piece saves is given per µs of the transform as built, so that
 * fenced-cost.ts can scale it by the transform's share of the gateway's
 * busy time: a ratio of two CPU times taken side by side, and a share of
 * one profile, both steady on a busy machine where CPU per request is not.
 */
import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, type ValidationError, validateSync } from 'class-validator';
import { markParsedBody, provesNoProtoKeys } from '../src/common/body/plain-json.js';
import { createValidationPipe } from '../src/common/validation/validation.pipe.js';
import { ChatCompletionRequestDto } from '../src/completions/dto/chat-completion-request.dto.js';
import { median } from './processes.js';
import { chatBody } from './responses.js';

const ROUNDS = Number(process.env.MICRO_ROUNDS ?? 12);
const BATCH = Number(process.env.MICRO_BATCH ?? 2000);

export interface MicroResult {
  name: string;
  /** µs of CPU per transform, with the piece and without. */
  onUs: number;
  offUs: number;
  /** What the piece saves per µs of the transform with it: the median of the pairs, and their spread. */
  saved: number;
  spread: [number, number];
}

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function compare(name: string, on: () => unknown, off: () => unknown): Promise<MicroResult> {
  const batch = async (work: () => unknown) => {
    const start = cpuUs();
    for (let i = 0; i < BATCH; i++) await work();
    return (cpuUs() - start) / BATCH;
  };
  await batch(on);
  await batch(off);
  const ons: number[] = [];
  const offs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so a slow moment of the shared machine does not always hit the same one.
    if (round % 2 === 0) ons.push(await batch(on));
    offs.push(await batch(off));
    if (round % 2 === 1) ons.push(await batch(on));
  }
  const saved = offs.map((x, i) => (x - ons[i]) / ons[i]).sort((a, b) => a - b);
  return { name, onUs: median(ons), offUs: median(offs), saved: median(saved), spread: [saved[0], saved.at(-1) ?? NaN] };
}

const bytes = Buffer.from(chatBody(false));
const metadata = { type: 'body' as const, metatype: ChatCompletionRequestDto };

/** What jsonBodyMiddleware hands the pipe: the parsed body, noted with what its bytes prove. */
function parsedBody(): unknown {
  const body: unknown = JSON.parse(bytes.toString());
  markParsedBody(body, provesNoProtoKeys(bytes));
  return body;
}

export async function validationMicro(): Promise<MicroResult[]> {
  const pipe = createValidationPipe();
  // The same pipe with Nest's own protected methods: the overrides switched off, every option the same.
  const plainPipe = createValidationPipe();
  Object.setPrototypeOf(plainPipe, ValidationPipe.prototype);
  const overrides = await compare(
    'ValidationPipe overrides',
    () => pipe.transform(parsedBody(), metadata),
    () => plainPipe.transform(parsedBody(), metadata),
  );

  // The cache is methods set on the storage itself over its prototype's: set aside, it is off.
  const storage = getMetadataStorage() as unknown as Record<string, unknown>;
  const cached = Object.fromEntries(Object.keys(storage).filter((key) => typeof storage[key] === 'function').map((key) => [key, storage[key]]));
  const cacheOn = (on: boolean) => {
    for (const [key, method] of Object.entries(cached)) {
      if (on) storage[key] = method;
      else delete storage[key];
    }
  };
  // Off, every declared field is worked through, as class-validator's validateSync does.
  const everyField = createValidationPipe();
  (everyField as unknown as { validate: (object: object, options: object) => ValidationError[] }).validate = (object, options) => validateSync(object, options);
  const cache = await compare(
    'class-validator metadata cache',
    () => {
      cacheOn(true);
      return pipe.transform(parsedBody(), metadata);
    },
    () => {
      cacheOn(false);
      return everyField.transform(parsedBody(), metadata);
    },
  );
  cacheOn(true);
  return [overrides, cache];
}
