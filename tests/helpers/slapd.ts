/**
 * A real OpenLDAP server (Debian's slapd) for the LDAP login tests: its own temporary config and
 * database directory, a free port on 127.0.0.1, the memberOf overlay, seeded over LDAP as the
 * directory's manager (so the overlay fills in memberOf as it would in production).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { slapdPath } from './requirements.js';

export const SUFFIX = 'dc=hallq,dc=test';
export const MANAGER_DN = `cn=manager,${SUFFIX}`;
export const MANAGER_PASSWORD = 'manager-secret';

export interface Person {
  uid: string;
  cn: string;
  password: string;
}

export interface Slapd {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`slapd exited (${child.exitCode}): ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`slapd did not listen on ${port}: ${output()}`);
}

export async function startSlapd(): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-slapd-'));
  mkdirSync(join(dir, 'db'));
  const conf = join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `pidfile ${join(dir, 'slapd.pid')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'moduleload memberof',
      'database mdb',
      `suffix "${SUFFIX}"`,
      `rootdn "${MANAGER_DN}"`,
      `rootpw ${MANAGER_PASSWORD}`,
      `directory ${join(dir, 'db')}`,
      'maxsize 10485760',
      'overlay memberof',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  // -d 0: stay in the foreground (the test owns the process and stops it by its pid).
  const child = spawn(slapdPath()!, ['-f', conf, '-h', `${url}/`, '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForPort(port, child, () => output);
  return {
    url,
    port,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** People under ou=people and groupOfNames under ou=groups; `groups` maps a group's cn to its members' uids. */
export async function seed(url: string, people: Person[], groups: Record<string, string[]>): Promise<void> {
  const client = new Client({ url });
  try {
    await client.bind(MANAGER_DN, MANAGER_PASSWORD);
    await client.add(SUFFIX, { objectClass: ['dcObject', 'organization'], dc: 'hallq', o: 'HallQ test' });
    await client.add(`ou=people,${SUFFIX}`, { objectClass: 'organizationalUnit', ou: 'people' });
    await client.add(`ou=groups,${SUFFIX}`, { objectClass: 'organizationalUnit', ou: 'groups' });
    for (const person of people) {
      await client.add(personDn(person.uid), { objectClass: 'inetOrgPerson', uid: person.uid, cn: person.cn, sn: person.cn, userPassword: person.password });
    }
    for (const [cn, members] of Object.entries(groups)) {
      // groupOfNames needs a member: the manager stands in for an empty group.
      await client.add(groupDn(cn), { objectClass: 'groupOfNames', cn, member: members.length > 0 ? members.map(personDn) : [MANAGER_DN] });
    }
  } finally {
    await client.unbind();
  }
}

export const personDn = (uid: string) => `uid=${uid},ou=people,${SUFFIX}`;
export const groupDn = (cn: string) => `cn=${cn},ou=groups,${SUFFIX}`;
