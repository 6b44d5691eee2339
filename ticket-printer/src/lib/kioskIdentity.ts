/**
 * The kiosk's pairing, kept in the browser's storage of this kiosk PC: the
 * device token is the kiosk's identity until an administrator revokes it.
 */
export interface KioskIdentity {
  hallId: string;
  deviceId: string;
  name: string;
  token: string;
  /** Shown once after pairing with a USB printer: the command that starts the print agent. */
  agentCommand?: string;
}

const key = (hallId: string) => `hallq.kiosk.${hallId}`;

export function loadIdentity(hallId: string): KioskIdentity | null {
  try {
    const stored = JSON.parse(localStorage.getItem(key(hallId)) ?? 'null') as KioskIdentity | null;
    return stored && typeof stored.token === 'string' && stored.hallId === hallId ? stored : null;
  } catch {
    return null;
  }
}

export function saveIdentity(identity: KioskIdentity): void {
  localStorage.setItem(key(identity.hallId), JSON.stringify(identity));
}

export function forgetIdentity(hallId: string): void {
  localStorage.removeItem(key(hallId));
}
