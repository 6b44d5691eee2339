import { describe, expect, it } from 'vitest';
import type { Announcement } from '../../server/protocol/model.js';
import { boardView } from '../../server/domain/views.js';
import { MINUTE, clerk1, harness, kiosk, local, publicActor, supervisor } from '../helpers/engineHarness.js';

describe('announcements', () => {
  it('posts an announcement (with second-language text) and records it', () => {
    const h = harness();
    const posted = h.ok<Announcement>({ type: 'announcement.post', text: '今日社保系统维护', textAlt: 'Social insurance system maintenance today' }, supervisor);
    expect(posted).toEqual({ id: 'id1', text: '今日社保系统维护', textAlt: 'Social insurance system maintenance today', postedAt: h.clock.now });
    expect(h.state.announcements).toEqual([posted]);
    expect(h.lastEvents).toEqual([expect.objectContaining({ type: 'announcement:posted', announcement: posted, actor: 'user:sup1' })]);
  });

  it('is for staff only', () => {
    const h = harness();
    expect(h.fail({ type: 'announcement.post', text: 'x' }, kiosk).code).toBe('FORBIDDEN');
    expect(h.fail({ type: 'announcement.post', text: 'x' }, publicActor).code).toBe('FORBIDDEN');
    expect(h.fail({ type: 'announcement.remove', announcementId: 'id1' }, publicActor).code).toBe('FORBIDDEN');
  });

  it('an announcement with an expiry leaves the board at that moment and the hall document at the next command', () => {
    const h = harness();
    const expiring = h.ok<Announcement>({ type: 'announcement.post', text: '午休 12:00-14:00', expiresAt: h.clock.now + 30 * MINUTE }, clerk1);
    const lasting = h.ok<Announcement>({ type: 'announcement.post', text: '请保管好随身物品' }, clerk1);
    h.advance(29);
    expect(boardView(h.state, h.clock.now).announcements.map((a) => a.id)).toEqual([expiring.id, lasting.id]);
    h.advance(1);
    expect(boardView(h.state, h.clock.now).announcements.map((a) => a.id)).toEqual([lasting.id]);
    expect(h.state.announcements).toHaveLength(2); // nothing ran yet
    h.issue('svc-a');
    expect(h.state.announcements.map((a) => a.id)).toEqual([lasting.id]);
  });

  it('an announcement without expiry survives the day change', () => {
    const h = harness();
    h.ok({ type: 'announcement.post', text: '本中心实行AB岗工作制' }, supervisor);
    h.clock.set(local('2026-03-05T09:00'));
    h.issue('svc-a');
    expect(h.state.announcements).toHaveLength(1);
    expect(boardView(h.state, h.clock.now).announcements).toHaveLength(1);
  });

  it('removes by id; an unknown id is ANNOUNCEMENT_NOT_FOUND', () => {
    const h = harness();
    const first = h.ok<Announcement>({ type: 'announcement.post', text: 'a' }, supervisor);
    const second = h.ok<Announcement>({ type: 'announcement.post', text: 'b' }, supervisor);
    h.ok({ type: 'announcement.remove', announcementId: first.id }, clerk1);
    expect(h.lastEvents).toEqual([expect.objectContaining({ type: 'announcement:removed', announcementId: first.id })]);
    expect(h.state.announcements).toEqual([second]);
    expect(h.fail({ type: 'announcement.remove', announcementId: first.id }, clerk1)).toEqual({
      code: 'ANNOUNCEMENT_NOT_FOUND',
      details: { announcementId: first.id },
    });
  });
});
