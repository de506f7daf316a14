// Documents that change as a whole and keep every version (the policy, the price book): the errors their optimistic
// concurrency gives. A change names the version it was made on (`base_version`), or builds on the latest; two
// changes at once cannot both become the next version, wherever they were made.
import { GatewayError } from './errors.ts';

export function versionConflict(document: string, version: number): GatewayError {
  return new GatewayError(
    'version_conflict',
    `another change saved ${document} version ${version} first (on this node or another); read the ${document} again and make the change on top of it`,
    { param: 'base_version' },
  );
}

/** Refuses a change made on a version that is no longer the one in force. */
export function checkBase(document: string, baseVersion: number | undefined, current: number): void {
  if (baseVersion !== undefined && baseVersion !== current)
    throw new GatewayError(
      'version_conflict',
      `base_version ${baseVersion} is not the ${document} version in force (${current}); read the ${document} again and make the change on top of it`,
      { param: 'base_version' },
    );
}
