import { getContext, setContext } from 'svelte';

/** Where on the admin page a notice is drawn: the page's own line under the tabs, or a panel's. */
export type NoticePlace = 'page' | 'staff' | 'local-login' | 'upload' | 'webhooks' | 'voice';

/**
 * The admin page's one 「已保存…」 line. A notice tells what was just done on the view being looked
 * at; after a tab change it would mislead (「已保存 1 处修改」 above the reports), so navigation clears
 * it here for every panel at once, and an answer that comes back after the person has moved on
 * (a save still on its way when 统计报表 was clicked) is dropped rather than shown on the new view.
 */
export class AdminNotices {
  #current = $state<{ place: NoticePlace; text: string } | null>(null);
  /** Counts navigations, so an answer can tell whether the view it was asked from is still shown. */
  #view = 0;

  /** The notice drawn at `place`, if the last one was given there. */
  at(place: NoticePlace): string | null {
    return this.#current?.place === place ? this.#current.text : null;
  }

  /** A notice about something that happens now (a save by someone else arriving live). */
  show(place: NoticePlace, text: string): void {
    this.#current = { place, text };
  }

  /**
   * Called when an action starts (and clears the previous notice): the answer it returns shows the
   * action's outcome only if the person is still on the view the action was started from.
   */
  begin(place: NoticePlace): (text: string) => void {
    this.#current = null;
    const view = this.#view;
    return (text) => {
      if (view === this.#view) this.show(place, text);
    };
  }

  clear(): void {
    this.#current = null;
  }

  /** Another tab (or view) is shown: nothing said before belongs to it. */
  navigated(): void {
    this.#view += 1;
    this.#current = null;
  }
}

const KEY = Symbol('admin-notices');

/** Admin.svelte owns the notices; its panels reach them through the component context. */
export function provideAdminNotices(notices: AdminNotices): AdminNotices {
  return setContext(KEY, notices);
}

export function adminNotices(): AdminNotices {
  const notices = getContext<AdminNotices | undefined>(KEY);
  if (!notices) throw new Error('adminNotices() outside the admin page');
  return notices;
}
