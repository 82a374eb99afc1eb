// The recording trunks a SIPREC session may come on (SPEC §5): every enabled trunk whose source
// CIDRs allow the sender, oldest first, each with its stored digest credentials (username,
// realm, HA1). The recorder checks the SRC's Authorization against them itself.
import type {
  RecordingTrunk,
  RecordingTrunkLookup,
  RecordingTrunkRequest,
} from '@callvault/recorder';
import type { DbOrTrx } from '../db/database.js';
import { matchesAnyCidr, parseCidr } from '../recording-trunks/cidr.js';
import {
  listEnabledTrunks,
  type TrunkRecord,
} from '../recording-trunks/recording-trunks.repository.js';
import { chooseTrunksForSource } from '../recording-trunks/trunk-client-certificate.js';

/** The trunk as the recorder sees it; credentials only when both the identity and HA1 are set. */
export function recordingTrunkOf(trunk: TrunkRecord): RecordingTrunk {
  return {
    orgId: trunk.orgId,
    trunkId: trunk.id,
    trunkName: trunk.name,
    mediaLatching: trunk.mediaLatching,
    ...(trunk.digest !== null && trunk.digestHa1 !== null
      ? {
          digest: {
            username: trunk.digest.username,
            realm: trunk.digest.realm,
            ha1: trunk.digestHa1,
          },
        }
      : {}),
  };
}

export async function findTrunksForSource(
  db: DbOrTrx,
  request: RecordingTrunkRequest,
): Promise<RecordingTrunkLookup> {
  // Over TLS a verified client certificate chooses its trunks; a trunk that requires one is
  // never chosen without it (trunk-client-certificate.ts).
  const matching = chooseTrunksForSource(
    (await listEnabledTrunks(db)).filter((trunk) =>
      matchesAnyCidr(
        request.source.address,
        trunk.allowedSources.flatMap((s) => {
          const cidr = parseCidr(s);
          return cidr ? [cidr] : [];
        }),
      ),
    ),
    request.source,
  ).sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
  if (matching.length === 0) {
    return {
      ok: false,
      status: 403,
      reason: `source ${request.source.address} is not allowed by any enabled recording trunk`,
    };
  }
  return { ok: true, trunks: matching.map(recordingTrunkOf) };
}
