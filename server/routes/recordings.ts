import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HUB_PATHS, RecordingSchema, type Recording, type Role } from '../../shared/hub-api.js';
import { auditSubject, recordAudit } from '../auth/audit.js';
import type { HubContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import type { RecordingRecord } from '../store/repository.js';

/** Who may hear a citizen's call again: shift leads (quality checks, complaints), admins. */
export const RECORDING_ROLES: readonly Role[] = ['lead', 'admin'];

const PLACEHOLDER = 'CALLID';
/** The route patterns of HUB_PATHS.recording / recordingAudio. */
export const RECORDING_ROUTE = HUB_PATHS.recording(PLACEHOLDER).replace(PLACEHOLDER, ':callId');
export const RECORDING_AUDIO_ROUTE = HUB_PATHS.recordingAudio(PLACEHOLDER).replace(
  PLACEHOLDER,
  ':callId',
);

const ParamsSchema = z.strictObject({ callId: z.string().min(1).max(256) });

function toApi(record: RecordingRecord): Recording {
  return {
    callId: record.callId,
    startedAt: new Date(record.startedAt).toISOString(),
    durationMs: record.durationMs,
    bytes: record.bytes,
    contentType: 'audio/wav',
    expiresAt: new Date(record.expiresAt).toISOString(),
  };
}

/**
 * Call recordings for shift leads and admins: the metadata and the audio (audio/wav, the
 * caller on the left channel, the seat on the right). Both are audited as reads of the
 * caller's data (of the call when the hub has no caller for it). An order links to its
 * recording by its callId. The recordings are made by rtpengine and stored by
 * server/recordings/ingest.ts.
 */
export function registerRecordings(app: FastifyInstance, ctx: HubContext): void {
  const log = ctx.log.child({ name: 'hub.recordings' });

  async function found(request: FastifyRequest): Promise<RecordingRecord> {
    const { callId } = request.params as z.output<typeof ParamsSchema>;
    const record = await ctx.store.recordings.get(callId);
    if (!record || record.expiresAt <= ctx.clock.now()) {
      throw new HttpError(404, 'no-recording', `call ${callId} has no recording`);
    }
    return record;
  }

  async function subjectOf(callId: string): Promise<string> {
    const call = await ctx.store.calls.get(callId);
    return call?.callerKey ? auditSubject.caller(call.callerKey) : auditSubject.call(callId);
  }

  app.get(
    RECORDING_ROUTE,
    {
      config: {
        access: RECORDING_ROLES,
        api: {
          summary: 'A call’s recording: when, how long, until when it is kept',
          description: 'Audited. 404 no-recording when the call has none (or it expired).',
          params: ParamsSchema,
          response: RecordingSchema,
          errors: [404],
        },
      },
    },
    async (request): Promise<Recording> => {
      const record = await found(request);
      await recordAudit(ctx, request, 'read', [await subjectOf(record.callId)], 'recording');
      return toApi(record);
    },
  );

  app.get(
    RECORDING_AUDIO_ROUTE,
    {
      config: {
        access: RECORDING_ROLES,
        api: {
          summary: 'A call’s recorded audio (audio/wav)',
          description:
            'Audited. 16-bit PCM WAV at 8 kHz, two channels: the caller left, the seat ' +
            'right. 404 no-recording when the call has none (or its file is gone).',
          params: ParamsSchema,
          errors: [404],
        },
      },
    },
    async (request, reply: FastifyReply) => {
      const record = await found(request);
      const size = await stat(record.path).then(
        (s) => s.size,
        () => null,
      );
      if (size === null) {
        log.error({ callId: record.callId }, `Recording file of call ${record.callId} is missing.`);
        throw new HttpError(404, 'no-recording', `the audio of call ${record.callId} is gone`);
      }
      await recordAudit(ctx, request, 'read', [await subjectOf(record.callId)], 'recording audio');
      log.info(
        { callId: record.callId },
        `Recording of call ${record.callId} played by ${request.auth?.account ?? 'unknown'}.`,
      );
      return reply
        .type('audio/wav')
        .header('content-length', size)
        .header('cache-control', 'no-store')
        .send(createReadStream(record.path));
    },
  );
}
