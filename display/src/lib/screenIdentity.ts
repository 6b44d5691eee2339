/**
 * A window screen's pairing, kept in this screen's browser storage: the
 * device token (kind `window-screen`, bound to one window) is what lets it
 * submit the citizen's rating (issue 13 item 4). Unpaired, the screen still
 * shows its window but offers no rating.
 */
export interface ScreenIdentity {
  hallId: string;
  windowId: string;
  deviceId?: string;
  token: string;
}

const key = (hallId: string, windowId: string) => `hallq.window-screen.${hallId}.${windowId}`;

export function loadScreenIdentity(hallId: string, windowId: string): ScreenIdentity | null {
  try {
    const stored = JSON.parse(localStorage.getItem(key(hallId, windowId)) ?? 'null') as ScreenIdentity | null;
    return stored && typeof stored.token === 'string' && stored.hallId === hallId && stored.windowId === windowId ? stored : null;
  } catch {
    return null;
  }
}

export function saveScreenIdentity(identity: ScreenIdentity): void {
  localStorage.setItem(key(identity.hallId, identity.windowId), JSON.stringify(identity));
}

export function forgetScreenIdentity(hallId: string, windowId: string): void {
  localStorage.removeItem(key(hallId, windowId));
}

/**
 * The admin page's devices tab gives a link ending in `#pair=<token>`: opened
 * on the screen, it pairs it. The fragment never reaches the server or its
 * logs, and it is removed from the address bar at once.
 */
export function takePairingFragment(hallId: string, windowId: string): ScreenIdentity | null {
  const match = /^#pair=(hqd_[A-Za-z0-9_-]{20,100})$/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, '', location.pathname + location.search);
  const identity: ScreenIdentity = { hallId, windowId, token: match[1]! };
  saveScreenIdentity(identity);
  return identity;
}

export type PairAnswer = { ok: true; identity: ScreenIdentity } | { ok: false; message: string };

/** Signs in as a supervisor and pairs this screen for its window (POST …/devices, kind window-screen). */
export async function pairScreen(input: { hallId: string; windowId: string; username: string; password: string; name: string; lang: 'zh' | 'en' }): Promise<PairAnswer> {
  const call = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${path}?lang=${input.lang}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const data = (await response.json().catch(() => ({}))) as { token?: string; device?: { id: string }; error?: { message?: string } };
    return { ok: response.ok, data };
  };
  try {
    const login = await call('/api/auth/login', { username: input.username, password: input.password });
    if (!login.ok || !login.data.token) return { ok: false, message: login.data.error?.message ?? String(login.ok) };
    const paired = await call(`/api/halls/${encodeURIComponent(input.hallId)}/devices`, { kind: 'window-screen', name: input.name, windowId: input.windowId }, login.data.token);
    if (!paired.ok || !paired.data.token) return { ok: false, message: paired.data.error?.message ?? '' };
    const identity: ScreenIdentity = { hallId: input.hallId, windowId: input.windowId, token: paired.data.token, ...(paired.data.device ? { deviceId: paired.data.device.id } : {}) };
    saveScreenIdentity(identity);
    return { ok: true, identity };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
