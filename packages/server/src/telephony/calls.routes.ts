// Live calls (SPEC §4, §9.1): the Webex call-control recording operations, the calls of the
// caller's line as Webex call objects (list and details), and the server-sent events of
// recording indicators. Thin: parse,
// authorise in the service, present. Calls held by another process's recorder come through the
// database (calls.service.ts, live-calls-remote.ts), so these work in any process with the API role.
import type { ServerResponse } from 'node:http';
import {
  CallRecordingControlBody,
  ErrorBody,
  OrgQuery,
  TelephonyCall,
  TelephonyCallList,
  TelephonyCallQuery,
  type RecordingStateEvent,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { createConnectionErrorLog, isConnectionLoss } from '../db/connection-loss.js';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import {
  CALL_CONTROL_OPERATIONS,
  controlMyCall,
  getMyCall,
  listMyCalls,
  mayReceiveEvent,
  remoteSourceOf,
  snapshotEvents,
  type CallControlOperation,
  type CallsDeps,
} from './calls.service.js';
import type { LiveCallEvent } from './live-calls.js';
import { createRemoteLiveCallFeed } from './live-calls-remote.js';

export interface CallsRouteDeps extends CallsDeps {
  /** Seconds between SSE heartbeat comments (default 15). */
  readonly heartbeatSeconds?: number;
}

const SUMMARY: Record<CallControlOperation, string> = {
  startRecording: 'Start recording your call (On Demand with User Initiated Start)',
  stopRecording: 'Stop recording your call (On Demand); a later start makes a new recording',
  pauseRecording: 'Pause recording your call (Always with Pause/Resume, On Demand)',
  resumeRecording: 'Resume recording your paused call',
};

function presentEvent(event: LiveCallEvent): RecordingStateEvent {
  return {
    callId: event.callId,
    callSessionId: event.sessionId,
    ownerId: event.ownerId,
    ownerType: event.ownerKind,
    recordingState: event.recordingState,
    action: event.action ?? null,
    source: event.source ?? null,
    reason: event.reason ?? null,
    time: new Date(event.atMs).toISOString(),
  };
}

export function registerCallRoutes(app: AppInstance, deps: CallsRouteDeps): void {
  for (const operation of Object.keys(CALL_CONTROL_OPERATIONS) as CallControlOperation[]) {
    app.post(
      `/v1/telephony/calls/${operation}`,
      {
        schema: {
          tags: ['calls'],
          summary: SUMMARY[operation],
          description:
            'A live call of your own line, or with `lineOwnerId` of a virtual line you have as a secondary line (any other `lineOwnerId`: 403). Without `callId`, the line’s only call: 400 NO_ACTIVE_CALL when it has none, 400 CALL_ID_REQUIRED when it has several. 400 with the reason when the recording mode or state does not allow it (nothing changes); 404 when the call is not the line’s; 503 RECORDER_UNAVAILABLE when the recorder process holding the call (another process, reached through the database) did not answer within about 3 s — the control was not applied.',
          querystring: Type.Object(OrgQuery),
          body: CallRecordingControlBody,
          response: { 204: Type.Null(), '4xx': ErrorBody, 503: ErrorBody },
        },
        // Webex clients send these without a body when they name no call: an empty object.
        preValidation: (request, _reply, done) => {
          if (request.body === undefined || request.body === null) request.body = {};
          done();
        },
      },
      async (request, reply) => {
        await controlMyCall(deps, actorOf(request), request.body, operation);
        return reply.status(204).send(null);
      },
    );
  }

  app.get(
    '/v1/telephony/calls',
    {
      schema: {
        tags: ['calls'],
        summary: 'The calls of your line Callvault holds now, as Webex call objects',
        description:
          'Every SIPREC session Callvault (any recorder process) holds now on which your line — or with `lineOwnerId` a virtual line you have as a secondary line — is recorded, in any recording state: On Demand not started (`pending`) or `stopped`, `paused`, `failed` included. Calls Callvault is not given by the call system, or on which the line is not recorded (recording off), are not known to it.',
        querystring: Type.Object({ ...OrgQuery, ...TelephonyCallQuery }),
        response: { 200: TelephonyCallList, '4xx': ErrorBody },
      },
    },
    async (request) => ({
      items: await listMyCalls(deps, actorOf(request), request.query.lineOwnerId),
    }),
  );

  // The operations' paths are POST-only: the pattern leaves them out, so a GET of one is a wrong
  // method (405 with Allow: POST), not a call of that id (Webex call ids are never these names).
  app.get(
    `/v1/telephony/calls/:callId(^(?!(?:${Object.keys(CALL_CONTROL_OPERATIONS).join('|')})$).+$)`,
    {
      schema: {
        tags: ['calls'],
        summary: 'Details of one call of your line (Webex Get Call Details)',
        description:
          '404 when the line has no such call (another person’s call included); 403 for a `lineOwnerId` that is not yours.',
        params: Type.Object({ callId: Type.String({ minLength: 1, maxLength: 512 }) }),
        querystring: Type.Object({ ...OrgQuery, ...TelephonyCallQuery }),
        response: { 200: TelephonyCall, '4xx': ErrorBody },
      },
    },
    (request) =>
      getMyCall(deps, actorOf(request), request.params.callId, request.query.lineOwnerId),
  );

  // Server-sent events: the raw response stays open; every state change the actor may see is
  // one `recordingState` (or `callEnded`) event, comments keep proxies from timing out.
  // Calls other recorder processes hold are read from the database every ~500 ms while a stream
  // is open; their changes become the same events.
  // While the database is away every read fails: one line per outage, not two a second.
  const outage = createConnectionErrorLog({
    logger: app.log,
    message: 'could not read live calls from the database',
  });
  const remoteFeed = createRemoteLiveCallFeed({
    ...remoteSourceOf(deps),
    onError: (err) => {
      if (isConnectionLoss(err)) outage.report(err);
      else app.log.warn({ err }, 'could not read live calls from the database');
    },
  });
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', (done) => {
    remoteFeed.close();
    for (const stream of streams) stream.end();
    streams.clear();
    done();
  });
  app.get(
    '/api/events',
    {
      schema: {
        tags: ['calls'],
        summary: 'Server-sent events of live recording states (recording indicators)',
        description:
          'text/event-stream. Events `recordingState` and `callEnded` with RecordingStateEvent data; first the current state of every call you may see. Users see their own calls, administrators and compliance officers their org’s.',
        querystring: Type.Object(OrgQuery),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      streams.add(res);
      const send = (event: LiveCallEvent): void => {
        if (res.writableEnded) return;
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(presentEvent(event))}\n\n`);
      };
      const listener = (event: LiveCallEvent): void => {
        if (mayReceiveEvent(actor, event)) send(event);
      };
      res.write('retry: 3000\n\n');
      const remote = await remoteFeed.subscribe(listener);
      for (const event of snapshotEvents(deps, actor, remote.calls)) send(event);
      const unsubscribe = deps.calls?.subscribe(listener) ?? (() => undefined);
      const heartbeat = setInterval(
        () => {
          if (!res.writableEnded) res.write(': heartbeat\n\n');
        },
        (deps.heartbeatSeconds ?? 15) * 1000,
      );
      heartbeat.unref();
      const cleanup = (): void => {
        clearInterval(heartbeat);
        unsubscribe();
        remote.unsubscribe();
        streams.delete(res);
      };
      request.raw.on('close', cleanup);
      res.on('close', cleanup);
      // Closed while the first reading was under way.
      if (res.destroyed || res.writableEnded) cleanup();
    },
  );
}
