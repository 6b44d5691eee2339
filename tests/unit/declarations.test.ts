import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { mayRun } from '../../server/auth/permissions.js';
import type { Principal } from '../../server/auth/principal.js';
import type { CalledTicketAnswer, IssuedTicketAnswer, WindowAnswer } from '../../server/protocol/answers.js';
import type { Command, CommandType } from '../../server/protocol/commands.js';
import {
  COMMAND_NAMES,
  type CommandInput,
  type CommandResult,
  WINDOW_ACTIONS,
  declarations,
  pathParams,
} from '../../server/protocol/declarations.js';
import type { ClientToServerEvents } from '../../server/protocol/socket.js';
import { renderApiTable, renderClientRoutes, withApiTable } from '../../tools/commandTable.js';

const root = join(import.meta.dirname, '..', '..');

describe('command declarations', () => {
  it('docs/api.md holds the generated command table (run `npm run generate` after changing a declaration)', () => {
    const markdown = readFileSync(join(root, 'docs', 'api.md'), 'utf8');
    expect(markdown).toContain(renderApiTable());
    expect(withApiTable(markdown)).toBe(markdown);
  });

  it('client/commandRoutes.ts is the generated route table', () => {
    expect(readFileSync(join(root, 'client', 'commandRoutes.ts'), 'utf8')).toBe(renderClientRoutes());
  });

  it('every path id is a field of the input, and routes and socket events are unique', () => {
    for (const name of COMMAND_NAMES) {
      const { input, rest } = declarations[name];
      const shape = (input as unknown as { shape: Record<string, z.ZodType> }).shape;
      for (const param of pathParams(rest.path)) expect(Object.keys(shape), `${name} ${param}`).toContain(param);
      expect(Object.keys(shape), name).toContain('requestId');
    }
    const routes = COMMAND_NAMES.map((name) => `${declarations[name].rest.method} ${declarations[name].rest.path}`);
    expect(new Set(routes).size).toBe(routes.length);
    const events = COMMAND_NAMES.map((name) => declarations[name].socket).filter((event) => event !== null);
    expect(new Set(events).size).toBe(events.length);
    // Contract names: commands `entity.verb`, their socket events `entity:verb`.
    for (const name of COMMAND_NAMES) {
      const event = declarations[name].socket;
      if (event !== null) expect(event).toBe(name.replace('.', ':'));
    }
    expect(WINDOW_ACTIONS).toEqual(['open', 'take-over', 'pause', 'resume', 'close', 'call-next', 'call', 'recall', 'start', 'finish', 'no-show', 'requeue', 'transfer']);
  });

  it('every command clients may send is declared; the server clock is no caller`s', () => {
    const all: CommandType[] = [...COMMAND_NAMES, 'hall.tick'];
    expect(new Set(all).size).toBe(all.length);
    const admin: Principal = { kind: 'staff', user: { id: 'u', name: 'A', role: 'admin' }, hallIds: ['*'], tokenVersion: 0 };
    expect(mayRun(admin, 'demo', { type: 'hall.tick' }, true)).toBe(false);
    expect(mayRun(admin, 'demo', { type: 'hall.close-day' }, true)).toBe(true);
  });

  it('builds the engine command from the input, the caller deciding the default channel', () => {
    const issue = declarations['ticket.issue'];
    const input = issue.input.parse({ serviceId: 'A', requestId: 'abcdefgh' });
    expect(issue.build(input, { kind: 'device', device: 'kiosk' })).toEqual({
      type: 'ticket.issue',
      serviceId: 'A',
      channel: 'kiosk',
      priority: false,
      requestId: 'abcdefgh',
    });
    expect(issue.build(input, { kind: 'public' }).channel).toBe('phone');
    expect(issue.build(input, { kind: 'staff', role: 'clerk' }).channel).toBe('desk');
    const transfer = declarations['window.transfer'];
    expect(transfer.build(transfer.input.parse({ windowId: '1', serviceId: 'B' }), { kind: 'staff', role: 'clerk' })).toEqual({
      type: 'window.transfer',
      windowId: '1',
      serviceId: 'B',
    } satisfies Command);
    expect(transfer.input.safeParse({ windowId: '1' }).success).toBe(false);
    expect(declarations['window.pause'].input.safeParse({ windowId: '1', reason: 'away', extra: 1 }).success).toBe(false);
  });

  it('who may send what: the rules of the declarations', () => {
    const clerk: Principal = { kind: 'staff', user: { id: 'c', name: 'C', role: 'clerk' }, hallIds: ['demo'], tokenVersion: 0 };
    const supervisor: Principal = { kind: 'staff', user: { id: 's', name: 'S', role: 'supervisor' }, hallIds: ['demo'], tokenVersion: 0 };
    const device = (kind: 'kiosk' | 'printer'): Principal => ({
      kind: 'device',
      device: { id: 'd', hallId: 'demo', kind, name: 'k', tokenHash: 'x', createdAt: 0, createdBy: 'a' },
    });
    const screen = (windowId: string): Principal => ({
      kind: 'device',
      device: { id: 'w', hallId: 'demo', kind: 'window-screen', name: 's', tokenHash: 'x', createdAt: 0, createdBy: 'a', windowId },
    });
    const phone: Principal = { kind: 'public', ip: '1.2.3.4' };
    const issue = (channel: 'kiosk' | 'phone' | 'desk', priority = false): Command => ({ type: 'ticket.issue', serviceId: 'A', channel, priority });
    expect(mayRun(device('kiosk'), 'demo', issue('kiosk'), false)).toBe(true);
    expect(mayRun(device('kiosk'), 'demo', issue('kiosk', true), false)).toBe(false);
    expect(mayRun(device('kiosk'), 'other', issue('kiosk'), false)).toBe(false);
    expect(mayRun(device('printer'), 'demo', issue('kiosk'), false)).toBe(false);
    expect(mayRun(phone, 'demo', issue('phone'), false)).toBe(false);
    expect(mayRun(phone, 'demo', issue('phone'), true)).toBe(true);
    expect(mayRun(phone, 'demo', issue('desk'), true)).toBe(false);
    // Only the citizen rates: the e-ticket link by ticket id, the window's paired screen by its own window; never staff.
    expect(mayRun(phone, 'demo', { type: 'ticket.rate', level: 5, windowId: '1' }, false)).toBe(false);
    expect(mayRun(phone, 'demo', { type: 'ticket.rate', level: 5, ticketId: 't' }, false)).toBe(true);
    expect(mayRun(screen('1'), 'demo', { type: 'ticket.rate', level: 5, windowId: '1' }, false)).toBe(true);
    expect(mayRun(screen('1'), 'demo', { type: 'ticket.rate', level: 5, windowId: '2' }, false)).toBe(false);
    expect(mayRun(clerk, 'demo', { type: 'ticket.rate', level: 5, ticketId: 't' }, false)).toBe(false);
    expect(mayRun(clerk, 'demo', { type: 'announcement.post', text: 'x' }, false)).toBe(false);
    expect(mayRun(supervisor, 'demo', { type: 'announcement.post', text: 'x' }, false)).toBe(true);
    expect(mayRun(supervisor, 'demo', { type: 'hall.configure', config: {} as never }, false)).toBe(false);
    expect(mayRun(device('kiosk'), 'demo', { type: 'appointment.check-in', code: '123456' }, false)).toBe(true);
    expect(mayRun(phone, 'demo', { type: 'window.call-next', windowId: '1' }, false)).toBe(false);
  });

  it('derives the wire types: inputs from the schemas, results and acknowledgements per command', () => {
    expectTypeOf<CommandResult<'window.call-next'>>().toEqualTypeOf<CalledTicketAnswer>();
    expectTypeOf<CommandResult<'ticket.issue'>>().toEqualTypeOf<IssuedTicketAnswer>();
    expectTypeOf<CommandResult<'window.open'>>().toEqualTypeOf<WindowAnswer>();
    expectTypeOf<CommandInput<'window.pause'>>().toEqualTypeOf<{
      windowId: string;
      reason: 'away' | 'lunch' | 'meeting' | 'other';
      note?: string | undefined;
      requestId?: string | undefined;
    }>();
    expectTypeOf<Parameters<ClientToServerEvents['window:call-next']>[1]>().parameter(0).toEqualTypeOf<
      { ok: true; data: CalledTicketAnswer } | { ok: false; error: import('../../server/protocol/errors.js').ErrorBody }
    >();
    expectTypeOf<ClientToServerEvents>().toHaveProperty('hall:close-day');
    expectTypeOf<ClientToServerEvents>().not.toHaveProperty('hall:configure');
  });
});
